<?php
/**
 * The addon pages' JSON action (the page pattern for admins): a page script POSTs to
 * addonmodules.php?module=pvebridge_admin&json=1 with `token`, `method` (get|post|put|patch|delete),
 * `path` (/v1/admin/…, with its query) and `body` (JSON). The shim checks the CSRF token, adds the
 * acting admin as the signed `actor=admin:<id>` query parameter, forwards the request signed,
 * echoes {ok, status, data} or {ok: false, status, error: {key, message}} and ends the request.
 * The browser never sees the gateway's address.
 */

namespace WHMCS\Module\Addon\PvebridgeAdmin;

use WHMCS\Module\Server\Pvebridge\Client;
use WHMCS\Module\Server\Pvebridge\Lang;
use WHMCS\Module\Server\Pvebridge\Shim;

class AdminApi
{
    const METHODS = array('GET', 'POST', 'PUT', 'PATCH', 'DELETE');

    private static function refuse($status, $key)
    {
        Shim::sendJson($status, array('ok' => false, 'status' => $status, 'error' => array('key' => $key, 'message' => Lang::t($key))));
    }

    /** The path as signed: /v1/admin/… plus the caller's query plus actor=admin:<id> (never the caller's own actor). */
    public static function target($path, $adminId)
    {
        $parts = parse_url((string) $path);
        $p = isset($parts['path']) ? $parts['path'] : '';
        if (!preg_match('#^/v1/admin(/[A-Za-z0-9._~:-]+)*$#', $p) || strpos($p, '..') !== false) {
            return null;
        }
        $query = array();
        if (isset($parts['query'])) {
            parse_str($parts['query'], $query);
        }
        unset($query['actor']);
        $query['actor'] = 'admin:' . (int) $adminId;
        return $p . '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
    }

    public static function handle()
    {
        $adminId = isset($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
        if ($adminId <= 0) {
            self::refuse(403, 'error.access_denied');
        }
        if (function_exists('check_token') && !check_token('WHMCS.admin.default')) {
            self::refuse(403, 'error.session');
        }
        $method = isset($_POST['method']) && is_string($_POST['method']) ? strtoupper($_POST['method']) : 'GET';
        $target = self::target(isset($_POST['path']) ? $_POST['path'] : '', $adminId);
        $body = isset($_POST['body']) && is_string($_POST['body']) && $_POST['body'] !== '' ? json_decode($_POST['body'], true) : null;
        if (!in_array($method, self::METHODS, true) || $target === null || (isset($_POST['body']) && $_POST['body'] !== '' && !is_array($body))) {
            self::refuse(400, 'error.validation');
        }
        $client = Client::fromSettings(Shim::RENDER_TIMEOUT);
        if (is_string($client)) {
            Shim::sendJson(503, array('ok' => false, 'status' => 503, 'error' => array('key' => 'error.not_configured', 'message' => $client)));
        }
        $r = $client->request($method, $target, $method === 'GET' ? null : ($body === null ? new \stdClass() : $body));
        if (function_exists('logModuleCall')) {
            logModuleCall('pvebridge', 'AdminApi ' . $method . ' ' . $target, $body === null ? '' : $body, $r['raw'] !== '' ? $r['raw'] : $r['error'], '', array($client->secret()));
        }
        if ($r['ok']) {
            Shim::sendJson(200, array('ok' => true, 'status' => $r['status'], 'data' => $r['data']));
        }
        $status = $r['status'] >= 400 && $r['status'] < 500 ? $r['status'] : 503;
        // Admins see the gateway's detail (field errors included); the key is there for translation.
        $error = array('key' => $r['key'], 'message' => $r['error'] !== '' ? $r['error'] : Lang::t($r['key']));
        $data = json_decode($r['raw'], true);
        if (is_array($data) && isset($data['error']['fields'])) {
            $error['fields'] = $data['error']['fields'];
        }
        Shim::sendJson($status, array('ok' => false, 'status' => $r['status'], 'error' => $error));
    }
}
