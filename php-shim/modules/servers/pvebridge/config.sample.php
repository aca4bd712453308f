<?php
/**
 * Optional: the addon's settings page (Addons → pvebridge) is the normal place for these. Copy
 * this file to config.php (same folder; or name another file in PVEBRIDGE_SHIM_CONFIG) to override
 * them; environment variables of the PHP process override both: PVEBRIDGE_GATEWAY_URL,
 * PVEBRIDGE_SHARED_SECRET, PVEBRIDGE_TIMEOUT, PVEBRIDGE_CA_FILE, PVEBRIDGE_ALLOW_HTTP.
 */
return array(
    // Root URL of the pvebridge gateway (no path prefix). https:// unless it listens on this host.
    'gateway_url' => 'http://127.0.0.1:8080',
    // The gateway's PVEBRIDGE_SHARED_SECRET (at least 32 characters).
    'shared_secret' => '',
    // Seconds to wait for the gateway: the spec's "Default Timeout". Page renders wait 2 s at most.
    'timeout' => 10,
    // PEM file of the CA that signed a private gateway certificate ('' = the system store).
    'ca_file' => '',
    // true only inside a trusted private network: allows a plain http:// gateway on another host.
    'allow_http' => false,
    // Legacy lib/dns/dns.php (read-only forward/reverse map): the key callers send as
    // "Authorization: Bearer <key>" (env PVEBRIDGE_LEGACY_DNS_KEY), and/or caller IPs let in
    // without it (comma-separated; env PVEBRIDGE_LEGACY_DNS_ALLOW). Both empty: the endpoint is closed.
    'legacy_dns_key' => '',
    'legacy_dns_allow' => '',
);
