<?php
/**
 * The product edit page's Module Settings (configproducts.php): the module's ConfigOptions
 * fields rendered by Type, named packageconfigoption[N] by position, Loader fields as dropdowns
 * filled by calling the loader (an exception's message shown instead), and the save that stores
 * configoptionN and fires the product hooks.
 */

/** Server modules present (modules/servers/<name>/<name>.php). */
function devwhmcs_server_modules()
{
    $out = array();
    foreach (glob(DEVWHMCS_MODULES . '/servers/*', GLOB_ONLYDIR) ?: array() as $dir) {
        $name = basename($dir);
        if (is_file($dir . '/' . $name . '.php')) {
            $out[] = $name;
        }
    }
    return $out;
}

/** @return array<string, string> value => label from a field's Options (comma string or array) */
function devwhmcs_field_options($options)
{
    if (is_array($options)) {
        return array_map('strval', $options);
    }
    $out = array();
    foreach (array_filter(array_map('trim', explode(',', (string) $options)), 'strlen') as $o) {
        $out[$o] = $o;
    }
    return $out;
}

/** One ConfigOptions field as WHMCS renders it; $n is its position (configoption$n). */
function devwhmcs_config_field($module, $n, $key, array $def, $value, array $params)
{
    $id = 'packageconfigoption' . $n;
    $name = 'packageconfigoption[' . $n . ']';
    $type = isset($def['Type']) ? strtolower((string) $def['Type']) : 'text';
    $size = isset($def['Size']) ? (int) $def['Size'] : 25;
    if (!empty($def['Loader'])) {
        $fn = (string) $def['Loader'];
        try {
            $options = function_exists($fn) ? call_user_func($fn, $params) : array();
            $options = is_array($options) ? array_map('strval', $options) : array();
            if ((string) $value !== '' && !isset($options[(string) $value])) {
                $options = array((string) $value => (string) $value) + $options;
            }
            return devwhmcs_select($id, $name, $options, $value);
        } catch (\Throwable $e) {
            // WHMCS shows the loader's message and keeps the plain field.
            return '<input type="text" id="' . $id . '" name="' . $name . '" value="' . e($value) . '" size="' . $size . '">'
                . ' <span class="alert alert-danger devwhmcs-loader-error" role="alert">' . e($e->getMessage()) . '</span>';
        }
    }
    switch ($type) {
        case 'yesno':
            return '<input type="hidden" name="' . $name . '" value=""><input type="checkbox" id="' . $id . '" name="' . $name . '" value="on"' . ($value === 'on' ? ' checked' : '') . '>';
        case 'password':
            return '<input type="password" id="' . $id . '" name="' . $name . '" value="' . e($value) . '" size="' . $size . '" autocomplete="off">';
        case 'dropdown':
            return devwhmcs_select($id, $name, devwhmcs_field_options(isset($def['Options']) ? $def['Options'] : ''), $value);
        case 'radio':
            $html = '<fieldset><legend class="sr-only">' . e(isset($def['FriendlyName']) ? $def['FriendlyName'] : $key) . '</legend>';
            foreach (devwhmcs_field_options(isset($def['Options']) ? $def['Options'] : '') as $v => $label) {
                $rid = $id . '_' . md5((string) $v);
                $html .= '<input type="radio" id="' . $rid . '" name="' . $name . '" value="' . e($v) . '"' . ((string) $v === (string) $value ? ' checked' : '') . '> <label for="' . $rid . '">' . e($label) . '</label> ';
            }
            return $html . '</fieldset>';
        case 'textarea':
            return '<textarea id="' . $id . '" name="' . $name . '" rows="' . (isset($def['Rows']) ? (int) $def['Rows'] : 3) . '" cols="' . (isset($def['Cols']) ? (int) $def['Cols'] : 50) . '">' . e($value) . '</textarea>';
        default:
            return '<input type="text" id="' . $id . '" name="' . $name . '" value="' . e($value) . '" size="' . $size . '">';
    }
}

/** The Module Settings panel for $module with server group $group (what WHMCS loads by AJAX). */
function devwhmcs_module_settings(array $product, $module, $group)
{
    $groups = array(0 => 'None');
    foreach (db_all('SELECT `id`, `name` FROM `tblservergroups` ORDER BY `id`') as $g) {
        $groups[(int) $g['id']] = $g['name'];
    }
    $modules = array('' => 'None');
    foreach (devwhmcs_server_modules() as $m) {
        $meta = devwhmcs_call_module($m, 'MetaData');
        $modules[$m] = is_array($meta) && isset($meta['DisplayName']) ? $meta['DisplayName'] : $m;
    }
    $rows = '<tr><td class="fieldlabel"><label for="inputModule">Module Name</label></td><td class="fieldarea">' . devwhmcs_select('inputModule', 'servertype', $modules, $module) . '</td></tr>'
        . '<tr><td class="fieldlabel"><label for="inputServerGroup">Server Group</label></td><td class="fieldarea">' . devwhmcs_select('inputServerGroup', 'servergroup', $groups, $group) . '</td></tr>';
    if ($module !== '') {
        $params = devwhmcs_product_params($product, $group);
        $fields = devwhmcs_call_module($module, 'ConfigOptions', $params);
        $n = 0;
        foreach (is_array($fields) ? $fields : array() as $key => $def) {
            $n++;
            if ($n > 24) {
                break; // WHMCS has 24 configoption slots
            }
            $def = is_array($def) ? $def : array();
            $label = isset($def['FriendlyName']) ? $def['FriendlyName'] : $key;
            $value = isset($product['configoption' . $n]) && (string) $product['configoption' . $n] !== '' ? (string) $product['configoption' . $n] : (isset($def['Default']) ? (string) $def['Default'] : '');
            $rows .= '<tr><td class="fieldlabel"><label for="packageconfigoption' . $n . '">' . e($label) . '</label></td><td class="fieldarea">'
                . devwhmcs_config_field($module, $n, $key, $def, $value, $params)
                . (isset($def['Description']) ? ' <span class="devwhmcs-description">' . $def['Description'] . '</span>' : '') . '</td></tr>';
        }
    }
    return '<table class="form">' . $rows . '</table>';
}

/** Save: configoptionN by position, then AdminProductConfigFieldsSave and ProductEdit. */
function devwhmcs_save_product(array $product)
{
    $pid = (int) $product['id'];
    $update = array(
        'name' => req('name', $product['name']),
        'servertype' => preg_match('/^[a-z][a-z0-9]*$/', req('servertype')) ? req('servertype') : '',
        'servergroup' => (int) req('servergroup', (string) $product['servergroup']),
        'updated_at' => db_now(),
    );
    $posted = isset($_POST['packageconfigoption']) && is_array($_POST['packageconfigoption']) ? $_POST['packageconfigoption'] : array();
    for ($i = 1; $i <= 24; $i++) {
        if (array_key_exists((string) $i, $posted) || array_key_exists($i, $posted)) {
            $update['configoption' . $i] = is_string($posted[$i]) ? trim($posted[$i]) : '';
        }
    }
    db_update('tblproducts', $update, array('id' => $pid));
    run_hook('AdminProductConfigFieldsSave', array('pid' => $pid));
    $row = db_one('SELECT * FROM `tblproducts` WHERE `id` = ?', array($pid));
    run_hook('ProductEdit', array_merge($row, array('pid' => $pid)));
}
