<?php
/**
 * configservers.php: the server list (each module's AdminLink), action=manage[&id=N] the server
 * form with Save and Test Connection, action=sync&id=N the Server Sync view (ListAccounts).
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
require_once DEVWHMCS_ROOT . '/lib/product.php';
require_once DEVWHMCS_ROOT . '/lib/servers.php';
devwhmcs_require_admin();

$server = req('id') !== '' ? db_one('SELECT * FROM `tblservers` WHERE `id` = ?', array((int) req('id'))) : null;
$action = req('action');

if ($action === 'manage') {
    $banner = '';
    if (devwhmcs_is_post() && req('testconnection') === '1') {
        $banner = devwhmcs_test_connection($server);
    } elseif (devwhmcs_is_post() && req('save') === '1') {
        $id = devwhmcs_save_server($server);
        devwhmcs_redirect('configservers.php?action=manage&id=' . $id . '&success=true');
    }
    if (req('success') === 'true') {
        $banner = '<div class="alert alert-success" role="status">Changes Saved Successfully!</div>';
    }
    devwhmcs_send_page($server ? 'Edit Server: ' . $server['name'] : 'Add Server', devwhmcs_server_form($server, $banner), 'admin');
}
if ($action === 'singlesignon' && $server && devwhmcs_is_post()) {
    // AdminSingleSignOn: {success, redirectTo} → the browser goes there; else errorMsg is shown.
    $r = devwhmcs_call_module((string) $server['type'], 'AdminSingleSignOn', devwhmcs_server_params((int) $server['id']));
    if (is_array($r) && !empty($r['success']) && !empty($r['redirectTo'])) {
        devwhmcs_redirect((string) $r['redirectTo']);
    }
    $msg = is_array($r) && isset($r['errorMsg']) ? (string) $r['errorMsg'] : 'Single sign-on is not supported by this module';
    devwhmcs_send_page('Servers', '<div class="alert alert-danger" role="alert">' . e($msg) . '</div>', 'admin');
}
if ($action === 'sync' && $server) {
    devwhmcs_send_page('Server Sync: ' . $server['name'], devwhmcs_server_sync($server), 'admin');
}

$rows = '';
foreach (db_all('SELECT * FROM `tblservers` ORDER BY `id`') as $s) {
    $link = devwhmcs_call_module((string) $s['type'], 'AdminLink', devwhmcs_server_params((int) $s['id']));
    if (devwhmcs_module_function((string) $s['type'], 'AdminSingleSignOn') !== null) {
        $meta = devwhmcs_call_module((string) $s['type'], 'MetaData');
        $label = is_array($meta) && !empty($meta['AdminSingleSignOnLabel']) ? $meta['AdminSingleSignOnLabel'] : 'Login to Panel';
        $link .= '<form class="inline" method="post" action="configservers.php?action=singlesignon&amp;id=' . (int) $s['id'] . '">' . generate_token()
            . '<button type="submit">' . e($label) . ' (' . e($s['name']) . ')</button></form>';
    }
    $rows .= '<tr><td>' . e($s['name']) . '</td><td>' . e($s['hostname']) . '</td><td>' . e($s['type']) . '</td><td class="devwhmcs-adminlink">' . (is_string($link) ? $link : '') . '</td>'
        . '<td><a href="configservers.php?action=manage&amp;id=' . (int) $s['id'] . '">Edit ' . e($s['name']) . '</a> '
        . '<a href="configservers.php?action=sync&amp;id=' . (int) $s['id'] . '">Sync accounts of ' . e($s['name']) . '</a></td></tr>';
}
$body = '<p><a href="configservers.php?action=manage">Add New Server</a></p><table class="devwhmcs-servers"><thead><tr><th scope="col">Name</th><th scope="col">Hostname</th><th scope="col">Module</th><th scope="col">Login</th><th scope="col">Actions</th></tr></thead><tbody>' . $rows . '</tbody></table>';
devwhmcs_send_page('Servers', $body, 'admin');
