<?php
/** The vms page of the addon (issue 12): the shared frame; assets/admin.js draws it. */
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}
require_once __DIR__ . '/common.php';

function pvebridge_admin_page_vms($vars)
{
    pvebridge_admin_shell('vms', $vars);
}
