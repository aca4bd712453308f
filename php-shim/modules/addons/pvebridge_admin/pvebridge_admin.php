<?php
/**
 * pvebridge_admin — the addon half of pvebridge: its settings (the gateway URL and the shared
 * secret; modules/servers/pvebridge/config.php, when present, overrides them), activation
 * (the gateway runs its migrations), and the admin pages, dispatched by `action` from _output.
 * Named pvebridge_admin, not pvebridge: PHP function names are case-insensitive and an addon
 * "pvebridge" would collide with the server module's functions.
 */

use WHMCS\Module\Server\Pvebridge\Lang;
use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once dirname(__DIR__, 2) . '/servers/pvebridge/lib/Client.php';
require_once dirname(__DIR__, 2) . '/servers/pvebridge/lib/Shim.php';
require_once dirname(__DIR__, 2) . '/servers/pvebridge/lib/Lang.php';
require_once __DIR__ . '/lib/AdminApi.php';

if (!defined('PVEBRIDGE_ADMIN_VERSION')) {
    define('PVEBRIDGE_ADMIN_VERSION', '0.2.0');
}

function pvebridge_admin_config()
{
    $t = function ($key) {
        return Lang::t($key, array(), 'addon');
    };
    return array(
        'name' => 'pvebridge',
        'description' => $t('addon.description'),
        'version' => PVEBRIDGE_ADMIN_VERSION,
        'author' => 'pvebridge',
        'language' => 'english',
        'fields' => array(
            'gateway_url' => array('FriendlyName' => $t('addon.field.gateway_url'), 'Type' => 'text', 'Size' => '60', 'Default' => '', 'Description' => $t('addon.field.gateway_url_desc')),
            'shared_secret' => array('FriendlyName' => $t('addon.field.shared_secret'), 'Type' => 'password', 'Size' => '60', 'Default' => '', 'Description' => $t('addon.field.shared_secret_desc')),
            'timeout' => array('FriendlyName' => $t('addon.field.timeout'), 'Type' => 'text', 'Size' => '5', 'Default' => '10', 'Description' => ''),
            'ca_file' => array('FriendlyName' => $t('addon.field.ca_file'), 'Type' => 'text', 'Size' => '60', 'Default' => '', 'Description' => $t('addon.field.ca_file_desc')),
            'allow_http' => array('FriendlyName' => $t('addon.field.allow_http'), 'Type' => 'yesno', 'Description' => $t('addon.field.allow_http_desc')),
        ),
    );
}

/** @return array{status: string, description: string} */
function pvebridge_admin_activate()
{
    $answer = Shim::bare('AddonActivate');
    if (!is_array($answer) || !isset($answer['status'])) {
        return array('status' => 'error', 'description' => Lang::t('addon.activate.failed', array('reason' => is_string($answer) ? $answer : Lang::t('error.internal')), 'addon'));
    }
    return array('status' => (string) $answer['status'], 'description' => isset($answer['description']) ? (string) $answer['description'] : '');
}

/**
 * Deactivation never fails because the gateway is down: our tables are kept unless the gateway
 * drops them (its setting), so an unreachable gateway just means "kept".
 */
function pvebridge_admin_deactivate()
{
    $answer = Shim::bare('AddonDeactivate', array(), array(), array(), Shim::RENDER_TIMEOUT);
    if (!is_array($answer) || !isset($answer['status'])) {
        return array('status' => 'success', 'description' => Lang::t('addon.deactivate.kept', array(), 'addon'));
    }
    return array('status' => (string) $answer['status'], 'description' => isset($answer['description']) ? (string) $answer['description'] : '');
}

/**
 * Runs once after the addon's version changed ($vars['version'] is the OLD one): the gateway
 * brings its tables up to date (its migrations are idempotent). No return value.
 */
function pvebridge_admin_upgrade($vars)
{
    $from = isset($vars['version']) ? (string) $vars['version'] : '0';
    $answer = Shim::bare('AddonActivate');
    if (function_exists('logActivity')) {
        logActivity('pvebridge: upgrade from ' . $from . ' to ' . PVEBRIDGE_ADMIN_VERSION . ': ' . (is_array($answer) ? 'tables up to date' : $answer));
    }
}

/**
 * Admin pages: addonmodules.php?module=pvebridge_admin&action=PAGE. A page is a file
 * pages/<action>.php defining pvebridge_admin_page_<action>($vars) (added by the pages that need
 * it); an unknown action shows a translated notice. Echoes, as WHMCS's _output does. With `json=1`
 * it is the pages' JSON action instead (lib/AdminApi.php).
 */
function pvebridge_admin_output($vars)
{
    if (!empty($_REQUEST['json'])) {
        \WHMCS\Module\Addon\PvebridgeAdmin\AdminApi::handle(); // the pages' JSON action; ends the request
    }
    $action = isset($_REQUEST['action']) && is_string($_REQUEST['action']) ? $_REQUEST['action'] : '';
    $action = preg_match('/^[a-z][a-z0-9_]{0,40}$/', $action) ? $action : 'index';
    $file = __DIR__ . '/pages/' . $action . '.php';
    if (is_file($file)) {
        require_once $file;
    }
    $fn = 'pvebridge_admin_page_' . $action;
    if (function_exists($fn)) {
        $fn($vars);
        return;
    }
    $key = $action === 'index' ? 'addon.page.dev_notice' : 'addon.page.unknown';
    echo '<div class="alert alert-info pvebridge-admin-notice">' . htmlspecialchars(Lang::t($key, array(), 'addon'), ENT_QUOTES, 'UTF-8') . '</div>';
}
