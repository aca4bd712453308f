<?php
/**
 * Setup > Servers (configservers.php): the server list with each module's AdminLink, the server
 * form (password stored encrypted, ServerAdd/ServerEdit hooks), Test Connection with the form's
 * values (the module's TestConnection), and the Server Sync view (the module's ListAccounts
 * matched to services by MetaData ListAccountsUniqueIdentifierField).
 */

/** Server params from the server form (what WHMCS passes TestConnection before saving). */
function devwhmcs_form_server_params(array $stored = null)
{
    $password = req('password');
    if ($password === '' && $stored) {
        $password = decrypt($stored['password']); // an untouched password field keeps the stored one
    }
    $secure = req('secure') === 'on';
    $out = array(
        'server' => true,
        'serverid' => $stored ? (int) $stored['id'] : 0,
        'serverip' => req('ipaddress'),
        'serverhostname' => req('hostname'),
        'serverusername' => req('username'),
        'serverpassword' => $password,
        'serveraccesshash' => req('accesshash'),
        'serversecure' => $secure,
        'serverhttpprefix' => $secure ? 'https' : 'http',
    );
    if (req('port') !== '') {
        $out['serverport'] = req('port');
    }
    return $out;
}

/** Saves the server form; returns the server id. */
function devwhmcs_save_server(array $stored = null)
{
    $values = array(
        'name' => req('name'),
        'hostname' => req('hostname'),
        'ipaddress' => req('ipaddress'),
        'type' => preg_match('/^[a-z][a-z0-9]*$/', req('type')) ? req('type') : '',
        'username' => req('username'),
        'accesshash' => req('accesshash'),
        'secure' => req('secure') === 'on' ? 'on' : '',
        'port' => req('port') === '' ? null : (int) req('port'),
    );
    if (req('password') !== '' || !$stored) {
        $values['password'] = encrypt(req('password'));
    }
    if ($stored) {
        db_update('tblservers', $values, array('id' => (int) $stored['id']));
        run_hook('ServerEdit', array('serverid' => (int) $stored['id']));
        return (int) $stored['id'];
    }
    $id = db_insert('tblservers', array_merge($values, array('active' => 1, 'disabled' => 0)));
    run_hook('ServerAdd', array('serverid' => $id));
    return $id;
}

function devwhmcs_server_form(array $server = null, $banner = '')
{
    $s = $server ? $server : array('id' => 0, 'name' => '', 'hostname' => '', 'ipaddress' => '', 'type' => 'pvebridge', 'username' => '', 'accesshash' => '', 'secure' => 'on', 'port' => '');
    $modules = array();
    foreach (devwhmcs_server_modules() as $m) {
        $modules[$m] = $m;
    }
    $text = function ($id, $label, $value) {
        return '<tr><td class="fieldlabel"><label for="' . $id . '">' . $label . '</label></td><td class="fieldarea"><input type="text" id="' . $id . '" name="' . $id . '" value="' . e($value) . '"></td></tr>';
    };
    $rows = $text('name', 'Name', $s['name']) . $text('hostname', 'Hostname', $s['hostname']) . $text('ipaddress', 'IP Address', $s['ipaddress'])
        . '<tr><td class="fieldlabel"><label for="type">Module</label></td><td class="fieldarea">' . devwhmcs_select('type', 'type', $modules, $s['type']) . '</td></tr>'
        . $text('username', 'Username', $s['username'])
        . '<tr><td class="fieldlabel"><label for="password">Password</label></td><td class="fieldarea"><input type="password" id="password" name="password" value="" autocomplete="off"> <span>' . ($server ? 'leave empty to keep the stored password' : '') . '</span></td></tr>'
        . '<tr><td class="fieldlabel"><label for="accesshash">Access Hash</label></td><td class="fieldarea"><textarea id="accesshash" name="accesshash" rows="3" cols="60">' . e($s['accesshash']) . '</textarea></td></tr>'
        . '<tr><td class="fieldlabel"><label for="secure">Secure (use SSL)</label></td><td class="fieldarea"><input type="checkbox" id="secure" name="secure" value="on"' . ($s['secure'] === 'on' ? ' checked' : '') . '></td></tr>'
        . $text('port', 'Port', (string) $s['port']);
    return $banner . '<form method="post" action="configservers.php?action=manage' . ($server ? '&amp;id=' . (int) $s['id'] : '') . '">' . generate_token()
        . '<table class="form">' . $rows . '</table><p><button type="submit" name="save" value="1">Save Changes</button> '
        . '<button type="submit" name="testconnection" value="1">Test Connection</button></p></form>';
}

/** Test Connection: the module's {success, error} for the form's values, as a banner. */
function devwhmcs_test_connection(array $stored = null)
{
    $module = req('type');
    $r = devwhmcs_call_module($module, 'TestConnection', devwhmcs_form_server_params($stored));
    if (!is_array($r)) {
        return '<div class="alert alert-danger" role="alert">The module does not support Test Connection</div>';
    }
    return !empty($r['success'])
        ? '<div class="alert alert-success" role="status">Connected successfully!</div>'
        : '<div class="alert alert-danger" role="alert">Connection failed: ' . e(isset($r['error']) ? $r['error'] : '') . '</div>';
}

/** Server Sync: the module's accounts, each matched (or not) to a service on this server. */
function devwhmcs_server_sync(array $server)
{
    $module = (string) $server['type'];
    $r = devwhmcs_call_module($module, 'ListAccounts', devwhmcs_server_params((int) $server['id']));
    if (!is_array($r)) {
        return '<div class="alert alert-danger" role="alert">The module does not support Server Sync</div>';
    }
    if (empty($r['success'])) {
        return '<div class="alert alert-danger" role="alert">' . e(isset($r['error']) ? $r['error'] : 'ListAccounts failed') . '</div>';
    }
    $meta = devwhmcs_call_module($module, 'MetaData');
    $field = is_array($meta) && !empty($meta['ListAccountsUniqueIdentifierField']) ? $meta['ListAccountsUniqueIdentifierField'] : 'domain';
    $column = in_array($field, array('domain', 'username'), true) ? $field : 'domain';
    $rows = '';
    foreach (isset($r['accounts']) && is_array($r['accounts']) ? $r['accounts'] : array() as $a) {
        $id = isset($a['uniqueIdentifier']) ? (string) $a['uniqueIdentifier'] : '';
        $svc = db_one('SELECT `id`, `userid`, `domainstatus` FROM `tblhosting` WHERE `server` = ? AND `' . $column . '` = ?', array((int) $server['id'], $id));
        $match = $svc ? '<a href="clientsservices.php?userid=' . (int) $svc['userid'] . '&amp;id=' . (int) $svc['id'] . '">Service #' . (int) $svc['id'] . '</a> (' . e($svc['domainstatus']) . ')' : 'no matching service';
        $rows .= '<tr><td>' . e($id) . '</td><td>' . e(isset($a['username']) ? $a['username'] : '') . '</td><td>' . e(isset($a['primaryip']) ? $a['primaryip'] : '') . '</td><td>'
            . e(isset($a['status']) ? $a['status'] : '') . '</td><td>' . e(isset($a['created']) ? $a['created'] : '') . '</td><td class="devwhmcs-sync-match">' . $match . '</td></tr>';
    }
    $label = is_array($meta) && !empty($meta['ListAccountsUniqueIdentifierDisplayName']) ? $meta['ListAccountsUniqueIdentifierDisplayName'] : 'Identifier';
    return '<table class="devwhmcs-sync"><thead><tr><th scope="col">' . e($label) . '</th><th scope="col">Username</th><th scope="col">Primary IP</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">WHMCS service</th></tr></thead><tbody>' . $rows . '</tbody></table>';
}
