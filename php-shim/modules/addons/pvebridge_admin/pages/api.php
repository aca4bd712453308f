<?php
/**
 * The addon's JSON action (addonmodules.php?module=pvebridge_admin&action=api): the page script
 * POSTs {token, method, path, query, body}; this forwards it signed to the gateway's /v1/admin/*
 * with ?actor=admin:<the logged-in admin> and the admin's address, and answers
 * {ok, data} or {ok: false, error: {key, message, fields}}. Only /v1/admin/ paths are forwarded.
 */

use WHMCS\Module\Server\Pvebridge\Client;
use WHMCS\Module\Server\Pvebridge\Lang;
use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function pvebridge_admin_page_api($vars)
{
    $refuse = function ($status, $message) {
        Shim::sendJson($status, array('ok' => false, 'error' => array('key' => 'error.access_denied', 'message' => $message)));
    };
    if (!isset($_SERVER['REQUEST_METHOD']) || $_SERVER['REQUEST_METHOD'] !== 'POST') {
        $refuse(405, 'POST only');
    }
    if (function_exists('check_token')) {
        check_token('WHMCS.admin.default');
    }
    $admin = isset($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
    if ($admin <= 0) {
        $refuse(403, 'Access Denied');
    }
    $method = isset($_POST['method']) ? strtoupper((string) $_POST['method']) : 'GET';
    $path = isset($_POST['path']) ? (string) $_POST['path'] : '';
    if (!in_array($method, array('GET', 'POST', 'PATCH', 'DELETE'), true) || !preg_match('#^/v1/admin/[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*$#', $path) || strpos($path, '..') !== false) {
        $refuse(400, 'not an admin API path');
    }
    $query = isset($_POST['query']) ? json_decode((string) $_POST['query'], true) : array();
    $query = is_array($query) ? array_filter($query, function ($v) {
        return is_scalar($v) && $v !== '';
    }) : array();
    unset($query['actor'], $query['ip']);
    $signed = array_merge(array('actor' => 'admin:' . $admin, 'ip' => isset($_SERVER['REMOTE_ADDR']) ? (string) $_SERVER['REMOTE_ADDR'] : ''), $query);
    $body = null;
    if ($method !== 'GET' && isset($_POST['body']) && $_POST['body'] !== '') {
        $body = json_decode((string) $_POST['body'], true);
        if (!is_array($body)) {
            $refuse(400, 'body is not a JSON object');
        }
    }
    $client = Client::fromSettings();
    if (is_string($client)) {
        Shim::sendJson(503, array('ok' => false, 'error' => array('key' => 'error.gateway_down', 'message' => Lang::t('error.gateway_down', array(), 'addon'))));
    }
    $r = $client->request($method, $path . '?' . http_build_query($signed, '', '&', PHP_QUERY_RFC3986), $body);
    if ($r['ok']) {
        Shim::sendJson(200, array('ok' => true, 'data' => $r['data']));
    }
    $raw = json_decode((string) $r['raw'], true);
    $fields = is_array($raw) && isset($raw['error']['fields']) && is_array($raw['error']['fields']) ? $raw['error']['fields'] : array();
    if (function_exists('logModuleCall')) {
        logModuleCall('pvebridge_admin', $method . ' ' . $path, $query, $r['error'], '', array());
    }
    Shim::sendJson($r['status'] >= 400 ? $r['status'] : 502, array('ok' => false, 'error' => array(
        'key' => $r['key'],
        'message' => $r['status'] >= 400 && $r['status'] < 500 ? $r['error'] : Lang::t($r['key'], array(), 'addon'),
        'fields' => $fields,
    )));
}
