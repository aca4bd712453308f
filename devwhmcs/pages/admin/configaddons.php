<?php
/**
 * configaddons.php: product addons. action=manage&id=ADDONID shows an addon's Module Settings
 * (the same ConfigOptions rendering as a product's, with `id` = the ADDON's id, which a module
 * must not take for a product id); action=save stores module, server group and configoptionN in
 * tblmodule_configuration (entity_type 'addon'), then fires AddonConfigSave (id).
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
require_once DEVWHMCS_ROOT . '/lib/product.php';
devwhmcs_require_admin();

/** The addon as the Module Settings renderer sees a product: servergroup + configoptionN. */
function devwhmcs_addon_entity(array $addon)
{
    $row = array('id' => (int) $addon['id'], 'servergroup' => (int) $addon['server_group_id']);
    foreach (db_all("SELECT `setting_name`, `value` FROM `tblmodule_configuration` WHERE `entity_type` = 'addon' AND `entity_id` = ?", array((int) $addon['id'])) as $r) {
        $row[$r['setting_name']] = (string) $r['value'];
    }
    return $row;
}

$addon = req('id') !== '' ? db_one('SELECT * FROM `tbladdons` WHERE `id` = ?', array((int) req('id'))) : null;
if (req('action') === 'save' && $addon && devwhmcs_is_post()) {
    $id = (int) $addon['id'];
    $module = preg_match('/^[a-z][a-z0-9]*$/', req('servertype')) ? req('servertype') : '';
    db_update('tbladdons', array('module' => $module, 'server_group_id' => (int) req('servergroup'), 'updated_at' => db_now()), array('id' => $id));
    $posted = isset($_POST['packageconfigoption']) && is_array($_POST['packageconfigoption']) ? $_POST['packageconfigoption'] : array();
    foreach ($posted as $n => $value) {
        if (!ctype_digit((string) $n) || (int) $n < 1 || (int) $n > 24) {
            continue;
        }
        $name = 'configoption' . (int) $n;
        $value = is_string($value) ? trim($value) : '';
        if (db_one("SELECT `id` FROM `tblmodule_configuration` WHERE `entity_type` = 'addon' AND `entity_id` = ? AND `setting_name` = ?", array($id, $name))) {
            db_exec("UPDATE `tblmodule_configuration` SET `value` = ?, `updated_at` = ? WHERE `entity_type` = 'addon' AND `entity_id` = ? AND `setting_name` = ?", array($value, db_now(), $id, $name));
        } else {
            db_insert('tblmodule_configuration', array('entity_type' => 'addon', 'entity_id' => $id, 'setting_name' => $name, 'value' => $value, 'created_at' => db_now(), 'updated_at' => db_now()));
        }
    }
    run_hook('AddonConfigSave', array('id' => $id)); // product addon saved (hook name as public modules use it)
    devwhmcs_redirect('configaddons.php?action=manage&id=' . $id . '&success=true');
}
if (req('action') === 'manage' && $addon) {
    $banner = req('success') === 'true' ? '<div class="alert alert-success" role="status"><strong>Changes Saved Successfully!</strong></div>' : '';
    $body = $banner . '<form method="post" action="configaddons.php?action=save&amp;id=' . (int) $addon['id'] . '">' . generate_token()
        . '<h2>Module Settings</h2><div id="moduleSettings">' . devwhmcs_module_settings(devwhmcs_addon_entity($addon), (string) $addon['module'], (int) $addon['server_group_id']) . '</div>'
        . '<p><button type="submit">Save Changes</button></p></form>';
    devwhmcs_send_page('Product Addon: ' . $addon['name'], $body, 'admin');
}
$list = '';
foreach (db_all('SELECT `id`, `name`, `module` FROM `tbladdons` ORDER BY `id`') as $a) {
    $list .= '<li><a href="configaddons.php?action=manage&amp;id=' . (int) $a['id'] . '">' . e($a['name']) . '</a> (' . e($a['module']) . ')</li>';
}
devwhmcs_send_page('Product Addons', '<ul>' . $list . '</ul>', 'admin');
