<?php
/**
 * The shim's only channel to the gateway: a signed JSON request, and a signed reply.
 *
 * Request signature (gateway/auth/signature.ts is the other half of this rule):
 *   HMAC-SHA256(shared secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n sha256hex(BODY)), hex,
 *   sent as X-Pvebridge-Timestamp / X-Pvebridge-Nonce / X-Pvebridge-Signature.
 * Reply signature (gateway/auth/reply.ts): X-Pvebridge-Reply-Signature =
 *   HMAC-SHA256(shared secret, "REPLY" \n STATUS \n REQUEST NONCE \n sha256hex(REPLY BODY)).
 * A reply without a valid signature is refused (except the guard's own 401, which changes
 * nothing), so a console link or a page cannot be forged in transit.
 *
 * Every failure becomes an answer with a `key` (a language key people see) and an `error`
 * (the detail, for the module log and admins); nothing here throws to WHMCS.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Client
{
    const REPLY_HEADER = 'x-pvebridge-reply-signature';

    /** @var string */
    private $url;
    /** @var string */
    private $secret;
    /** @var int */
    private $timeout;
    /** @var string */
    private $caFile;

    public function __construct($url, $secret, $timeout, $caFile = '')
    {
        $this->url = rtrim((string) $url, '/');
        $this->secret = (string) $secret;
        $this->timeout = max(1, (int) $timeout);
        $this->caFile = (string) $caFile;
    }

    /**
     * The addon's settings (tbladdonmodules, set on the addon's configuration page), overridden
     * by modules/servers/pvebridge/config.php when present, overridden by the environment
     * (PVEBRIDGE_GATEWAY_URL, PVEBRIDGE_SHARED_SECRET, PVEBRIDGE_TIMEOUT, PVEBRIDGE_CA_FILE,
     * PVEBRIDGE_ALLOW_HTTP). The timeout is the spec's "Default Timeout" (10 s).
     *
     * @return array{gateway_url: string, shared_secret: string, timeout: int, ca_file: string, allow_http: bool}
     */
    public static function settings()
    {
        $cfg = self::addonSettings();
        // PVEBRIDGE_SHIM_CONFIG names another file (tests, installs that keep secrets elsewhere).
        $file = getenv('PVEBRIDGE_SHIM_CONFIG') ?: dirname(__DIR__) . '/config.php';
        $local = is_file($file) ? include $file : array();
        if (is_array($local)) {
            $cfg = array_merge($cfg, array_filter($local, function ($v) {
                return $v !== null && $v !== '';
            }));
        }
        $env = array(
            'gateway_url' => getenv('PVEBRIDGE_GATEWAY_URL'),
            'shared_secret' => getenv('PVEBRIDGE_SHARED_SECRET'),
            'timeout' => getenv('PVEBRIDGE_TIMEOUT'),
            'ca_file' => getenv('PVEBRIDGE_CA_FILE'),
            'allow_http' => getenv('PVEBRIDGE_ALLOW_HTTP'),
        );
        foreach ($env as $key => $value) {
            if ($value !== false && $value !== '') {
                $cfg[$key] = $value;
            }
        }
        $allow = isset($cfg['allow_http']) ? $cfg['allow_http'] : '';
        return array(
            'gateway_url' => isset($cfg['gateway_url']) ? trim((string) $cfg['gateway_url']) : '',
            'shared_secret' => isset($cfg['shared_secret']) ? (string) $cfg['shared_secret'] : '',
            'timeout' => isset($cfg['timeout']) && (int) $cfg['timeout'] > 0 ? (int) $cfg['timeout'] : 10,
            'ca_file' => isset($cfg['ca_file']) ? trim((string) $cfg['ca_file']) : '',
            'allow_http' => $allow === true || in_array(strtolower((string) $allow), array('on', '1', 'yes', 'true'), true),
        );
    }

    /** The addon's _config fields as WHMCS stored them; the secret is decrypted when WHMCS encrypted it. */
    private static function addonSettings()
    {
        if (!class_exists('\WHMCS\Database\Capsule')) {
            return array();
        }
        try {
            $rows = \WHMCS\Database\Capsule::table('tbladdonmodules')->where('module', 'pvebridge_admin')->get();
        } catch (\Throwable $e) {
            return array();
        }
        $out = array();
        foreach ($rows as $row) {
            $row = (array) $row;
            $out[(string) $row['setting']] = (string) $row['value'];
        }
        if (!empty($out['shared_secret']) && function_exists('decrypt')) {
            // WHMCS may store password fields encrypted (observed, not documented): use the
            // decrypted value only when it is a plausible secret.
            $plain = decrypt($out['shared_secret']);
            if (is_string($plain) && strlen($plain) >= 16 && preg_match('/^[\x21-\x7e]+$/', $plain)) {
                $out['shared_secret'] = $plain;
            }
        }
        return $out;
    }

    /** Why these settings must not be used, or '' when they are fine. */
    public static function transportProblem(array $s)
    {
        if ($s['gateway_url'] === '' || $s['shared_secret'] === '') {
            return 'pvebridge is not configured: set the gateway URL and the shared secret in the addon settings (or config.php)';
        }
        $parts = parse_url($s['gateway_url']);
        $scheme = isset($parts['scheme']) ? strtolower($parts['scheme']) : '';
        $host = isset($parts['host']) ? strtolower(trim($parts['host'], '[]')) : '';
        if (!in_array($scheme, array('http', 'https'), true) || $host === '') {
            return 'pvebridge gateway URL is not an http(s) URL: ' . $s['gateway_url'];
        }
        $loopback = $host === 'localhost' || $host === '::1' || preg_match('/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/', $host);
        if ($scheme === 'http' && !$loopback && !$s['allow_http']) {
            return 'pvebridge refuses the plain http:// gateway URL ' . $s['gateway_url'] . ' (not on this host): use https://, or set "Allow http:// over the network" in a trusted private network';
        }
        if ($s['ca_file'] !== '' && !is_readable($s['ca_file'])) {
            return 'pvebridge CA file is not readable: ' . $s['ca_file'];
        }
        return '';
    }

    /** @return Client|string a client, or the message saying what is wrong */
    public static function fromSettings($timeout = null)
    {
        $s = self::settings();
        $problem = self::transportProblem($s);
        if ($problem !== '') {
            return $problem;
        }
        return new self($s['gateway_url'], $s['shared_secret'], $timeout === null ? $s['timeout'] : min((int) $timeout, $s['timeout']), $s['ca_file']);
    }

    public function secret()
    {
        return $this->secret;
    }

    /** @return array<string, string> the three signature headers for one request */
    public function signatureHeaders($method, $path, $body, $nonce = null)
    {
        $timestamp = (string) time();
        $nonce = $nonce === null ? bin2hex(random_bytes(16)) : $nonce;
        $canonical = strtoupper($method) . "\n" . $path . "\n" . $timestamp . "\n" . $nonce . "\n" . hash('sha256', $body);
        return array(
            'X-Pvebridge-Timestamp' => $timestamp,
            'X-Pvebridge-Nonce' => $nonce,
            'X-Pvebridge-Signature' => hash_hmac('sha256', $canonical, $this->secret),
        );
    }

    public function replySignature($status, $nonce, $body)
    {
        return hash_hmac('sha256', "REPLY\n" . (int) $status . "\n" . $nonce . "\n" . hash('sha256', $body), $this->secret);
    }

    /** POSTs $payload to /v1/whmcs/$function. */
    public function call($function, array $payload)
    {
        return $this->request('POST', '/v1/whmcs/' . rawurlencode($function), $payload);
    }

    /**
     * One signed request. $pathAndQuery is signed as sent (e.g. "/v1/admin/vms?actor=admin:1").
     *
     * @return array{ok: bool, status: int, data: mixed, error: string, key: string, raw: string}
     */
    public function request($method, $pathAndQuery, $payload = null)
    {
        $method = strtoupper($method);
        $body = $payload === null ? '' : json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
        if ($body === false) {
            return $this->failure(0, 'error.internal', 'pvebridge: the request could not be encoded as JSON', '');
        }
        $nonce = bin2hex(random_bytes(16));
        $headers = array('Accept: application/json');
        if ($body !== '') {
            $headers[] = 'Content-Type: application/json';
        }
        foreach ($this->signatureHeaders($method, $pathAndQuery, $body, $nonce) as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }
        $replyHeaders = array();
        $ch = curl_init($this->url . $pathAndQuery);
        $options = array(
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => $this->timeout,
            CURLOPT_CONNECTTIMEOUT => min($this->timeout, 2),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$replyHeaders) {
                $at = strpos($line, ':');
                if ($at !== false) {
                    $replyHeaders[strtolower(trim(substr($line, 0, $at)))] = trim(substr($line, $at + 1));
                }
                return strlen($line);
            },
        );
        if ($body !== '') {
            $options[CURLOPT_POSTFIELDS] = $body;
        }
        if ($this->caFile !== '') {
            $options[CURLOPT_CAINFO] = $this->caFile;
        }
        curl_setopt_array($ch, $options);
        $raw = curl_exec($ch);
        $errno = curl_errno($ch);
        $error = curl_error($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        if ($raw === false || $errno !== 0) {
            if ($errno === CURLE_OPERATION_TIMEDOUT) {
                return $this->failure(0, 'error.gateway_down', 'pvebridge gateway did not answer within ' . $this->timeout . ' s (' . $this->url . ')', '');
            }
            return $this->failure(0, 'error.gateway_down', 'pvebridge gateway unreachable at ' . $this->url . ': ' . $error, '');
        }
        $raw = (string) $raw;
        $signature = isset($replyHeaders[self::REPLY_HEADER]) ? $replyHeaders[self::REPLY_HEADER] : '';
        if ($status !== 401 && !hash_equals($this->replySignature($status, $nonce, $raw), $signature)) {
            return $this->failure($status, 'error.internal', 'pvebridge gateway reply is not signed with the shared secret (HTTP ' . $status . '); refused', $raw);
        }
        return $this->answer($status, $raw);
    }

    private function answer($status, $raw)
    {
        $data = json_decode($raw, true);
        if ($status >= 200 && $status < 300) {
            if ($status !== 204 && !is_array($data)) {
                return $this->failure($status, 'error.internal', 'pvebridge gateway sent an unreadable answer (HTTP ' . $status . ')', $raw);
            }
            return array('ok' => true, 'status' => $status, 'data' => $data, 'error' => '', 'key' => '', 'raw' => $raw);
        }
        $err = is_array($data) && isset($data['error']) && is_array($data['error']) ? $data['error'] : array();
        $message = isset($err['message']) ? (string) $err['message'] : 'HTTP ' . $status;
        $code = isset($err['code']) ? (string) $err['code'] : '';
        if ($status === 401) {
            $message = 'pvebridge gateway refused the request: ' . $message;
        } elseif ($code === '' || $code === 'PVB_INTERNAL') {
            $message = 'pvebridge gateway error: ' . $message;
        }
        $result = $this->failure($status, self::keyFor($code, $status, $err), $message, $raw);
        $result['args'] = isset($err['args']) && is_array($err['args']) ? $err['args'] : array();
        $result['code'] = $code;
        return $result;
    }

    /** The language key of a gateway refusal: its own `key`, else one per error code. */
    public static function keyFor($code, $status, array $err)
    {
        if (isset($err['key']) && is_string($err['key']) && preg_match('/^error\.[a-z0-9_]+$/', $err['key'])) {
            return $err['key'];
        }
        $byCode = array(
            'PVB_ACCESS_DENIED' => 'error.access_denied',
            'PVB_NOT_FOUND' => 'error.not_found',
            'PVB_CONFLICT' => 'error.conflict',
            'PVB_VALIDATION' => 'error.validation',
            'PVB_UNAVAILABLE' => 'error.gateway_down',
            'PVB_UPSTREAM' => 'error.upstream',
        );
        return isset($byCode[$code]) ? $byCode[$code] : ($status === 401 ? 'error.not_configured' : 'error.internal');
    }

    private function failure($status, $key, $message, $raw)
    {
        return array('ok' => false, 'status' => $status, 'data' => null, 'error' => $message, 'key' => $key, 'args' => array(), 'raw' => $raw);
    }
}
