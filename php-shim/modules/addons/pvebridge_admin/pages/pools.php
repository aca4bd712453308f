<?php
/** The pools page of the addon (issue 12): the shared frame; assets/admin.js draws it. */
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}
require_once __DIR__ . '/common.php';

function pvebridge_admin_page_pools($vars)
{
    pvebridge_admin_shell('pools', $vars);
}
