<?php
/**
 * Renders one of the shim's Smarty templates with real Smarty, as WHMCS would (WHMCS 8 ships
 * Smarty 3.1; Debian has smarty3 = 3.1 and smarty4):
 *   php render.php <template path relative to modules/servers/pvebridge> [3|4] < vars.json
 * Prints only the HTML; exits 3 when the requested Smarty is missing.
 */
$major = isset($argv[2]) ? $argv[2] : '4';
$bootstrap = '/usr/share/php/smarty' . $major . '/bootstrap.php';
if (!is_file($bootstrap)) {
    fwrite(STDERR, "smarty$major is not installed ($bootstrap)\n");
    exit(3);
}
require_once $bootstrap;

$vars = json_decode(stream_get_contents(STDIN), true);
$smarty = new Smarty();
if (strpos(Smarty::SMARTY_VERSION, $major . '.') !== 0) {
    fwrite(STDERR, 'asked for Smarty ' . $major . ', loaded ' . Smarty::SMARTY_VERSION . "\n");
    exit(3);
}
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
