<?php
/**
 * Product settings: saved from AdminProductConfigFieldsSave, the documented hook for "product
 * saved, read the request" (whmcs-module-api-2.md 3), when the form carried our panel. A refusal
 * is logged and shown on the product page next time, with the values entered (lib/Admin.php).
 */

use WHMCS\Module\Server\Pvebridge\Admin;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/Shim.php';
require_once __DIR__ . '/lib/Lang.php';
require_once __DIR__ . '/lib/Render.php';
require_once __DIR__ . '/lib/Commands.php';
require_once __DIR__ . '/lib/Admin.php';

function hook_pvebridge_product_config_save($vars)
{
    Admin::saveProductSettings(isset($vars['pid']) ? (int) $vars['pid'] : 0);
}

add_hook('AdminProductConfigFieldsSave', 1, 'hook_pvebridge_product_config_save');
