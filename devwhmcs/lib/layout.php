<?php
/**
 * The page frame of the client and admin areas: a banner on every page saying this is a
 * development stand-in, a small navigation, and the content. No CDN, no external asset.
 */

function devwhmcs_frame($title, $body, $area, array $opts = array())
{
    $lang = $area === 'admin' ? devwhmcs_admin_language() : devwhmcs_client_language();
    $locale = array('german' => 'de', 'english' => 'en', 'french' => 'fr', 'spanish' => 'es', 'italian' => 'it', 'dutch' => 'nl');
    $html = '<!DOCTYPE html><html lang="' . (isset($locale[$lang]) ? $locale[$lang] : 'en') . '"><head><meta charset="utf-8">'
        . '<meta name="viewport" content="width=device-width, initial-scale=1">'
        // Which Smarty rendered the module templates (tests run both 3.1 and 4).
        . (class_exists('Smarty', false) ? '<meta name="generator" content="dev WHMCS ' . DEVWHMCS_VERSION . ', Smarty ' . e(Smarty::SMARTY_VERSION) . '">' : '')
        . '<title>' . e($title) . ' - dev WHMCS</title><style>' . devwhmcs_css() . '</style>'
        . (isset($opts['head']) ? $opts['head'] : '') . '</head><body class="devwhmcs-' . e($area) . '">'
        . '<div class="devwhmcs-banner" role="note">Development stand-in for WHMCS (pvebridge dev WHMCS): not WHMCS, never shipped.</div>'
        . devwhmcs_nav($area) . '<main id="main"><h1>' . e($title) . '</h1>' . $body . '</main></body></html>';
    return $html;
}

function devwhmcs_nav($area)
{
    $links = array();
    if ($area === 'admin' && !empty($_SESSION['adminid'])) {
        $links = array('index.php' => 'Admin home', 'addonmodules.php?module=pvebridge_admin' => 'pvebridge addon', 'configaddonmods.php' => 'Addon modules', 'configservers.php' => 'Servers', 'logout.php' => 'Admin logout');
    } elseif ($area === 'client' && !empty($_SESSION['uid'])) {
        $links = array('clientarea.php' => 'My Products & Services', 'logout.php' => 'Logout');
    }
    if (!$links) {
        return '';
    }
    $items = '';
    foreach ($links as $href => $label) {
        $items .= '<li><a href="' . e($href) . '">' . e($label) . '</a></li>';
    }
    return '<nav aria-label="' . ($area === 'admin' ? 'Admin' : 'Client area') . '"><ul class="devwhmcs-nav">' . $items . '</ul></nav>';
}

function devwhmcs_css()
{
    return 'body{font-family:sans-serif;margin:0;color:#222}main{padding:1em 2em}'
        . '.devwhmcs-banner{background:#fff3cd;border-bottom:1px solid #e0c36b;padding:.4em 1em;font-size:.9em}'
        . '.devwhmcs-nav{list-style:none;display:flex;gap:1.5em;margin:0;padding:.5em 1em;background:#263238}.devwhmcs-nav a{color:#fff}'
        . '.alert{padding:.6em 1em;border:1px solid;margin:.5em 0}.alert-success{background:#e8f5e9;border-color:#66bb6a}'
        . '.alert-danger,.alert-warning{background:#ffebee;border-color:#e57373}.alert-info{background:#e3f2fd;border-color:#64b5f6}'
        . 'table{border-collapse:collapse}td,th{padding:.3em .6em;text-align:left;vertical-align:top}'
        . '.fieldlabel{font-weight:bold}[role=tablist] button[aria-selected=true]{font-weight:bold}'
        . 'form.inline{display:inline}.module-client-area{border-top:1px solid #ccc;margin-top:1em;padding-top:1em}';
}

/** A whole page answered, then the request ends. */
function devwhmcs_send_page($title, $body, $area, array $opts = array())
{
    header('Content-Type: text/html; charset=utf-8');
    echo devwhmcs_frame($title, $body, $area, $opts);
    exit;
}
