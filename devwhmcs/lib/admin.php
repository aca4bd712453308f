<?php
/**
 * Admin area helpers: the login gate and the services tab (clientsservices.php) with its Module
 * Commands row, run the way WHMCS's runner runs them (part 2 §2.9): POST
 * `userid&id&modop=<cmd>[&ac=<fn>]&ajax=1&token`, replies `redirect|URL`, `window|URL`,
 * JSON {success, redirect}, or HTML that replaces #servicecontent.
 */

function devwhmcs_require_admin()
{
    if (empty($_SESSION['adminid'])) {
        $self = basename((string) $_SERVER['SCRIPT_NAME']) . (isset($_SERVER['QUERY_STRING']) && $_SERVER['QUERY_STRING'] !== '' ? '?' . $_SERVER['QUERY_STRING'] : '');
        devwhmcs_redirect('login.php?redirect=' . rawurlencode($self));
    }
    devwhmcs_require_post_token();
}

/** The Module Commands WHMCS offers for every module (those the module implements). */
function devwhmcs_admin_core_buttons($module)
{
    $out = array();
    foreach (array('create' => array('Create', 'CreateAccount'), 'suspend' => array('Suspend', 'SuspendAccount'), 'unsuspend' => array('Unsuspend', 'UnsuspendAccount'), 'terminate' => array('Terminate', 'TerminateAccount'), 'changepackage' => array('Change Package', 'ChangePackage')) as $cmd => $def) {
        if (devwhmcs_module_function($module, $def[1]) !== null) {
            $out[$cmd] = $def[0];
        }
    }
    return $out;
}

/** @return array<string, string> label => function of AdminCustomButtonArray */
function devwhmcs_admin_custom_buttons($module, array $params)
{
    $r = devwhmcs_call_module($module, 'AdminCustomButtonArray', $params);
    return is_array($r) ? array_filter($r, 'is_string') : array();
}

/** Runs one Module Command; returns [ok, message]. Custom functions must be admin buttons. */
function devwhmcs_admin_run_command($sid, $modop, $ac)
{
    $module = devwhmcs_service_module($sid);
    $params = devwhmcs_service_params($sid);
    if ($modop === 'custom') {
        if (!in_array($ac, devwhmcs_admin_custom_buttons($module, $params), true)) {
            return array(false, 'Invalid module command');
        }
        $r = devwhmcs_run_module_command('custom', $sid, $ac);
    } else {
        $overrides = $modop === 'suspend' ? array('suspendreason' => req('suspreason')) : array();
        $r = devwhmcs_run_module_command($modop, $sid, null, $overrides);
    }
    if ($r === 'success') {
        return array(true, 'The module command completed successfully.');
    }
    return array(false, is_string($r) ? $r : 'The module function returned no result.');
}

function devwhmcs_admin_banner($ok, $message)
{
    $title = $ok ? 'Module Command Success' : 'Module Command Error';
    return '<div class="alert ' . ($ok ? 'alert-success' : 'alert-danger') . '" role="' . ($ok ? 'status' : 'alert') . '"><strong>' . $title . '</strong> ' . e($message) . '</div>';
}

/** Service save: PreAdminServiceEdit, the row, AdminServicesTabFieldsSave, AdminServiceEdit. */
function devwhmcs_admin_save_service(array $s)
{
    $sid = (int) $s['id'];
    run_hook('PreAdminServiceEdit', array('serviceid' => $sid));
    $statuses = array('Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed');
    $update = array(
        'domain' => req('domain', $s['domain']),
        'dedicatedip' => req('dedicatedip', $s['dedicatedip']),
        'username' => req('username', $s['username']),
        'server' => (int) req('server', (string) $s['server']),
        'domainstatus' => in_array(req('domainstatus'), $statuses, true) ? req('domainstatus') : $s['domainstatus'],
    );
    if (req('password', decrypt($s['password'])) !== decrypt($s['password'])) {
        $update['password'] = encrypt(req('password'));
    }
    db_update('tblhosting', $update, array('id' => $sid));
    $fn = devwhmcs_module_function(devwhmcs_service_module($sid), 'AdminServicesTabFieldsSave');
    if ($fn !== null) {
        call_user_func($fn, devwhmcs_service_params($sid)); // WHMCS ignores the return value
    }
    run_hook('AdminServiceEdit', array('userid' => (int) $s['userid'], 'serviceid' => $sid));
    run_hook('ServiceEdit', array('userid' => (int) $s['userid'], 'serviceid' => $sid));
}

function devwhmcs_select($id, $name, array $options, $selected)
{
    $html = '<select id="' . e($id) . '" name="' . e($name) . '">';
    foreach ($options as $value => $label) {
        $html .= '<option value="' . e($value) . '"' . ((string) $value === (string) $selected ? ' selected' : '') . '>' . e($label) . '</option>';
    }
    return $html . '</select>';
}

/** The services tab (#servicecontent's inner HTML): service fields, module rows, Module Commands. */
function devwhmcs_admin_service_tab(array $s, $banner)
{
    $sid = (int) $s['id'];
    $module = devwhmcs_service_module($sid);
    $params = devwhmcs_service_params($sid);
    $servers = array(0 => 'None');
    foreach (db_all('SELECT `id`, `name` FROM `tblservers` ORDER BY `id`') as $r) {
        $servers[(int) $r['id']] = $r['name'];
    }
    $statuses = array('Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed');
    $rows = array(
        array('Product/Service', e($s['pname']) . ' <span class="text-muted">(module ' . e($module) . ')</span>'),
        array('<label for="server">Server</label>', devwhmcs_select('server', 'server', $servers, $s['server'])),
        array('<label for="domain">Domain</label>', '<input type="text" id="domain" name="domain" value="' . e($s['domain']) . '">'),
        array('<label for="dedicatedip">Dedicated IP</label>', '<input type="text" id="dedicatedip" name="dedicatedip" value="' . e($s['dedicatedip']) . '">'),
        array('Assigned IPs', '<span class="devwhmcs-assignedips">' . e($s['assignedips']) . '</span>'),
        array('<label for="username">Username</label>', '<input type="text" id="username" name="username" value="' . e($s['username']) . '">'),
        array('<label for="password">Password</label>', '<input type="text" id="password" name="password" value="' . e(decrypt($s['password'])) . '" autocomplete="off">'),
        array('<label for="domainstatus">Status</label>', devwhmcs_select('domainstatus', 'domainstatus', array_combine($statuses, $statuses), $s['domainstatus'])),
    );
    $fields = devwhmcs_call_module($module, 'AdminServicesTabFields', $params);
    foreach (is_array($fields) ? $fields : array() as $label => $html) {
        $rows[] = array(e($label), (string) $html);
    }
    $commands = '';
    foreach (devwhmcs_admin_core_buttons($module) as $cmd => $label) {
        $commands .= '<button type="button" class="btn btn-default" data-modop="' . e($cmd) . '">' . e($label) . '</button> ';
    }
    foreach (devwhmcs_admin_custom_buttons($module, $params) as $label => $fn) {
        $commands .= '<button type="button" class="btn btn-default" data-modop="custom" data-ac="' . e($fn) . '">' . e($label) . '</button> ';
    }
    $login = devwhmcs_call_module($module, 'LoginLink', $params);
    if (is_string($login) && $login !== '') {
        $rows[] = array('Login Link', $login); // a link only, as WHMCS documents for LoginLink
    }
    $commands .= ' <label for="suspreason">Suspension reason</label> <input type="text" id="suspreason" name="suspreason">';
    $rows[] = array('Module Commands', '<div id="modcmdbtns" role="group" aria-label="Module Commands">' . $commands . '</div><div id="modcmdresult" aria-live="polite"></div>');
    $table = '';
    foreach ($rows as $r) {
        $table .= '<tr><td class="fieldlabel">' . $r[0] . '</td><td class="fieldarea">' . $r[1] . '</td></tr>';
    }
    return $banner . '<form method="post" id="frm1" action="clientsservices.php?userid=' . (int) $s['userid'] . '&amp;id=' . $sid . '">'
        . generate_token() . '<input type="hidden" name="save" value="true"><table class="form">' . $table . '</table>'
        . '<p><button type="submit" id="btnSaveChanges">Save Changes</button></p></form>';
}

/** WHMCS's command runner (observed: part 2 §2.9), delegated so a replaced tab keeps working. */
function devwhmcs_admin_runner_js($userId, $serviceId)
{
    $base = json_encode(array('userid' => (int) $userId, 'id' => (int) $serviceId, 'token' => generate_token('plain')));
    return <<<JS
<script>
(function () {
  var base = $base;
  function show(html) { document.getElementById('servicecontent').innerHTML = html; }
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('#modcmdbtns button[data-modop]') : null;
    if (!b) return;
    var body = new URLSearchParams({ userid: base.userid, id: base.id, modop: b.dataset.modop, ajax: '1', token: base.token });
    if (b.dataset.ac) body.set('ac', b.dataset.ac);
    if (b.dataset.modop === 'suspend') body.set('suspreason', document.getElementById('suspreason').value);
    document.getElementById('modcmdresult').textContent = 'Working...';
    fetch('clientsservices.php', { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (data) {
      if (data.indexOf('redirect|') === 0) { window.location = data.substr(9); return; }
      if (data.indexOf('window|') === 0) { window.open(data.substr(7), '_blank'); document.getElementById('modcmdresult').textContent = ''; return; }
      try {
        var j = JSON.parse(data);
        if (j && typeof j === 'object') {
          if (j.redirect) { window.location = j.redirect; return; }
          document.getElementById('modcmdresult').textContent = (j.success ? 'Module Command Success' : 'Module Command Error') + (j.msg ? ': ' + j.msg : '');
          return;
        }
      } catch (e) { /* not JSON: the refreshed tab */ }
      show(data);
    });
  });
})();
</script>
JS;
}
