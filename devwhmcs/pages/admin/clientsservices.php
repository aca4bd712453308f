<?php
/**
 * clientsservices.php?userid=U&id=S: the admin services tab. Module Commands arrive as
 * `modop=<cmd>[&ac=<fn>]` with the token (POST from the runner with ajax=1, or a GET link such
 * as the shim's console button); Save runs the module's AdminServicesTabFieldsSave and the
 * admin service-edit hooks.
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
devwhmcs_require_admin();

$s = db_one(
    'SELECT h.*, p.`name` AS `pname` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` WHERE h.`id` = ? AND h.`userid` = ?',
    array((int) req('id'), (int) req('userid'))
);
if (!$s) {
    devwhmcs_send_page('Service not found', '<div class="alert alert-danger" role="alert">Invalid Service ID</div>', 'admin');
}
$sid = (int) $s['id'];
$banner = '';

$modop = req('modop');
if (in_array($modop, array('create', 'suspend', 'unsuspend', 'terminate', 'changepackage', 'custom'), true)) {
    check_token('WHMCS.admin.default'); // GET links carry it in the query
    list($ok, $message) = devwhmcs_admin_run_command($sid, $modop, req('ac'));
    $banner = devwhmcs_admin_banner($ok, $message);
    $s = db_one('SELECT h.*, p.`name` AS `pname` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` WHERE h.`id` = ?', array($sid));
    if (req('ajax') === '1') {
        header('Content-Type: text/html; charset=utf-8');
        echo devwhmcs_admin_service_tab($s, $banner); // replaces #servicecontent
        exit;
    }
} elseif (devwhmcs_is_post() && req('save') === 'true') {
    devwhmcs_admin_save_service($s);
    $s = db_one('SELECT h.*, p.`name` AS `pname` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` WHERE h.`id` = ?', array($sid));
    $banner = '<div class="alert alert-success" role="status"><strong>Changes Saved Successfully!</strong></div>';
}

$client = db_one('SELECT `firstname`, `lastname`, `email` FROM `tblclients` WHERE `id` = ?', array((int) $s['userid']));
$title = 'Products/Services: #' . $sid . ' (' . trim($client['firstname'] . ' ' . $client['lastname']) . ')';
$body = '<div id="servicecontent">' . devwhmcs_admin_service_tab($s, $banner) . '</div>' . devwhmcs_admin_runner_js($s['userid'], $sid);
devwhmcs_send_page($title, $body, 'admin');
