<?php
/**
 * Addon modules as WHMCS keeps them (whmcs-module-api.md §4.3, part 2 §1): active addons in
 * tblconfiguration ActiveAddonModules, settings (version, access, each _config field) in
 * tbladdonmodules, _activate/_deactivate on the admin's click, _upgrade on the first access after
 * the version changed, `$vars` = modulelink, version, _lang and every field.
 */

function devwhmcs_addon_dir($module)
{
    return DEVWHMCS_MODULES . '/addons/' . $module;
}

function devwhmcs_addon_active($module)
{
    $list = array_filter(array_map('trim', explode(',', whmcs_setting('ActiveAddonModules'))));
    return in_array($module, $list, true);
}

function devwhmcs_set_setting($name, $value)
{
    if (db_one('SELECT `id` FROM `tblconfiguration` WHERE `setting` = ?', array($name))) {
        db_update('tblconfiguration', array('value' => $value), array('setting' => $name));
    } else {
        db_insert('tblconfiguration', array('setting' => $name, 'value' => $value));
    }
}

/** @return array<string, string> the addon's tbladdonmodules rows */
function devwhmcs_addon_settings($module)
{
    $out = array();
    foreach (db_all('SELECT `setting`, `value` FROM `tbladdonmodules` WHERE `module` = ?', array($module)) as $r) {
        $out[$r['setting']] = (string) $r['value'];
    }
    return $out;
}

function devwhmcs_addon_save_setting($module, $setting, $value)
{
    if (db_one('SELECT `id` FROM `tbladdonmodules` WHERE `module` = ? AND `setting` = ?', array($module, $setting))) {
        db_exec('UPDATE `tbladdonmodules` SET `value` = ? WHERE `module` = ? AND `setting` = ?', array((string) $value, $module, $setting));
    } else {
        db_insert('tbladdonmodules', array('module' => $module, 'setting' => $setting, 'value' => (string) $value));
    }
}

/** @return array<string, mixed> the addon's _config() */
function devwhmcs_addon_config($module)
{
    $fn = $module . '_config';
    $cfg = function_exists($fn) ? call_user_func($fn) : array();
    return is_array($cfg) ? $cfg : array();
}

/** $_ADDONLANG for the admin's language, english (or _config's language) filling gaps. */
function devwhmcs_addon_lang($module, $language)
{
    $cfg = devwhmcs_addon_config($module);
    $fallback = isset($cfg['language']) ? strtolower((string) $cfg['language']) : 'english';
    $out = array();
    foreach (array_unique(array('english', $fallback, $language)) as $lang) {
        $file = devwhmcs_addon_dir($module) . '/lang/' . $lang . '.php';
        if (devwhmcs_valid_language($lang) !== '' && is_file($file)) {
            $_ADDONLANG = array();
            include $file;
            $out = array_merge($out, $_ADDONLANG);
        }
    }
    return $out;
}

/** @return array<string, mixed> the $vars WHMCS passes to _output/_sidebar/_upgrade */
function devwhmcs_addon_vars($module)
{
    $settings = devwhmcs_addon_settings($module);
    $vars = array();
    $cfg = devwhmcs_addon_config($module);
    foreach (isset($cfg['fields']) && is_array($cfg['fields']) ? $cfg['fields'] : array() as $key => $def) {
        $vars[$key] = isset($settings[$key]) ? $settings[$key] : (isset($def['Default']) ? (string) $def['Default'] : '');
    }
    $vars['modulelink'] = 'addonmodules.php?module=' . $module;
    $vars['version'] = isset($settings['version']) ? $settings['version'] : (isset($cfg['version']) ? (string) $cfg['version'] : '');
    $vars['_lang'] = devwhmcs_addon_lang($module, devwhmcs_admin_language());
    return $vars;
}

/** Normalises an _activate/_deactivate reply to {status, description}. */
function devwhmcs_addon_reply($r)
{
    if (!is_array($r)) {
        return array('status' => 'success', 'description' => '');
    }
    return array('status' => isset($r['status']) ? (string) $r['status'] : 'success', 'description' => isset($r['description']) ? (string) $r['description'] : '');
}

function devwhmcs_addon_activate($module)
{
    $fn = $module . '_activate';
    $reply = devwhmcs_addon_reply(function_exists($fn) ? call_user_func($fn) : null);
    if ($reply['status'] === 'error') {
        return $reply; // the documented way to refuse activation
    }
    $list = array_filter(array_map('trim', explode(',', whmcs_setting('ActiveAddonModules'))));
    $list[] = $module;
    devwhmcs_set_setting('ActiveAddonModules', implode(',', array_unique($list)));
    $cfg = devwhmcs_addon_config($module);
    devwhmcs_addon_save_setting($module, 'version', isset($cfg['version']) ? $cfg['version'] : '');
    devwhmcs_addon_save_setting($module, 'access', '1');
    foreach (isset($cfg['fields']) && is_array($cfg['fields']) ? $cfg['fields'] : array() as $key => $def) {
        if (!db_one('SELECT `id` FROM `tbladdonmodules` WHERE `module` = ? AND `setting` = ?', array($module, $key))) {
            devwhmcs_addon_save_setting($module, $key, isset($def['Default']) ? (string) $def['Default'] : '');
        }
    }
    return $reply;
}

function devwhmcs_addon_deactivate($module)
{
    $fn = $module . '_deactivate';
    $reply = devwhmcs_addon_reply(function_exists($fn) ? call_user_func($fn) : null);
    if ($reply['status'] === 'error') {
        return $reply;
    }
    $list = array_filter(array_map('trim', explode(',', whmcs_setting('ActiveAddonModules'))), function ($m) use ($module) {
        return $m !== $module;
    });
    devwhmcs_set_setting('ActiveAddonModules', implode(',', $list));
    db_exec('DELETE FROM `tbladdonmodules` WHERE `module` = ?', array($module));
    return $reply;
}

/** Runs _upgrade($vars with the OLD version) once after _config's version changed. */
function devwhmcs_addon_upgrade_if_needed($module)
{
    $settings = devwhmcs_addon_settings($module);
    $cfg = devwhmcs_addon_config($module);
    $new = isset($cfg['version']) ? (string) $cfg['version'] : '';
    $old = isset($settings['version']) ? $settings['version'] : '';
    if ($new === '' || $old === $new) {
        return;
    }
    $fn = $module . '_upgrade';
    if (function_exists($fn)) {
        $vars = devwhmcs_addon_vars($module);
        $vars['version'] = $old;
        call_user_func($fn, $vars);
    }
    devwhmcs_addon_save_setting($module, 'version', $new);
}
