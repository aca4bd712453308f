<?php
/**
 * A stand-in for the few WHMCS functions the shim calls (logModuleCall, logActivity, add_hook),
 * nothing more. Reads one job as JSON on stdin, runs one shim function (or hook) the way WHMCS
 * would, and prints what happened as JSON on stdout (after a marker; see the end of this file).
 *
 * Job: {"module": "server"|"addon", "function": "pvebridge_CreateAccount", "args": [...],
 *       "hook": "AdminProductConfigFieldsSave", "vars": {...}, "session": {...}, "request": {...},
 *       "post": {...}, "area": "admin"|"client"|null, "script": "configproducts.php" (the page
 *       WHMCS runs), "token": "…" (WHMCS's CSRF token: generate_token/check_token exist then)}
 * "sequence": [{"function", "args"}, …] runs several functions in one request (one page's calls).
 * The result includes the session as the call left it (one-time notices live there).
 */
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

$job = json_decode(stream_get_contents(STDIN), true);
if (!is_array($job)) {
    fwrite(STDERR, "harness: job is not JSON\n");
    exit(2);
}

define('WHMCS', true);
if (isset($job['area']) && $job['area'] === 'client') {
    define('CLIENTAREA', true);
}
if (isset($job['area']) && $job['area'] === 'admin') {
    define('ADMINAREA', true);
}
$_SESSION = isset($job['session']) ? $job['session'] : array();
$_POST = isset($job['post']) ? $job['post'] : array();
$_REQUEST = array_merge(isset($job['request']) ? $job['request'] : array(), $_POST);
$_SERVER['REQUEST_METHOD'] = $_POST ? 'POST' : 'GET';
if (!empty($job['script'])) {
    $_SERVER['SCRIPT_NAME'] = (isset($job['area']) && $job['area'] === 'client' ? '/' : '/admin/') . $job['script'];
}
if (isset($job['token'])) {
    $GLOBALS['harness_token'] = (string) $job['token'];
    /** WHMCS's CSRF helpers (undocumented; whmcs-module-api-2.md 1.6): 'plain' is the bare token. */
    function generate_token($type = 'form')
    {
        return $type === 'link' ? '&token=' . $GLOBALS['harness_token'] : $GLOBALS['harness_token'];
    }
    function check_token($namespace = 'WHMCS.default')
    {
        return isset($_POST['token']) && hash_equals($GLOBALS['harness_token'], (string) $_POST['token']);
    }
}

$GLOBALS['harness'] = array('modulelog' => array(), 'activity' => array(), 'hooks' => array());

/** Like WHMCS: masks every $replaceVars value in what it stores. */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = array())
{
    $mask = function ($value) use ($replaceVars) {
        $text = is_string($value) ? $value : json_encode($value);
        foreach ($replaceVars as $secret) {
            if ((string) $secret !== '') {
                $text = str_replace((string) $secret, '***', $text);
            }
        }
        return $text;
    };
    $GLOBALS['harness']['modulelog'][] = array(
        'module' => $module,
        'action' => $action,
        'request' => $mask($requestString),
        'response' => $mask($responseData),
        'processed' => $mask($processedData),
    );
}

function logActivity($message, $clientId = 0)
{
    $GLOBALS['harness']['activity'][] = array('message' => $message, 'clientId' => $clientId);
}

function add_hook($hookPoint, $priority, $function)
{
    $GLOBALS['harness']['hooks'][$hookPoint][] = $function;
}

// "addonSettings": the addon's tbladdonmodules rows, through a stand-in for the bit of Capsule the shim uses.
if (isset($job['addonSettings'])) {
    $GLOBALS['harness_addon_settings'] = $job['addonSettings'];
    require_once __DIR__ . '/capsule-standin.php';
}

$root = dirname(__DIR__, 2) . '/php-shim/modules';
$module = isset($job['module']) ? $job['module'] : 'server';
require_once $module === 'addon' ? $root . '/addons/pvebridge_admin/pvebridge_admin.php' : $root . '/servers/pvebridge/pvebridge.php';
if (!empty($job['hook'])) {
    require_once $root . '/servers/pvebridge/hooks.php';
}

// A function may answer the browser itself and exit (Shim::sendPage): the result is reported
// from a shutdown function then, after a marker, behind whatever went straight to stdout.
$GLOBALS['harness']['result'] = array('return' => null, 'threw' => null, 'exited' => true);
$GLOBALS['harness']['started'] = microtime(true);
register_shutdown_function(function () {
    $result = $GLOBALS['harness']['result'];
    $result['seconds'] = microtime(true) - $GLOBALS['harness']['started'];
    $result['output'] = ob_get_level() > 0 ? ob_get_clean() : '';
    $result['modulelog'] = $GLOBALS['harness']['modulelog'];
    $result['activity'] = $GLOBALS['harness']['activity'];
    $result['session'] = $_SESSION;
    echo "\x1eHARNESS-RESULT\x1e" . json_encode($result, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
});
ob_start();
try {
    if (!empty($job['hook'])) {
        foreach ($GLOBALS['harness']['hooks'][$job['hook']] as $fn) {
            $GLOBALS['harness']['result']['return'] = call_user_func($fn, $job['vars']);
        }
    } elseif (!empty($job['sequence'])) {
        // Several functions in one request, as one WHMCS page calls them (ConfigOptions, then the Loaders).
        $GLOBALS['harness']['result']['return'] = array();
        foreach ($job['sequence'] as $step) {
            try {
                $GLOBALS['harness']['result']['return'][] = call_user_func_array($step['function'], isset($step['args']) ? $step['args'] : array());
            } catch (\Throwable $e) {
                $GLOBALS['harness']['result']['return'][] = array('threw' => $e->getMessage());
            }
        }
    } else {
        $GLOBALS['harness']['result']['return'] = call_user_func_array($job['function'], isset($job['args']) ? $job['args'] : array());
    }
} catch (\Throwable $e) {
    $GLOBALS['harness']['result']['threw'] = array('class' => get_class($e), 'message' => $e->getMessage());
}
$GLOBALS['harness']['result']['exited'] = false;
