<?php
/**
 * Loaded first on every dev WHMCS request: configuration (a JSON file named by DEVWHMCS_CONFIG,
 * written by devwhmcs/index.ts), the session, CSRF tokens, WHMCS's logging functions and hooks,
 * then the real pvebridge module files with their hooks.php (WHMCS loads module hooks on every
 * page). A development stand-in: nothing here is shipped.
 */
error_reporting(E_ALL);
ini_set('display_errors', '0');
ini_set('log_errors', '1');

define('WHMCS', true);
define('DEVWHMCS_ROOT', dirname(__DIR__));
define('DEVWHMCS_MODULES', dirname(__DIR__, 2) . '/php-shim/modules');
define('DEVWHMCS_VERSION', '8.13.0-devwhmcs');

function devwhmcs_config($key = null)
{
    static $cfg = null;
    if ($cfg === null) {
        $file = getenv('DEVWHMCS_CONFIG');
        $cfg = $file && is_file($file) ? json_decode((string) file_get_contents($file), true) : null;
        if (!is_array($cfg)) {
            http_response_code(500);
            die('dev WHMCS: DEVWHMCS_CONFIG does not name a readable JSON config');
        }
    }
    if ($key === null) {
        return $cfg;
    }
    return isset($cfg[$key]) ? $cfg[$key] : null;
}

require_once __DIR__ . '/db.php';
require_once __DIR__ . '/crypto.php';
require_once __DIR__ . '/hooks.php';
require_once __DIR__ . '/lang.php';
require_once __DIR__ . '/api.php';
require_once __DIR__ . '/params.php';
require_once __DIR__ . '/module.php';
require_once __DIR__ . '/smarty.php';
require_once __DIR__ . '/layout.php';
require_once __DIR__ . '/capsule.php';
require_once __DIR__ . '/whmcs-classes.php';

/** WHMCS's $CONFIG global: every tblconfiguration setting by name. */
function devwhmcs_load_config_global()
{
    $GLOBALS['CONFIG'] = array();
    foreach (db_all('SELECT `setting`, `value` FROM `tblconfiguration`') as $r) {
        $GLOBALS['CONFIG'][$r['setting']] = (string) $r['value'];
    }
}

function devwhmcs_start_session()
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        return;
    }
    $dir = devwhmcs_config('sessionDir');
    if ($dir) {
        session_save_path($dir);
    }
    session_name('WHMCSdev');
    session_set_cookie_params(array('path' => '/', 'httponly' => true, 'samesite' => 'Lax'));
    session_start();
}

/**
 * WHMCS's CSRF token, one per session: 'plain' = the bare token, 'link' = "&token=…",
 * anything else = a hidden input (the forms WHMCS's generate_token() returns).
 */
function generate_token($type = 'form')
{
    if (empty($_SESSION['tkval'])) {
        $_SESSION['tkval'] = bin2hex(random_bytes(20));
    }
    $token = $_SESSION['tkval'];
    if ($type === 'plain') {
        return $token;
    }
    if ($type === 'link') {
        return '&token=' . $token;
    }
    return '<input type="hidden" name="token" value="' . $token . '">';
}

/** Refuses the request (as WHMCS does, with its message) unless it carries the session token. */
function check_token($namespace = 'WHMCS.default')
{
    $sent = isset($_POST['token']) ? $_POST['token'] : (isset($_GET['token']) ? $_GET['token'] : '');
    if (!is_string($sent) || empty($_SESSION['tkval']) || !hash_equals($_SESSION['tkval'], $sent)) {
        http_response_code(403);
        header('Content-Type: text/html; charset=utf-8');
        echo devwhmcs_frame('Invalid CSRF Protection Token', '<div class="alert alert-danger" role="alert">Invalid CSRF Protection Token</div>', 'client');
        exit;
    }
    return true;
}

/** WHMCS 8.13+: every POST carries the token. */
function devwhmcs_require_post_token()
{
    if (isset($_SERVER['REQUEST_METHOD']) && $_SERVER['REQUEST_METHOD'] === 'POST') {
        check_token(defined('ADMINAREA') ? 'WHMCS.admin.default' : 'WHMCS.default');
    }
}

/**
 * Module log (tblmodulelog), written only while Module Log is on (tblconfiguration
 * ModuleDebugMode), every $replaceVars value masked in what is stored.
 */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = array())
{
    if (whmcs_setting('ModuleDebugMode') !== 'on') {
        return;
    }
    $text = function ($v) use ($replaceVars) {
        $s = is_string($v) ? $v : print_r($v, true);
        foreach ((array) $replaceVars as $secret) {
            if (is_scalar($secret) && (string) $secret !== '') {
                $s = str_replace((string) $secret, str_repeat('*', 8), $s);
            }
        }
        return $s;
    };
    db_insert('tblmodulelog', array(
        'date' => db_now(),
        'module' => (string) $module,
        'action' => strtolower((string) $action),
        'request' => $text($requestString),
        'response' => $text($responseData),
        'arrdata' => $text($processedData),
    ));
}

/** Activity log (tblactivitylog): who is the logged-in admin, else the client, else System. */
function logActivity($message, $clientId = 0)
{
    $user = 'System';
    $adminId = 0;
    if (!empty($_SESSION['adminid'])) {
        $adminId = (int) $_SESSION['adminid'];
        $a = db_one('SELECT `username` FROM `tbladmins` WHERE `id` = ?', array($adminId));
        $user = $a ? $a['username'] : 'Admin';
    } elseif (!empty($_SESSION['uid'])) {
        $user = 'Client';
    }
    db_insert('tblactivitylog', array(
        'date' => db_now(),
        'description' => (string) $message,
        'user' => $user,
        'userid' => (int) $clientId,
        'user_id' => 0,
        'admin_id' => $adminId,
        'ipaddr' => isset($_SERVER['REMOTE_ADDR']) ? $_SERVER['REMOTE_ADDR'] : '',
    ));
}

function e($value)
{
    return htmlspecialchars(is_bool($value) ? ($value ? '1' : '0') : (string) $value, ENT_QUOTES, 'UTF-8');
}

function devwhmcs_redirect($url)
{
    header('Location: ' . $url);
    exit;
}

function devwhmcs_is_post()
{
    return isset($_SERVER['REQUEST_METHOD']) && $_SERVER['REQUEST_METHOD'] === 'POST';
}

function req($key, $default = '')
{
    return isset($_REQUEST[$key]) && is_string($_REQUEST[$key]) ? $_REQUEST[$key] : $default;
}

/** Loads the real module files (server module, its hooks.php, the addon and its hooks.php if any). */
function devwhmcs_load_modules()
{
    devwhmcs_load_config_global();
    require_once DEVWHMCS_MODULES . '/servers/pvebridge/pvebridge.php';
    if (is_file(DEVWHMCS_MODULES . '/servers/pvebridge/hooks.php')) {
        require_once DEVWHMCS_MODULES . '/servers/pvebridge/hooks.php';
    }
    require_once DEVWHMCS_MODULES . '/addons/pvebridge_admin/pvebridge_admin.php';
    if (is_file(DEVWHMCS_MODULES . '/addons/pvebridge_admin/hooks.php') && devwhmcs_addon_active('pvebridge_admin')) {
        require_once DEVWHMCS_MODULES . '/addons/pvebridge_admin/hooks.php';
    }
}
