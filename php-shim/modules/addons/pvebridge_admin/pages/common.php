<?php
/**
 * The frame every addon page shares (issue 12): the navigation, the page's strings as JSON and
 * the page script (assets/admin.js). A render makes no gateway call at all; the script loads the
 * page's data through the addon's JSON action (pages/api.php), so a slow gateway never holds up
 * the page and Proxmox is never waited on.
 */

use WHMCS\Module\Server\Pvebridge\Lang;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/** @var array<string, string> page action => language key of its navigation entry */
const PVEBRIDGE_ADMIN_PAGES = array(
    'index' => 'pages.nav.dashboard',
    'pools' => 'pages.nav.pools',
    'vms' => 'pages.nav.vms',
    'settings' => 'pages.nav.settings',
    'cron' => 'pages.nav.cron',
    'audit' => 'pages.nav.audit',
);

function pvebridge_admin_h($text)
{
    return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
}

function pvebridge_admin_shell($page, array $vars)
{
    $link = isset($vars['modulelink']) ? (string) $vars['modulelink'] : 'addonmodules.php?module=pvebridge_admin';
    $nav = '';
    foreach (PVEBRIDGE_ADMIN_PAGES as $action => $key) {
        $current = $action === $page ? ' aria-current="page" class="active"' : '';
        $nav .= '<li><a href="' . pvebridge_admin_h($link . '&action=' . $action) . '"' . $current . '>' . pvebridge_admin_h(Lang::t($key, array(), 'addon')) . '</a></li>';
    }
    $token = function_exists('generate_token') ? generate_token('plain') : '';
    $config = array(
        'page' => $page,
        'endpoint' => $link . '&action=api',
        'link' => $link,
        'token' => $token,
    );
    echo '<nav aria-label="pvebridge"><ul class="nav nav-tabs pvb-nav">' . $nav . '</ul></nav>';
    echo '<div id="pvb-admin" class="pvb-admin" data-config="' . pvebridge_admin_h(json_encode($config, JSON_UNESCAPED_SLASHES)) . '">'
        . '<p role="status">' . pvebridge_admin_h(Lang::t('pages.common.loading', array(), 'addon')) . '</p></div>';
    echo '<script>window.PVB_L = ' . Lang::json(array('pages.'), 'addon') . ';</script>';
    echo '<script src="../modules/addons/pvebridge_admin/assets/admin.js"></script>';
}
