<?php
/**
 * pvebridge — WHMCS provisioning module for Proxmox VE KVM.
 *
 * A thin shim: every function forwards $params and who acts (admin, client or system) to the
 * pvebridge gateway over a signed JSON call and maps the answer to what WHMCS expects. There is no
 * business logic and no SQL here. Runs on PHP 7.4, 8.1 and 8.2 (no syntax newer than 7.4).
 * Setup and the module API contract: php-shim/README.md.
 */

use WHMCS\Module\Server\Pvebridge\Render;
use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/Shim.php';
require_once __DIR__ . '/lib/Render.php';

function pvebridge_MetaData()
{
    return array(
        'DisplayName' => 'pvebridge (Proxmox VE KVM)',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultSSLPort' => '8006',
        'DefaultNonSSLPort' => '8006',
    );
}

/**
 * Module Settings of a product. WHMCS stores these by POSITION in configoption1..N: the order
 * below is append-only (configoption1 = targetNode, 2 = osTemplate, 3 = systemDiskStorage,
 * 4 = bridge, 5 = hosts the settings panel and stores nothing of use). Dropdown values come from
 * Proxmox through the Loader functions; every other setting is in the panel, stored by the gateway.
 */
function pvebridge_ConfigOptions($params = array())
{
    $params = is_array($params) ? $params : array();
    $pid = Shim::productId($params);
    $panel = 'Save the product with the pvebridge module selected to edit its settings here.';
    if ($pid > 0) {
        $answer = Shim::bare('ConfigOptions', array('pid' => $pid));
        $panel = is_array($answer) && isset($answer['panel']) ? Render::panel($answer['panel']) : Render::error(is_string($answer) ? $answer : 'pvebridge: no settings panel');
    }
    return array(
        'targetNode' => array(
            'FriendlyName' => 'Target node',
            'Type' => 'text',
            'Size' => '25',
            'Default' => 'automatically',
            'Loader' => 'pvebridge_LoaderNodes',
            'SimpleMode' => true,
            'Description' => 'Node for new VMs, or "automatically" (most free resources)',
        ),
        'osTemplate' => array(
            'FriendlyName' => 'OS template',
            'Type' => 'text',
            'Size' => '25',
            'Default' => '',
            'Loader' => 'pvebridge_LoaderTemplates',
            'SimpleMode' => true,
            'Description' => 'Template VMID cloned for new VMs (an "Operating System" option overrides it)',
        ),
        'systemDiskStorage' => array(
            'FriendlyName' => 'System disk storage',
            'Type' => 'text',
            'Size' => '25',
            'Default' => '',
            'Loader' => 'pvebridge_LoaderStorages',
            'SimpleMode' => true,
            'Description' => "Empty = the template's storage",
        ),
        'bridge' => array(
            'FriendlyName' => 'Bridge',
            'Type' => 'text',
            'Size' => '25',
            'Default' => 'vmbr0',
            'Loader' => 'pvebridge_LoaderBridges',
            'SimpleMode' => true,
            'Description' => 'Used unless "Auto bridge/VLAN" takes it from the IP pool',
        ),
        'settingsPanel' => array(
            'FriendlyName' => 'pvebridge settings',
            'Type' => 'text',
            'Size' => '1',
            'Default' => '',
            'SimpleMode' => true,
            'Description' => $panel,
        ),
    );
}

/** Loader functions: WHMCS shows a thrown exception's message, so failures throw. */
function pvebridge_loader($function, $params)
{
    $params = is_array($params) ? $params : array();
    $answer = Shim::bare($function, array('pid' => Shim::productId($params), 'serverid' => isset($params['serverid']) ? (int) $params['serverid'] : 0));
    if (!is_array($answer) || !isset($answer['options']) || !is_array($answer['options'])) {
        throw new \Exception(is_string($answer) ? $answer : 'pvebridge: no dropdown values');
    }
    return $answer['options'];
}

function pvebridge_LoaderNodes($params)
{
    return pvebridge_loader('LoaderNodes', $params);
}

function pvebridge_LoaderTemplates($params)
{
    return pvebridge_loader('LoaderTemplates', $params);
}

function pvebridge_LoaderStorages($params)
{
    return pvebridge_loader('LoaderStorages', $params);
}

function pvebridge_LoaderBridges($params)
{
    return pvebridge_loader('LoaderBridges', $params);
}

function pvebridge_CreateAccount(array $params)
{
    return Shim::serviceAction('CreateAccount', $params, false);
}

function pvebridge_SuspendAccount(array $params)
{
    return Shim::serviceAction('SuspendAccount', $params, false);
}

function pvebridge_UnsuspendAccount(array $params)
{
    return Shim::serviceAction('UnsuspendAccount', $params, false);
}

function pvebridge_TerminateAccount(array $params)
{
    return Shim::serviceAction('TerminateAccount', $params, false);
}

function pvebridge_ChangePackage(array $params)
{
    return Shim::serviceAction('ChangePackage', $params, false);
}

/** The server form's values are what is being tested, so the token secret goes along (masked in the log). */
function pvebridge_TestConnection(array $params)
{
    $answer = Shim::bare('TestConnection', $params, array(), array('serverpassword', 'serveraccesshash'));
    if (!is_array($answer)) {
        return array('success' => false, 'error' => $answer);
    }
    return array('success' => !empty($answer['success']), 'error' => isset($answer['error']) ? (string) $answer['error'] : '');
}

function pvebridge_buttons($function, $params)
{
    $answer = Shim::bare($function, is_array($params) ? $params : array());
    return is_array($answer) && isset($answer['buttons']) && is_array($answer['buttons']) ? $answer['buttons'] : array();
}

/** The gateway's commands, plus Console (a PHP entry point of its own; the gateway decides on each call). */
function pvebridge_AdminCustomButtonArray($params = array())
{
    return array_merge(pvebridge_buttons('AdminCustomButtonArray', $params), array('Console' => 'Console'));
}

function pvebridge_ClientAreaCustomButtonArray($params = array())
{
    return pvebridge_buttons('ClientAreaCustomButtonArray', $params);
}

/**
 * Functions a client may invoke: the gateway's, plus ClientConsole, whose button the overview
 * shows when the product grants noVNC. Listing it only lets WHMCS route the call: the gateway
 * checks owner, status, permission and power state on every call.
 */
function pvebridge_ClientAreaAllowedFunctions($params = array())
{
    return array_merge(pvebridge_buttons('ClientAreaAllowedFunctions', $params), array('noVNC' => 'ClientConsole'));
}

function pvebridge_AdminServicesTabFields(array $params)
{
    $answer = Shim::bare('AdminServicesTabFields', $params);
    $rows = is_array($answer) ? Render::tab($answer) : array('pvebridge' => Render::error($answer));
    $rows['Console'] = Render::consoleButton(pvebridge_admin_command_url($params, 'Console'), isset($params['serviceid']) ? $params['serviceid'] : 0);
    return $rows;
}

/**
 * Where the service page runs a module command, as WHMCS's own Module Commands buttons do
 * (whmcs-module-api.md 1.9 marks this URL as observed, not documented).
 */
function pvebridge_admin_command_url(array $params, $command)
{
    $query = array(
        'userid' => isset($params['userid']) ? (int) $params['userid'] : 0,
        'id' => isset($params['serviceid']) ? (int) $params['serviceid'] : 0,
        'modop' => 'custom',
        'ac' => $command,
    );
    if (function_exists('generate_token')) {
        $query['token'] = generate_token('plain');
    }
    return 'clientsservices.php?' . http_build_query($query);
}

function pvebridge_AdminServicesTabFieldsSave(array $params)
{
    $posted = isset($_POST['pvebridge_rdns']) && is_array($_POST['pvebridge_rdns']) ? $_POST['pvebridge_rdns'] : array();
    $rdns = array();
    foreach ($posted as $ip => $name) {
        $rdns[(string) $ip] = is_string($name) ? $name : '';
    }
    return Shim::serviceAction('AdminServicesTabFieldsSave', $params, false, array('rdns' => (object) $rdns));
}

function pvebridge_ClientArea(array $params)
{
    $answer = Shim::bare('ClientArea', $params, array('actor' => Shim::actor(true)));
    if (!is_array($answer) || !isset($answer['vars'])) {
        return array(
            'tabOverviewModuleOutputTemplate' => 'templates/error.tpl',
            'templateVariables' => array('pvebridgeError' => is_string($answer) ? $answer : 'pvebridge: no answer'),
        );
    }
    return array('tabOverviewModuleOutputTemplate' => 'templates/overview.tpl', 'templateVariables' => $answer['vars']);
}

/*
 * Consoles. The gateway answers a one-time link ({url, expiresAt, mode, window}) whose VNC
 * password and ticket are in the fragment only; refusals come back as its message.
 */

/** Admin: opens the link in an 800×600 window (Render::consolePage), or shows the refusal. */
function pvebridge_Console(array $params)
{
    $link = Shim::consoleLink('AdminConsole', $params, false);
    if (is_string($link)) {
        return $link;
    }
    Shim::sendPage(Render::consolePage($link, isset($params['serviceid']) ? $params['serviceid'] : 0));
    // not reached: sendPage ends the request
}

/** Client (noVNC button): a page with the CONNECT link (templates/console.tpl), or the refusal. */
function pvebridge_ClientConsole(array $params)
{
    $link = Shim::consoleLink('ClientConsole', $params, true);
    if (is_string($link)) {
        return $link;
    }
    return array(
        'templatefile' => 'templates/console',
        'breadcrumb' => array('clientarea.php?action=productdetails&id=' . (int) $params['serviceid'] => 'noVNC'),
        'vars' => array('consoleUrl' => $link['url'], 'consoleExpiresAt' => $link['expiresAt'], 'serviceId' => (int) $params['serviceid']),
    );
}

/* Admin custom commands (Module Commands). Start and Stop are also client functions. */

function pvebridge_Start(array $params)
{
    return Shim::serviceAction('Start', $params, true);
}

function pvebridge_Stop(array $params)
{
    return Shim::serviceAction('Stop', $params, true);
}

function pvebridge_Reinstall(array $params)
{
    return Shim::serviceAction('Reinstall', $params, false);
}

function pvebridge_VMSetDedicatedIp(array $params)
{
    return Shim::serviceAction('VMSetDedicatedIp', $params, false);
}

function pvebridge_VMClone(array $params)
{
    return Shim::serviceAction('VMClone', $params, false);
}

function pvebridge_SetCPURAM(array $params)
{
    return Shim::serviceAction('SetCPURAM', $params, false);
}

function pvebridge_SetSystemDiskSize(array $params)
{
    return Shim::serviceAction('SetSystemDiskSize', $params, false);
}

function pvebridge_SetSystemDiskBandwidth(array $params)
{
    return Shim::serviceAction('SetSystemDiskBandwidth', $params, false);
}

function pvebridge_SetCreatedAdditionalDisk(array $params)
{
    return Shim::serviceAction('SetCreatedAdditionalDisk', $params, false);
}

function pvebridge_SetAdditionalDiskSize(array $params)
{
    return Shim::serviceAction('SetAdditionalDiskSize', $params, false);
}

function pvebridge_SetAdditionalDiskBandwidth(array $params)
{
    return Shim::serviceAction('SetAdditionalDiskBandwidth', $params, false);
}

function pvebridge_SetNetwork(array $params)
{
    return Shim::serviceAction('SetNetwork', $params, false);
}

function pvebridge_SetFirewall(array $params)
{
    return Shim::serviceAction('SetFirewall', $params, false);
}

function pvebridge_SetCloudinit(array $params)
{
    return Shim::serviceAction('SetCloudinit', $params, false);
}

function pvebridge_VMRemove(array $params)
{
    return Shim::serviceAction('VMRemove', $params, false);
}

function pvebridge_SetDNSRecords(array $params)
{
    return Shim::serviceAction('SetDNSRecords', $params, false);
}

function pvebridge_Redeploy(array $params)
{
    return Shim::serviceAction('Redeploy', $params, false);
}
