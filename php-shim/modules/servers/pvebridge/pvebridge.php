<?php
/**
 * pvebridge — WHMCS provisioning module for Proxmox VE KVM.
 *
 * A thin shim: every function forwards $params and who acts (admin, client or system) to the
 * pvebridge gateway over a signed JSON call and maps the answer to what WHMCS expects. There is no
 * business logic and no SQL here. Runs on PHP 7.4, 8.1 and 8.2 (no syntax newer than 7.4).
 * Setup and the module API contract: php-shim/README.md.
 */

use WHMCS\Module\Server\Pvebridge\Commands;
use WHMCS\Module\Server\Pvebridge\Lang;
use WHMCS\Module\Server\Pvebridge\Overview;
use WHMCS\Module\Server\Pvebridge\Render;
use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/Shim.php';
require_once __DIR__ . '/lib/Render.php';
require_once __DIR__ . '/lib/Lang.php';
require_once __DIR__ . '/lib/Commands.php';
require_once __DIR__ . '/lib/Overview.php';
require_once __DIR__ . '/lib/Admin.php';

function pvebridge_MetaData()
{
    return array(
        'DisplayName' => 'pvebridge (Proxmox VE KVM)',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultSSLPort' => '8006',
        'DefaultNonSSLPort' => '8006',
        // Server sync (ListAccounts) matches our VMs to services by the service's domain (the VM's FQDN).
        'ListAccountsUniqueIdentifierDisplayName' => 'Domain',
        'ListAccountsUniqueIdentifierField' => 'domain',
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
    return \WHMCS\Module\Server\Pvebridge\Admin::configOptions(Shim::productId($params));
}

/** Loader functions: WHMCS shows a thrown exception's message, so failures throw. */
function pvebridge_loader($function, $params)
{
    $params = is_array($params) ? $params : array();
    $answer = Shim::bare($function, array('pid' => Shim::productId($params), 'serverid' => isset($params['serverid']) ? (int) $params['serverid'] : 0), array(), array(), Shim::LOADER_TIMEOUT);
    if (!is_array($answer) || !isset($answer['options']) || !is_array($answer['options'])) {
        throw new \Exception(is_string($answer) ? $answer : Lang::t('error.internal'));
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

/** Module Commands: static (lib/commands.php, generated), so they render with the gateway stopped. */
function pvebridge_AdminCustomButtonArray($params = array())
{
    return Commands::adminButtons();
}

/**
 * No WHMCS-drawn client buttons: the overview draws Start/Stop/noVNC itself, enabled from the live
 * state (WHMCS's own buttons showed them a second time).
 */
function pvebridge_ClientAreaCustomButtonArray($params = array())
{
    return array();
}

/**
 * Functions a client may invoke (modop=custom&a=FN): the overview's buttons and its JSON action.
 * Static, and only routing: the gateway checks owner, status, permission and power state on every call.
 */
function pvebridge_ClientAreaAllowedFunctions($params = array())
{
    return Commands::clientFunctions();
}

function pvebridge_AdminServicesTabFields(array $params)
{
    return \WHMCS\Module\Server\Pvebridge\Admin::tabFields($params);
}

/** Saves reverse DNS names that changed; a refusal is logged and shown on the tab next time. */
function pvebridge_AdminServicesTabFieldsSave(array $params)
{
    \WHMCS\Module\Server\Pvebridge\Admin::tabFieldsSave($params);
}

/** The overview: one gateway call (cached data only, short timeout); a translated message when it fails. */
function pvebridge_ClientArea(array $params)
{
    $payload = array('actor' => Shim::actor(true), 'params' => Shim::params($params));
    $r = Shim::call('ClientArea', $payload, $params, array(), Shim::RENDER_TIMEOUT);
    if (!$r['ok'] || !isset($r['data']['vars']) || !is_array($r['data']['vars'])) {
        $message = $r['ok'] ? Lang::t('error.internal') : Shim::failureText($r, Shim::actsAsClient($payload));
        return array('tabOverviewModuleOutputTemplate' => 'templates/error.tpl', 'templateVariables' => Overview::errorVariables($message));
    }
    return array('tabOverviewModuleOutputTemplate' => 'templates/overview.tpl', 'templateVariables' => Overview::templateVariables($r['data']['vars'], $params));
}

/**
 * The client pages' JSON action (modop=custom&a=ClientApi, POST: token, op, args as JSON):
 * forwards {actor, params, op, args} signed to the gateway's /v1/whmcs/ClientApi, echoes
 * {ok, data} or {ok: false, error: {key, message}} (message translated, no internal detail),
 * and ends the request.
 */
function pvebridge_ClientApi(array $params)
{
    \WHMCS\Module\Server\Pvebridge\Admin::clientApi($params);
}

/**
 * The Reverse DNS page (modop=custom&a=ReverseDNS; product permission revDNS): one gateway call
 * (ClientApi op rdns, render timeout) and templates/reversedns.tpl; saving and the live status go
 * through the ClientApi JSON action (ops rdnsSave, rdns).
 */
function pvebridge_ReverseDNS(array $params)
{
    $payload = array('actor' => Shim::actor(true), 'params' => Shim::params($params), 'op' => 'rdns', 'args' => (object) array());
    $r = Shim::call('ClientApi', $payload, $params, array(), Shim::RENDER_TIMEOUT);
    if (!$r['ok'] || !isset($r['data']['entries']) || !is_array($r['data']['entries'])) {
        return $r['ok'] ? Lang::t('error.internal') : Shim::failureText($r, Shim::actsAsClient($payload));
    }
    $entries = array();
    foreach ($r['data']['entries'] as $e) {
        $entries[] = array(
            'ip' => (string) $e['ip'],
            'ptr' => (string) $e['ptr'],
            'effective' => (string) $e['effective'],
            'label' => Lang::t('rdns.hostname_for', array('ip' => (string) $e['ip'])),
            'statusText' => Lang::t('rdns.status_' . preg_replace('/[^a-z]/', '', (string) $e['status'])),
        );
    }
    return array(
        'templatefile' => 'templates/reversedns',
        'breadcrumb' => array('clientarea.php?action=productdetails&id=' . (int) $params['serviceid'] => Lang::t('rdns.title')),
        'vars' => array('pvbServiceId' => (int) $params['serviceid'], 'pvbEntries' => $entries, 'pvbLang' => Lang::strings(), 'pvbLangJson' => Lang::json(array('rdns.'))),
    );
}

/**
 * The ISO page (modop=custom&a=ISO; product permission isoMount): one gateway call (ClientApi op
 * iso, render timeout) and templates/iso.tpl; mounting and ejecting go through the ClientApi JSON
 * action (ops isoMount, isoUnmount). A product without the permission gets Access Denied.
 */
function pvebridge_ISO(array $params)
{
    $payload = array('actor' => Shim::actor(true), 'params' => Shim::params($params), 'op' => 'iso', 'args' => (object) array());
    $r = Shim::call('ClientApi', $payload, $params, array(), Shim::RENDER_TIMEOUT);
    if (!$r['ok'] || !isset($r['data']['groups']) || !is_array($r['data']['groups'])) {
        return $r['ok'] ? Lang::t('error.internal') : Shim::failureText($r, Shim::actsAsClient($payload));
    }
    $groups = array();
    foreach ($r['data']['groups'] as $g) {
        $images = array();
        foreach ($g['images'] as $i) {
            $images[] = array('volid' => (string) $i['volid'], 'name' => (string) $i['name']);
        }
        $groups[] = array('label' => $g['group'] === 'OTHER' ? Lang::t('iso.group_other') : (string) $g['group'], 'images' => $images);
    }
    $current = isset($r['data']['currentName']) && is_string($r['data']['currentName']) ? $r['data']['currentName'] : '';
    return array(
        'templatefile' => 'templates/iso',
        'breadcrumb' => array('clientarea.php?action=productdetails&id=' . (int) $params['serviceid'] . '&modop=custom&a=ISO' => Lang::t('iso.title')),
        'vars' => array(
            'pvbServiceId' => (int) $params['serviceid'],
            'pvbGroups' => $groups,
            'pvbCurrent' => $current,
            'pvbLocked' => isset($r['data']['locked']) && is_string($r['data']['locked']) ? Lang::t('iso.error_locked', array('lock' => $r['data']['locked'])) : '',
            'pvbLang' => Lang::strings(),
            'pvbLangJson' => Lang::json(array('iso.', 'error.')),
        ),
    );
}

/*
 * Consoles. The gateway answers a one-time link ({url, expiresAt, mode, window}) whose VNC
 * password and ticket are in the fragment only; refusals come back as its message.
 */

/**
 * Admin Console. From WHMCS's AJAX command runner (Module Commands: POST ajax=1) it answers
 * `window|<link>`, which the runner opens in a new window (whmcs-module-api-2.md 2.9); from the
 * services tab's Console button (a window it opened on the command URL) it sends that window on.
 * A refusal is the error string WHMCS shows.
 */
function pvebridge_Console(array $params)
{
    $link = Shim::consoleLink('AdminConsole', $params, false);
    if (is_string($link)) {
        return $link;
    }
    if (!empty($_REQUEST['ajax'])) {
        Shim::sendPage('window|' . $link['url'], 'text/plain');
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
        'vars' => array('consoleUrl' => $link['url'], 'consoleExpiresAt' => $link['expiresAt'], 'serviceId' => (int) $params['serviceid'], 'pvbLang' => Lang::strings()),
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

/**
 * The service password changed in WHMCS ($params['password'] is the NEW one): the gateway queues
 * setting it on the VM. The password travels once, in this signed call, and is masked in the log.
 */
function pvebridge_ChangePassword(array $params)
{
    $password = isset($params['password']) ? (string) $params['password'] : '';
    return Shim::serviceAction('ChangePassword', $params, true, array('password' => $password));
}

/** Server list: a button to the Proxmox VE web UI of this server (a link, no credentials). */
function pvebridge_AdminLink(array $params)
{
    return Render::adminLink($params);
}

/** Server sync (WHMCS 7.8+): our VMs on this server as WHMCS accounts. */
function pvebridge_ListAccounts(array $params)
{
    $answer = Shim::bare('ListAccounts', array('serverid' => isset($params['serverid']) ? (int) $params['serverid'] : 0));
    if (!is_array($answer) || !isset($answer['accounts']) || !is_array($answer['accounts'])) {
        return array('success' => false, 'error' => is_string($answer) ? $answer : Lang::t('error.internal'));
    }
    $status = array('Active' => 'Active', 'Suspended' => 'Suspended');
    $accounts = array();
    foreach ($answer['accounts'] as $a) {
        $st = isset($a['status']) ? (string) $a['status'] : 'Active';
        if (class_exists('\\WHMCS\\Service\\Status')) {
            $st = $st === 'Suspended' ? \WHMCS\Service\Status::SUSPENDED : \WHMCS\Service\Status::ACTIVE;
        }
        $a['status'] = isset($status[$st]) ? $status[$st] : $st;
        $accounts[] = $a;
    }
    return array('success' => true, 'accounts' => $accounts);
}
