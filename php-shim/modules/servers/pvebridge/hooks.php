<?php
/**
 * Saves the product settings panel: on ProductEdit (the product form was saved) the panel's
 * pvebridge_settings[...] inputs and the module fields go to the gateway.
 */

use WHMCS\Module\Server\Pvebridge\Shim;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/Shim.php';

function hook_pvebridge_product_edit($vars)
{
    $pid = !empty($vars['pid']) ? (int) $vars['pid'] : (!empty($vars['id']) ? (int) $vars['id'] : 0);
    if (!isset($vars['servertype']) || $vars['servertype'] !== 'pvebridge' || $pid === 0) {
        return;
    }
    $posted = isset($_POST['pvebridge_settings']) && is_array($_POST['pvebridge_settings']) ? $_POST['pvebridge_settings'] : null;
    if ($posted === null) {
        return;
    }
    $settings = array();
    foreach ($posted as $key => $value) {
        $settings[(string) $key] = is_string($value) ? $value : '';
    }
    $answer = Shim::bare('SaveProductSettings', array('pid' => $pid), array('settings' => (object) $settings));
    if (!is_array($answer) && function_exists('logActivity')) {
        logActivity('pvebridge: product #' . $pid . ' settings not saved: ' . $answer);
    }
}

add_hook('ProductEdit', 1, 'hook_pvebridge_product_edit');
