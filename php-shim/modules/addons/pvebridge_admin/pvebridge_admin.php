<?php
/**
 * pvebridge_admin — the addon half of pvebridge. Activation and deactivation are done by the
 * gateway (it owns the mod_pvebridge_* tables and their migrations); the pages come later.
 * Named pvebridge_admin, not pvebridge: PHP function names are case-insensitive and an addon
 * "pvebridge" would collide with the server module's functions.
 */

use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once dirname(__DIR__, 2) . '/servers/pvebridge/lib/Client.php';
require_once dirname(__DIR__, 2) . '/servers/pvebridge/lib/Shim.php';

function pvebridge_admin_config()
{
    return array(
        'name' => 'pvebridge',
        'description' => 'Proxmox VE KVM provisioning through the pvebridge gateway.',
        'version' => '0.1.0',
        'author' => 'pvebridge',
        'language' => 'english',
        'fields' => array(),
    );
}

/** @return array{status: string, description: string} */
function pvebridge_admin_lifecycle($function)
{
    $answer = Shim::bare($function);
    if (!is_array($answer) || !isset($answer['status'])) {
        return array('status' => 'error', 'description' => is_string($answer) ? $answer : 'pvebridge: no answer from the gateway');
    }
    return array('status' => (string) $answer['status'], 'description' => isset($answer['description']) ? (string) $answer['description'] : '');
}

function pvebridge_admin_activate()
{
    return pvebridge_admin_lifecycle('AddonActivate');
}

function pvebridge_admin_deactivate()
{
    return pvebridge_admin_lifecycle('AddonDeactivate');
}
