<?php
/**
 * Loads generated language files with real PHP, as the shim's Lang loader does, and prints
 * {"<module>/<language>": {key: text}} as JSON: php keys.php <modules dir> < nothing
 */
define('WHMCS', true);
$root = $argv[1];
$out = array();
foreach (array('server' => $root . '/servers/pvebridge/lang', 'addon' => $root . '/addons/pvebridge_admin/lang') as $module => $dir) {
    foreach (glob($dir . '/*.php') as $file) {
        $_LANG = array();
        $_ADDONLANG = array();
        include $file;
        $out[$module . '/' . basename($file, '.php')] = $module === 'addon' ? $_ADDONLANG : $_LANG;
    }
}
echo json_encode($out, JSON_UNESCAPED_UNICODE);
