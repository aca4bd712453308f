<?php
/**
 * Copy to config.php (same folder) and fill in. Environment variables of the PHP process
 * override these: PVEBRIDGE_GATEWAY_URL, PVEBRIDGE_SHARED_SECRET, PVEBRIDGE_TIMEOUT.
 */
return array(
    // Root URL of the pvebridge gateway (no path prefix; HTTPS unless it listens on this host).
    'gateway_url' => 'http://127.0.0.1:8080',
    // The gateway's PVEBRIDGE_SHARED_SECRET (at least 32 characters).
    'shared_secret' => '',
    // Seconds to wait for the gateway: the spec's "Default Timeout".
    'timeout' => 10,
    // Legacy lib/dns/dns.php (read-only forward/reverse map): the key callers send as
    // "Authorization: Bearer <key>", and/or caller IPs let in without it. Both empty: closed.
    'legacy_dns_key' => '',
    'legacy_dns_allow' => '',
);
