<?php
/**
 * Forwarding helpers shared by the module functions: who acts, what of $params leaves WHMCS,
 * the call itself with its module log entry, and the mapping of answers to WHMCS return values.
 * No business rule lives here: the gateway decides, the shim forwards and renders.
 *
 * What people see of a failure: clients get a short translated message (Lang, by the answer's
 * language key); admins get the gateway's detail; the module log always keeps the detail.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Shim
{
    const MODULE = 'pvebridge';

    /** Seconds a page render waits for the gateway at most: pages render within 3 s even when it is down. */
    const RENDER_TIMEOUT = 2;

    /** Seconds a Loader (Module Settings dropdown, answered live from Proxmox) may take. */
    const LOADER_TIMEOUT = 5;

    /**
     * The gateway's transport failure in this request, if any: once it did not answer, later calls
     * of the same page fail at once with the same message instead of each waiting again (a product
     * page asks ConfigOptions and four Loaders; a hung gateway must not cost five timeouts).
     *
     * @var array|null
     */
    private static $down = null;

    /** $params keys that never leave WHMCS: objects, credentials the gateway reads itself, PII. */
    private static $stripped = array('model', 'password', 'serverpassword', 'serveraccesshash', 'clientsdetails');

    /**
     * Who acts. Clients only for functions a client can invoke from the client area; otherwise
     * the logged-in admin, or the system (cron, payment automation, API).
     */
    public static function actor($clientMayAct)
    {
        if ($clientMayAct && defined('CLIENTAREA') && !empty($_SESSION['uid'])) {
            return array('type' => 'client', 'id' => (int) $_SESSION['uid']);
        }
        if (!empty($_SESSION['adminid'])) {
            return array('type' => 'admin', 'id' => (int) $_SESSION['adminid']);
        }
        return array('type' => 'system');
    }

    public static function actsAsClient(array $payload)
    {
        return isset($payload['actor']['type']) && $payload['actor']['type'] === 'client';
    }

    /** $params as sent: scalars and arrays only, secrets and objects removed. */
    public static function params(array $params, array $keep = array())
    {
        $out = array();
        foreach ($params as $key => $value) {
            if (in_array($key, self::$stripped, true) && !in_array($key, $keep, true)) {
                continue;
            }
            if (is_object($value) || is_resource($value)) {
                continue;
            }
            $out[$key] = $value;
        }
        return $out;
    }

    /** Values to mask in the module log: the shared secret and any credential in $params. */
    private static function secrets(Client $client, array $params)
    {
        $secrets = array($client->secret());
        foreach (array('password', 'serverpassword', 'serveraccesshash') as $key) {
            if (isset($params[$key]) && is_string($params[$key]) && $params[$key] !== '') {
                $secrets[] = $params[$key];
            }
        }
        return $secrets;
    }

    /**
     * Values of the named answer fields, masked in the module log as sent and as JSON-escaped
     * (a console link carries its VNC password and ticket).
     */
    private static function answerSecrets($data, array $fields)
    {
        $secrets = array();
        foreach ($fields as $field) {
            if (is_array($data) && isset($data[$field]) && is_string($data[$field]) && $data[$field] !== '') {
                $secrets[] = $data[$field];
                $secrets[] = substr((string) json_encode($data[$field]), 1, -1);
            }
        }
        return array_values(array_unique($secrets));
    }

    /**
     * Calls the gateway and writes one module log entry; $secretFields name answer fields whose
     * values are masked in it. $timeout caps the wait (page renders use RENDER_TIMEOUT).
     *
     * @return array{ok: bool, status: int, data: mixed, error: string, key: string, args: array}
     */
    public static function call($function, array $payload, array $rawParams = array(), array $secretFields = array(), $timeout = null)
    {
        try {
            if (self::$down !== null) {
                self::log($function, $payload, self::$down['error'] . ' (not retried in this request)', null, array());
                return self::$down;
            }
            $client = Client::fromSettings($timeout);
            if (is_string($client)) {
                self::log($function, $payload, $client, null, array());
                return array('ok' => false, 'status' => 0, 'data' => null, 'error' => $client, 'key' => 'error.not_configured', 'args' => array());
            }
            $result = $client->call($function, $payload);
            if (!$result['ok'] && $result['status'] === 0 && $result['key'] === 'error.gateway_down') {
                self::$down = $result;
            }
            $secrets = array_merge(self::secrets($client, $rawParams), self::answerSecrets($result['data'], $secretFields));
            self::log($function, $payload, $result['raw'] !== '' ? $result['raw'] : $result['error'], $result['ok'] ? $result['data'] : $result['error'], $secrets);
            return $result;
        } catch (\Throwable $e) {
            $message = 'pvebridge shim error: ' . $e->getMessage();
            self::log($function, $payload, $message, null, array());
            return array('ok' => false, 'status' => 0, 'data' => null, 'error' => $message, 'key' => 'error.internal', 'args' => array());
        }
    }

    private static function log($action, $request, $response, $processed, array $secrets)
    {
        if (function_exists('logModuleCall')) {
            logModuleCall(self::MODULE, $action, $request, $response, $processed === null ? '' : $processed, $secrets);
        }
    }

    /** What a person sees of a failed call: a client the translated short message, an admin the detail. */
    public static function failureText(array $r, $forClient)
    {
        if ($forClient) {
            return Lang::t($r['key'] !== '' ? $r['key'] : 'error.internal', isset($r['args']) && is_array($r['args']) ? $r['args'] : array());
        }
        return $r['error'] !== '' ? $r['error'] : Lang::t($r['key']);
    }

    /** A call about one service whose answer WHMCS wants as 'success' or an error string. */
    public static function serviceAction($function, array $params, $clientMayAct, array $extra = array())
    {
        $payload = array_merge(array('actor' => self::actor($clientMayAct), 'params' => self::params($params)), $extra);
        $r = self::call($function, $payload, $params);
        if (!$r['ok']) {
            return self::failureText($r, self::actsAsClient($payload));
        }
        return isset($r['data']['result']) && $r['data']['result'] === 'success' ? 'success' : self::failureText(array('key' => 'error.internal', 'error' => 'pvebridge: unexpected answer from the gateway'), self::actsAsClient($payload));
    }

    /**
     * A console link for one service: the gateway's {url, expiresAt, mode, window}, or the
     * message to show (its refusal, e.g. "Access Denied"). The link never reaches the module log.
     *
     * @return array|string
     */
    public static function consoleLink($function, array $params, $clientMayAct)
    {
        $payload = array('actor' => self::actor($clientMayAct), 'params' => self::params($params));
        $r = self::call($function, $payload, $params, array('url'));
        if (!$r['ok']) {
            return self::failureText($r, self::actsAsClient($payload));
        }
        return isset($r['data']['url']) && is_string($r['data']['url']) ? $r['data'] : self::failureText(array('key' => 'error.internal', 'error' => 'pvebridge: unexpected answer from the gateway'), self::actsAsClient($payload));
    }

    private static function cleanBuffers()
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
    }

    /**
     * Answers the browser directly and ends the request: WHMCS has no return value for a page of
     * our own, so the module clears its buffers, prints and exits (whmcs-module-api.md 1.9).
     */
    public static function sendPage($html, $contentType = 'text/html')
    {
        self::cleanBuffers();
        if (!headers_sent()) {
            header('Content-Type: ' . $contentType . '; charset=utf-8');
            header('Cache-Control: no-store');
            header('Referrer-Policy: no-referrer');
        }
        echo $html;
        exit;
    }

    /** A JSON answer for a page script, then the end of the request. */
    public static function sendJson($status, array $body)
    {
        if (!headers_sent()) {
            http_response_code((int) $status);
        }
        self::sendPage((string) json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR), 'application/json');
    }

    /** A product- or server-level call; returns the decoded answer, or the error message string. */
    public static function bare($function, array $params = array(), array $extra = array(), array $keep = array(), $timeout = null)
    {
        $payload = array_merge(array('actor' => self::actor(false), 'params' => self::params($params, $keep)), $extra);
        $r = self::call($function, $payload, $params, array(), $timeout);
        return $r['ok'] ? $r['data'] : self::failureText($r, false);
    }

    /** The script WHMCS is running (configproducts.php, clientsservices.php, …), lowercased. */
    public static function page()
    {
        $script = isset($_SERVER['SCRIPT_NAME']) ? (string) $_SERVER['SCRIPT_NAME'] : (isset($_SERVER['PHP_SELF']) ? (string) $_SERVER['PHP_SELF'] : '');
        return strtolower(basename($script));
    }

    /**
     * The product id for ConfigOptions and the Loaders: WHMCS's own pid when it passes one, else
     * the id of the product edit page (configproducts.php?action=edit&id=N). On any other page
     * (configaddons.php's id is an addon id, clientsservices.php's a service id) there is none.
     */
    public static function productId(array $params)
    {
        if (!empty($params['pid'])) {
            return (int) $params['pid'];
        }
        if (self::page() !== 'configproducts.php') {
            return 0;
        }
        // Group pages of configproducts.php carry a group id in `id`.
        $action = isset($_REQUEST['action']) ? strtolower((string) $_REQUEST['action']) : '';
        if (strpos($action, 'group') !== false) {
            return 0;
        }
        return isset($_REQUEST['id']) && ctype_digit((string) $_REQUEST['id']) ? (int) $_REQUEST['id'] : 0;
    }
}
