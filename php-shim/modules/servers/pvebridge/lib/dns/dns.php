<?php
/**
 * Legacy DNS endpoint (spec: "Legacy DNS endpoint (dns.php)"), kept for external DNS-sync
 * scripts: GET answers the current forward/reverse mapping as JSON,
 *   [ { "forward": "vm1.example.com", "ip": "192.0.2.10", "reverse": "mail.example.com" }, … ]
 * It writes nothing. The mapping comes from the gateway (GET /v1/admin/dns/legacy-map, signed,
 * actor=system). Access: the caller sends the key configured as `legacy_dns_key` (config.php or
 * PVEBRIDGE_LEGACY_DNS_KEY) as `Authorization: Bearer <key>` or `X-Pvebridge-Key`, or comes from
 * an address in `legacy_dns_allow` / PVEBRIDGE_LEGACY_DNS_ALLOW (comma-separated; the spec's
 * .htaccess allow-list). With neither configured the endpoint is closed (403).
 */

namespace WHMCS\Module\Server\Pvebridge;

// Inside WHMCS, bootstrap it so the addon's settings (gateway URL, shared secret) are readable.
$whmcsInit = dirname(__DIR__, 5) . '/init.php';
if (!defined('WHMCS') && is_file($whmcsInit)) {
    require_once $whmcsInit;
}
require_once dirname(__DIR__) . '/Client.php';

function legacyDnsSetting($name, $env)
{
    $value = getenv($env);
    if ($value !== false && $value !== '') {
        return (string) $value;
    }
    $file = dirname(__DIR__, 2) . '/config.php';
    $cfg = is_file($file) ? include $file : array();
    return is_array($cfg) && isset($cfg[$name]) ? trim((string) $cfg[$name]) : '';
}

function legacyDnsReply($status, $body)
{
    http_response_code($status);
    header('Content-Type: application/json; charset=utf-8');
    header('Cache-Control: no-store');
    echo json_encode($body, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";
}

function legacyDnsAllowed()
{
    $key = legacyDnsSetting('legacy_dns_key', 'PVEBRIDGE_LEGACY_DNS_KEY');
    $allow = array_filter(array_map('trim', explode(',', legacyDnsSetting('legacy_dns_allow', 'PVEBRIDGE_LEGACY_DNS_ALLOW'))));
    if ($key === '' && !$allow) {
        return 'the legacy DNS endpoint is disabled: set legacy_dns_key or legacy_dns_allow';
    }
    $ip = isset($_SERVER['REMOTE_ADDR']) ? (string) $_SERVER['REMOTE_ADDR'] : '';
    if ($allow && in_array($ip, $allow, true)) {
        return '';
    }
    $sent = '';
    if (isset($_SERVER['HTTP_AUTHORIZATION']) && preg_match('/^Bearer\s+(\S+)$/i', (string) $_SERVER['HTTP_AUTHORIZATION'], $m)) {
        $sent = $m[1];
    } elseif (isset($_SERVER['HTTP_X_PVEBRIDGE_KEY'])) {
        $sent = trim((string) $_SERVER['HTTP_X_PVEBRIDGE_KEY']);
    }
    if ($key !== '' && $sent !== '' && hash_equals($key, $sent)) {
        return '';
    }
    return 'Access Denied';
}

if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'GET') {
    header('Allow: GET');
    legacyDnsReply(405, array('error' => 'only GET is supported'));
    return;
}
$denied = legacyDnsAllowed();
if ($denied !== '') {
    legacyDnsReply(403, array('error' => $denied));
    return;
}
$client = Client::fromSettings();
if (is_string($client)) {
    legacyDnsReply(503, array('error' => $client));
    return;
}
$r = $client->request('GET', '/v1/admin/dns/legacy-map?actor=system');
if (!$r['ok'] || !is_array($r['data'])) {
    legacyDnsReply(502, array('error' => 'the pvebridge gateway did not answer: ' . $r['error']));
    return;
}
$out = array();
foreach ($r['data'] as $row) {
    if (is_array($row) && isset($row['forward'], $row['ip'], $row['reverse'])) {
        $out[] = array('forward' => (string) $row['forward'], 'ip' => (string) $row['ip'], 'reverse' => (string) $row['reverse']);
    }
}
legacyDnsReply(200, $out);
