<?php
/**
 * The shim's only channel to the gateway: a signed JSON POST to /v1/whmcs/<Function>.
 *
 * Signature (the gateway's gateway/auth/signature.ts is the other half of this rule):
 *   HMAC-SHA256(shared secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n sha256hex(BODY)), hex,
 *   sent as X-Pvebridge-Timestamp / X-Pvebridge-Nonce / X-Pvebridge-Signature.
 *
 * Every failure becomes a readable message; nothing here throws to WHMCS.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Client
{
    /** @var string */
    private $url;
    /** @var string */
    private $secret;
    /** @var int */
    private $timeout;

    public function __construct($url, $secret, $timeout)
    {
        $this->url = rtrim((string) $url, '/');
        $this->secret = (string) $secret;
        $this->timeout = max(1, (int) $timeout);
    }

    /**
     * Settings from modules/servers/pvebridge/config.php (see config.sample.php), overridden by
     * the environment: PVEBRIDGE_GATEWAY_URL, PVEBRIDGE_SHARED_SECRET, PVEBRIDGE_TIMEOUT.
     * The timeout is the spec's "Default Timeout" (10 s).
     *
     * @return array{gateway_url: string, shared_secret: string, timeout: int}
     */
    public static function settings()
    {
        $file = dirname(__DIR__) . '/config.php';
        $cfg = is_file($file) ? include $file : array();
        if (!is_array($cfg)) {
            $cfg = array();
        }
        $env = array(
            'gateway_url' => getenv('PVEBRIDGE_GATEWAY_URL'),
            'shared_secret' => getenv('PVEBRIDGE_SHARED_SECRET'),
            'timeout' => getenv('PVEBRIDGE_TIMEOUT'),
        );
        foreach ($env as $key => $value) {
            if ($value !== false && $value !== '') {
                $cfg[$key] = $value;
            }
        }
        return array(
            'gateway_url' => isset($cfg['gateway_url']) ? (string) $cfg['gateway_url'] : '',
            'shared_secret' => isset($cfg['shared_secret']) ? (string) $cfg['shared_secret'] : '',
            'timeout' => isset($cfg['timeout']) ? (int) $cfg['timeout'] : 10,
        );
    }

    /** @return Client|string a client, or the message saying what is missing */
    public static function fromSettings()
    {
        $s = self::settings();
        if ($s['gateway_url'] === '' || $s['shared_secret'] === '') {
            return 'pvebridge is not configured: set gateway_url and shared_secret in modules/servers/pvebridge/config.php';
        }
        return new self($s['gateway_url'], $s['shared_secret'], $s['timeout']);
    }

    public function secret()
    {
        return $this->secret;
    }

    /** @return array<string, string> the three signature headers for one request */
    public function signatureHeaders($method, $path, $body)
    {
        $timestamp = (string) time();
        $nonce = bin2hex(random_bytes(16));
        $canonical = strtoupper($method) . "\n" . $path . "\n" . $timestamp . "\n" . $nonce . "\n" . hash('sha256', $body);
        return array(
            'X-Pvebridge-Timestamp' => $timestamp,
            'X-Pvebridge-Nonce' => $nonce,
            'X-Pvebridge-Signature' => hash_hmac('sha256', $canonical, $this->secret),
        );
    }

    /**
     * POSTs $payload to /v1/whmcs/$function.
     *
     * @return array{ok: bool, status: int, data: mixed, error: string, raw: string}
     */
    public function call($function, array $payload)
    {
        $body = json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
        if ($body === false) {
            return $this->failure(0, 'pvebridge: the request could not be encoded as JSON', '');
        }
        $url = $this->url . '/v1/whmcs/' . rawurlencode($function);
        $path = (string) parse_url($url, PHP_URL_PATH);
        $headers = array('Content-Type: application/json', 'Accept: application/json');
        foreach ($this->signatureHeaders('POST', $path, $body) as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }
        $ch = curl_init($url);
        curl_setopt_array($ch, array(
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $body,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => $this->timeout,
            CURLOPT_CONNECTTIMEOUT => min($this->timeout, 5),
            CURLOPT_FOLLOWLOCATION => false,
        ));
        $raw = curl_exec($ch);
        $errno = curl_errno($ch);
        $error = curl_error($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        if ($raw === false || $errno !== 0) {
            if ($errno === CURLE_OPERATION_TIMEDOUT) {
                return $this->failure(0, 'pvebridge gateway did not answer within ' . $this->timeout . ' s (' . $this->url . '); try again later', '');
            }
            return $this->failure(0, 'pvebridge gateway unreachable at ' . $this->url . ': ' . $error, '');
        }
        return $this->answer($status, (string) $raw);
    }

    private function answer($status, $raw)
    {
        $data = json_decode($raw, true);
        if ($status >= 200 && $status < 300) {
            if ($status !== 204 && !is_array($data)) {
                return $this->failure($status, 'pvebridge gateway sent an unreadable answer (HTTP ' . $status . ')', $raw);
            }
            return array('ok' => true, 'status' => $status, 'data' => $data, 'error' => '', 'raw' => $raw);
        }
        $message = is_array($data) && isset($data['error']['message']) ? (string) $data['error']['message'] : 'HTTP ' . $status;
        if ($status === 401) {
            $message = 'pvebridge gateway refused the request: ' . $message;
        } elseif (!is_array($data) || (isset($data['error']['code']) && $data['error']['code'] === 'PVB_INTERNAL')) {
            $message = 'pvebridge gateway error: ' . $message;
        }
        return $this->failure($status, $message, $raw);
    }

    private function failure($status, $message, $raw)
    {
        return array('ok' => false, 'status' => $status, 'data' => null, 'error' => $message, 'raw' => $raw);
    }
}
