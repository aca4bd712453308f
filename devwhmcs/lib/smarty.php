<?php
/**
 * Module templates rendered with real Smarty (Debian's smarty4 by default, smarty3 when the
 * config says 3 — WHMCS 8 ships Smarty 3.1), with the variables WHMCS's client area passes.
 */

function devwhmcs_smarty()
{
    static $loaded = false;
    $version = (int) devwhmcs_config('smarty') === 3 ? 3 : 4;
    if (!$loaded) {
        require_once '/usr/share/php/smarty' . $version . '/bootstrap.php';
        $loaded = true;
    }
    $smarty = new Smarty();
    $dir = devwhmcs_config('tmpDir') . '/smarty' . $version;
    if (!is_dir($dir)) {
        @mkdir($dir, 0700, true);
    }
    $smarty->setCompileDir($dir);
    $smarty->setCacheDir($dir);
    $smarty->setTemplateDir(DEVWHMCS_MODULES . '/servers/pvebridge');
    return $smarty;
}

/** WHMCS's global client-area template variables. */
function devwhmcs_client_template_vars()
{
    $language = devwhmcs_client_language();
    return array(
        'token' => generate_token('plain'),
        'LANG' => devwhmcs_LANG($language),
        'language' => $language,
        'WEB_ROOT' => '',
        'systemurl' => (string) devwhmcs_config('systemUrl'),
        'template' => 'twenty-one',
        'companyname' => 'pvebridge dev WHMCS',
        'loggedin' => !empty($_SESSION['uid']),
        'charset' => 'utf-8',
    );
}

/** Renders a module template (path relative to the module folder, ".tpl" added when missing). */
function devwhmcs_render_module_template($file, array $vars)
{
    $file = (string) $file;
    if (substr($file, -4) !== '.tpl') {
        $file .= '.tpl';
    }
    $path = realpath(DEVWHMCS_MODULES . '/servers/pvebridge/' . ltrim($file, '/'));
    $root = realpath(DEVWHMCS_MODULES . '/servers/pvebridge');
    if ($path === false || strpos($path, $root . '/') !== 0) {
        return '<div class="alert alert-danger" role="alert">Template not found: ' . e($file) . '</div>';
    }
    $smarty = devwhmcs_smarty();
    foreach ($vars as $k => $v) {
        $smarty->assign($k, $v);
    }
    return $smarty->fetch($path);
}
