<?php
/**
 * Renders one of the shim's Smarty templates with real Smarty (Debian smarty4), as WHMCS would:
 *   php render.php <template path relative to modules/servers/pvebridge> < vars.json
 */
require_once '/usr/share/php/smarty4/bootstrap.php';

$vars = json_decode(stream_get_contents(STDIN), true);
$smarty = new Smarty();
$smarty->setTemplateDir(dirname(__DIR__, 2) . '/php-shim/modules/servers/pvebridge');
$dir = sys_get_temp_dir() . '/pvebridge-smarty-' . getmypid();
$smarty->setCompileDir($dir);
$smarty->setCacheDir($dir);
foreach ((array) $vars as $name => $value) {
    $smarty->assign($name, $value);
}
echo $smarty->fetch($argv[1]);
array_map('unlink', glob($dir . '/*') ?: array());
@rmdir($dir);
