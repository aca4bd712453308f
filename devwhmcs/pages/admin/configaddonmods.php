<?php
/**
 * configaddonmods.php: every addon under modules/addons with Activate/Deactivate (calling
 * _activate/_deactivate, whose {status, description} is shown) and, for active ones, the
 * _config fields saved to tbladdonmodules.
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
require_once DEVWHMCS_ROOT . '/lib/product.php';
devwhmcs_require_admin();

$addons = array();
foreach (glob(DEVWHMCS_MODULES . '/addons/*', GLOB_ONLYDIR) ?: array() as $dir) {
    if (is_file($dir . '/' . basename($dir) . '.php')) {
        $addons[] = basename($dir);
    }
}
$banner = '';
$module = req('module');
if (devwhmcs_is_post() && in_array($module, $addons, true)) {
    $action = req('action');
    if ($action === 'activate' || $action === 'deactivate') {
        $r = $action === 'activate' ? devwhmcs_addon_activate($module) : devwhmcs_addon_deactivate($module);
        $ok = $r['status'] !== 'error';
        $banner = '<div class="alert ' . ($ok ? 'alert-success' : 'alert-danger') . '" role="' . ($ok ? 'status' : 'alert') . '">'
            . e($r['description'] !== '' ? $r['description'] : ($action === 'activate' ? 'Module Activated Successfully' : 'Module Deactivated Successfully')) . '</div>';
    } elseif ($action === 'save' && devwhmcs_addon_active($module)) {
        $cfg = devwhmcs_addon_config($module);
        $posted = isset($_POST['fields'][$module]) && is_array($_POST['fields'][$module]) ? $_POST['fields'][$module] : array();
        foreach (isset($cfg['fields']) && is_array($cfg['fields']) ? $cfg['fields'] : array() as $key => $def) {
            $value = isset($posted[$key]) && is_string($posted[$key]) ? $posted[$key] : '';
            devwhmcs_addon_save_setting($module, $key, $value);
        }
        $banner = '<div class="alert alert-success" role="status">Changes Saved Successfully!</div>';
    }
}

$html = '';
foreach ($addons as $m) {
    $cfg = devwhmcs_addon_config($m);
    $active = devwhmcs_addon_active($m);
    $name = isset($cfg['name']) ? (string) $cfg['name'] : $m;
    $html .= '<section aria-labelledby="addon-' . e($m) . '"><h2 id="addon-' . e($m) . '">' . e($name) . ' <small>' . e($m) . ' ' . e(isset($cfg['version']) ? $cfg['version'] : '') . '</small></h2>'
        . '<p>' . e(isset($cfg['description']) ? $cfg['description'] : '') . '</p>'
        . '<form method="post" action="configaddonmods.php">' . generate_token() . '<input type="hidden" name="module" value="' . e($m) . '">'
        . '<input type="hidden" name="action" value="' . ($active ? 'deactivate' : 'activate') . '">'
        . '<button type="submit">' . ($active ? 'Deactivate' : 'Activate') . ' ' . e($name) . '</button></form>';
    if ($active) {
        $settings = devwhmcs_addon_settings($m);
        $rows = '';
        foreach (isset($cfg['fields']) && is_array($cfg['fields']) ? $cfg['fields'] : array() as $key => $def) {
            $id = 'addon_' . $m . '_' . preg_replace('/[^A-Za-z0-9_]/', '_', (string) $key);
            $value = isset($settings[$key]) ? $settings[$key] : (isset($def['Default']) ? (string) $def['Default'] : '');
            $field = devwhmcs_config_field($m, 0, $key, is_array($def) ? $def : array(), $value, array());
            $field = str_replace(array('id="packageconfigoption0', 'name="packageconfigoption[0]"'), array('id="' . $id, 'name="fields[' . e($m) . '][' . e($key) . ']"'), $field);
            $label = is_array($def) && isset($def['FriendlyName']) ? $def['FriendlyName'] : $key;
            $rows .= '<tr><td class="fieldlabel"><label for="' . e($id) . '">' . e($label) . '</label></td><td class="fieldarea">' . $field
                . (is_array($def) && isset($def['Description']) ? ' <span>' . e($def['Description']) . '</span>' : '') . '</td></tr>';
        }
        if ($rows !== '') {
            $html .= '<form method="post" action="configaddonmods.php">' . generate_token() . '<input type="hidden" name="module" value="' . e($m) . '"><input type="hidden" name="action" value="save">'
                . '<table class="form">' . $rows . '</table><p><button type="submit">Save Changes for ' . e($name) . '</button></p></form>';
        }
        $html .= '<p><a href="addonmodules.php?module=' . e($m) . '">Open ' . e($name) . '</a></p>';
    }
    $html .= '</section>';
}
devwhmcs_send_page('Addon Modules', $banner . $html, 'admin');
