<?php
/**
 * The addon's DNS Zones page (spec §DNS Zones): addonmodules.php?module=pvebridge_admin&action=dns.
 * The render makes no gateway call: assets/dns.js loads the zones through the addon's JSON action
 * (GET/POST/PATCH/DELETE /v1/admin/dns-zones…, POST …/{id}/test). Secrets never reach the
 * browser: the gateway answers them as __KEEP__, the form leaves them empty with a placeholder.
 */
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Module\Server\Pvebridge\Lang;

function pvebridge_admin_page_dns($vars)
{
    $e = function ($s) {
        return htmlspecialchars((string) $s, ENT_QUOTES, 'UTF-8');
    };
    $t = function ($key) use ($e) {
        return $e(Lang::t($key, array(), 'addon'));
    };
    $token = function_exists('generate_token') ? generate_token('plain') : '';
    $endpoint = 'addonmodules.php?module=pvebridge_admin&json=1';
    $field = function ($name, $label, $type = 'text') use ($e, $t) {
        return '<div class="form-group pvb-dns-field" data-for="' . $e($name) . '"><label for="pvb-dns-' . $e($name) . '">' . $t($label) . '</label>'
            . '<input class="form-control" type="' . $e($type) . '" id="pvb-dns-' . $e($name) . '" name="' . $e($name) . '" autocomplete="off"></div>';
    };
    echo '<div class="pvebridge-dns-zones" data-endpoint="' . $e($endpoint) . '" data-token="' . $e($token) . '">'
        . '<script type="application/json" class="pvebridge-lang">' . Lang::json(array('dnszones.'), 'addon') . '</script>'
        . '<h2>' . $t('dnszones.title') . '</h2>'
        . '<p class="pvb-dns-notice" role="status" aria-live="polite" hidden></p>'
        . '<table class="table table-condensed"><thead><tr><th scope="col">ID</th><th scope="col">' . $t('dnszones.zone') . '</th><th scope="col">'
        . $t('dnszones.type') . '</th><th scope="col">' . $t('dnszones.actions') . '</th></tr></thead><tbody></tbody></table>'
        . '<h3 class="pvb-dns-form-title">' . $t('dnszones.add') . '</h3>'
        . '<form class="pvb-dns-form" novalidate><input type="hidden" name="id" value="">'
        . $field('name', 'dnszones.zone')
        . '<div class="form-group"><label for="pvb-dns-type">' . $t('dnszones.type') . '</label><select class="form-control" id="pvb-dns-type" name="type">'
        . '<option value="powerdns">PowerDNS</option><option value="cloudflare">Cloudflare</option><option value="hestiacp">HestiaCP</option></select></div>'
        . $field('url', 'dnszones.url') . $field('apiKey', 'dnszones.api_key', 'password') . $field('apiToken', 'dnszones.api_token', 'password')
        . $field('user', 'dnszones.user') . $field('accessKey', 'dnszones.access_key', 'password') . $field('secretKey', 'dnszones.secret_key', 'password')
        . $field('adminPassword', 'dnszones.admin_password', 'password')
        . '<button type="submit" class="btn btn-primary">' . $t('dnszones.save') . '</button></form>'
        . '<script src="../modules/addons/pvebridge_admin/assets/dns.js" defer></script></div>';
}
