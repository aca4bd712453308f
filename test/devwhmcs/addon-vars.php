<?php
/**
 * Prints, as JSON, the $vars the dev WHMCS passes the addon $argv[1]'s _output for admin
 * $argv[2], and the addon's english strings. Run with DEVWHMCS_CONFIG set.
 */
require dirname(__DIR__, 2) . '/devwhmcs/lib/bootstrap.php';
require dirname(__DIR__, 2) . '/devwhmcs/lib/addon.php';
$_SESSION = array('adminid' => (int) $argv[2]);
devwhmcs_load_modules();
echo json_encode(array('vars' => devwhmcs_addon_vars($argv[1]), 'english' => devwhmcs_addon_lang($argv[1], 'english')));
