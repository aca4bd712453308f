<?php
/**
 * addonmodules.php?module=NAME[&action=…]: the addon's _output($vars) (echoed, captured into
 * the admin frame) and _sidebar($vars) (returned). An _output that prints and exits — the
 * addon's JSON actions — reaches the browser as is. _upgrade runs first after a version change.
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
devwhmcs_require_admin();

$module = req('module');
if (!preg_match('/^[a-z][a-z0-9_]*$/', $module) || !is_file(devwhmcs_addon_dir($module) . '/' . $module . '.php') || !devwhmcs_addon_active($module)) {
    devwhmcs_send_page('Addon Modules', '<div class="alert alert-danger" role="alert">This addon module is not active. Activate it in <a href="configaddonmods.php">Addon Modules</a>.</div>', 'admin');
}
devwhmcs_addon_upgrade_if_needed($module);
$vars = devwhmcs_addon_vars($module);
$cfg = devwhmcs_addon_config($module);

$sidebar = '';
if (function_exists($module . '_sidebar')) {
    $sidebar = (string) call_user_func($module . '_sidebar', $vars);
}
$output = '';
if (function_exists($module . '_output')) {
    ob_start();
    call_user_func($module . '_output', $vars);
    $output = (string) ob_get_clean();
}
$body = ($sidebar !== '' ? '<aside class="devwhmcs-addon-sidebar" aria-label="Addon sidebar">' . $sidebar . '</aside>' : '')
    . '<div id="contentarea" class="devwhmcs-addon-output">' . $output . '</div>';
devwhmcs_send_page(isset($cfg['name']) ? (string) $cfg['name'] : $module, $body, 'admin');
