<?php
/**
 * The WHMCS API subset the gateway and the shim use, shared by localAPI() and the external
 * /includes/api.php: SendEmail, LogActivity, EncryptPassword/DecryptPassword, OpenTicket,
 * UpdateClientProduct, GetClientsProducts and the Module* commands. Replies and error messages
 * are WHMCS's (whmcs-module-api.md §3, part 2 §5).
 */

require_once __DIR__ . '/api-email.php';

function devwhmcs_api_error($message)
{
    return array('result' => 'error', 'message' => $message);
}

/** @return array<string, callable> */
function devwhmcs_api_actions()
{
    return array(
        'sendemail' => 'devwhmcs_api_send_email',
        'logactivity' => 'devwhmcs_api_log_activity',
        'encryptpassword' => function ($v) {
            return array('result' => 'success', 'password' => encrypt(isset($v['password2']) ? (string) $v['password2'] : ''));
        },
        'decryptpassword' => function ($v) {
            return array('result' => 'success', 'password' => decrypt(isset($v['password2']) ? (string) $v['password2'] : ''));
        },
        'openticket' => 'devwhmcs_api_open_ticket',
        'updateclientproduct' => 'devwhmcs_api_update_client_product',
        'getclientsproducts' => 'devwhmcs_api_get_clients_products',
        'modulecreate' => function ($v) {
            return devwhmcs_api_module('create', $v);
        },
        'modulesuspend' => function ($v) {
            return devwhmcs_api_module('suspend', $v);
        },
        'moduleunsuspend' => function ($v) {
            return devwhmcs_api_module('unsuspend', $v);
        },
        'moduleterminate' => function ($v) {
            return devwhmcs_api_module('terminate', $v);
        },
        'modulechangepackage' => function ($v) {
            return devwhmcs_api_module('changepackage', $v);
        },
        'modulecustom' => function ($v) {
            return devwhmcs_api_module('custom', $v);
        },
    );
}

/** The API call itself (credentials already checked, or an internal localAPI call). */
function devwhmcs_api($action, array $values)
{
    $actions = devwhmcs_api_actions();
    $key = strtolower((string) $action);
    if (!isset($actions[$key])) {
        return devwhmcs_api_error('Command Not Found');
    }
    try {
        return call_user_func($actions[$key], $values);
    } catch (\Throwable $e) {
        return devwhmcs_api_error('Error: ' . $e->getMessage());
    }
}

/** WHMCS's internal API; the admin username argument is optional since 7.2. */
function localAPI($command, $values = array(), $adminUsername = '')
{
    return devwhmcs_api($command, is_array($values) ? $values : array());
}

function devwhmcs_api_log_activity(array $v)
{
    if (empty($v['description'])) {
        return devwhmcs_api_error('Description is required');
    }
    $client = isset($v['clientid']) ? (int) $v['clientid'] : (isset($v['userid']) ? (int) $v['userid'] : 0);
    logActivity((string) $v['description'], $client);
    return array('result' => 'success');
}

function devwhmcs_api_module($action, array $v)
{
    $sid = isset($v['serviceid']) ? (int) $v['serviceid'] : (isset($v['accountid']) ? (int) $v['accountid'] : 0);
    if ($sid === 0) {
        return devwhmcs_api_error('Service ID is required');
    }
    if (!db_one('SELECT `id` FROM `tblhosting` WHERE `id` = ?', array($sid))) {
        return devwhmcs_api_error('Service ID not found');
    }
    $overrides = $action === 'suspend' && isset($v['suspendreason']) ? array('suspendreason' => (string) $v['suspendreason']) : array();
    $custom = $action === 'custom' ? (isset($v['func_name']) ? (string) $v['func_name'] : '') : null;
    $r = devwhmcs_run_module_command($action, $sid, $custom, $overrides);
    return $r === 'success' ? array('result' => 'success') : devwhmcs_api_error(is_string($r) ? $r : 'Module command returned no result');
}

function devwhmcs_api_open_ticket(array $v)
{
    foreach (array('deptid' => 'Department ID', 'subject' => 'Subject', 'message' => 'Message') as $k => $label) {
        if (!isset($v[$k]) || (string) $v[$k] === '') {
            return devwhmcs_api_error($k === 'deptid' ? 'Department ID not found' : $label . ' is required');
        }
    }
    if (!db_one('SELECT `id` FROM `tblticketdepartments` WHERE `id` = ?', array((int) $v['deptid']))) {
        return devwhmcs_api_error('Department ID not found');
    }
    $client = null;
    if (!empty($v['clientid'])) {
        $client = db_one('SELECT * FROM `tblclients` WHERE `id` = ?', array((int) $v['clientid']));
        if (!$client) {
            return devwhmcs_api_error('Client ID Not Found');
        }
    }
    $service = '';
    if (!empty($v['serviceid'])) {
        if (!db_one('SELECT `id` FROM `tblhosting` WHERE `id` = ?', array((int) $v['serviceid']))) {
            return devwhmcs_api_error('Service ID Not Found');
        }
        $service = 'S' . (int) $v['serviceid'];
    }
    $tid = (string) random_int(100000, 999999);
    $c = bin2hex(random_bytes(4));
    $priority = isset($v['priority']) && in_array($v['priority'], array('Low', 'Medium', 'High'), true) ? $v['priority'] : 'Medium';
    $id = db_insert('tbltickets', array(
        'tid' => $tid,
        'did' => (int) $v['deptid'],
        'userid' => $client ? (int) $client['id'] : 0,
        'name' => $client ? trim($client['firstname'] . ' ' . $client['lastname']) : (isset($v['name']) ? (string) $v['name'] : ''),
        'email' => $client ? (string) $client['email'] : (isset($v['email']) ? (string) $v['email'] : ''),
        'c' => $c,
        'date' => db_now(),
        'title' => (string) $v['subject'],
        'message' => (string) $v['message'],
        'status' => 'Open',
        'urgency' => $priority,
        'lastreply' => db_now(),
        'service' => $service,
        'editor' => !empty($v['markdown']) ? 'markdown' : 'plain',
    ));
    return array('result' => 'success', 'id' => $id, 'tid' => $tid, 'c' => $c);
}

function devwhmcs_api_update_client_product(array $v)
{
    $sid = isset($v['serviceid']) ? (int) $v['serviceid'] : 0;
    if ($sid === 0 || !db_one('SELECT `id` FROM `tblhosting` WHERE `id` = ?', array($sid))) {
        return devwhmcs_api_error('Service ID Not Found');
    }
    $columns = array(
        'pid' => 'packageid', 'serverid' => 'server', 'regdate' => 'regdate', 'nextduedate' => 'nextduedate',
        'terminationdate' => 'termination_date', 'domain' => 'domain', 'firstpaymentamount' => 'firstpaymentamount',
        'recurringamount' => 'amount', 'paymentmethod' => 'paymentmethod', 'billingcycle' => 'billingcycle',
        'subscriptionid' => 'subscriptionid', 'status' => 'domainstatus', 'notes' => 'notes', 'serviceusername' => 'username',
        'overideautosuspend' => 'overideautosuspend', 'overidesuspenduntil' => 'overidesuspenduntil', 'ns1' => 'ns1', 'ns2' => 'ns2',
        'dedicatedip' => 'dedicatedip', 'assignedips' => 'assignedips', 'diskusage' => 'diskusage', 'disklimit' => 'disklimit',
        'bwusage' => 'bwusage', 'bwlimit' => 'bwlimit', 'suspendreason' => 'suspendreason', 'promoid' => 'promoid',
    );
    $update = array();
    foreach ($columns as $in => $col) {
        if (array_key_exists($in, $v)) {
            $update[$col] = $v[$in];
        }
    }
    if (array_key_exists('servicepassword', $v)) {
        $update['password'] = encrypt((string) $v['servicepassword']); // plain in, stored encrypted
    }
    if ($update) {
        db_update('tblhosting', $update, array('id' => $sid));
    }
    return array('result' => 'success', 'serviceid' => $sid);
}

function devwhmcs_api_get_clients_products(array $v)
{
    $where = array('1 = 1');
    $args = array();
    foreach (array('clientid' => 'h.`userid`', 'serviceid' => 'h.`id`', 'pid' => 'h.`packageid`', 'domain' => 'h.`domain`', 'username2' => 'h.`username`') as $k => $col) {
        if (isset($v[$k]) && (string) $v[$k] !== '') {
            $where[] = $col . ' = ?';
            $args[] = $v[$k];
        }
    }
    $rows = db_all(
        'SELECT h.*, p.`name` AS `pname`, g.`name` AS `gname`, s.`name` AS `sname`, s.`ipaddress` AS `sip`, s.`hostname` AS `shost` FROM `tblhosting` h'
        . ' LEFT JOIN `tblproducts` p ON p.`id` = h.`packageid` LEFT JOIN `tblproductgroups` g ON g.`id` = p.`gid`'
        . ' LEFT JOIN `tblservers` s ON s.`id` = h.`server` WHERE ' . implode(' AND ', $where) . ' ORDER BY h.`id`',
        $args
    );
    if (!empty($v['serviceid']) && !$rows) {
        return devwhmcs_api_error('Service ID Not Found');
    }
    $start = isset($v['limitstart']) ? (int) $v['limitstart'] : 0;
    $num = isset($v['limitnum']) ? (int) $v['limitnum'] : 25;
    $products = array();
    foreach (array_slice($rows, $start, $num) as $h) {
        $products[] = array(
            'id' => (int) $h['id'], 'clientid' => (int) $h['userid'], 'orderid' => (int) $h['orderid'], 'pid' => (int) $h['packageid'],
            'regdate' => $h['regdate'], 'name' => (string) $h['pname'], 'groupname' => (string) $h['gname'], 'domain' => $h['domain'],
            'dedicatedip' => $h['dedicatedip'], 'serverid' => (int) $h['server'], 'servername' => (string) $h['sname'],
            'serverip' => (string) $h['sip'], 'serverhostname' => (string) $h['shost'], 'suspensionreason' => $h['suspendreason'],
            'firstpaymentamount' => $h['firstpaymentamount'], 'recurringamount' => $h['amount'], 'paymentmethod' => $h['paymentmethod'],
            'billingcycle' => $h['billingcycle'], 'nextduedate' => $h['nextduedate'], 'status' => $h['domainstatus'],
            'username' => $h['username'], 'password' => decrypt($h['password']), 'subscriptionid' => $h['subscriptionid'],
            'promoid' => (int) $h['promoid'], 'ns1' => $h['ns1'], 'ns2' => $h['ns2'], 'assignedips' => $h['assignedips'],
            'notes' => $h['notes'], 'diskusage' => (int) $h['diskusage'], 'disklimit' => (int) $h['disklimit'],
            'bwusage' => (int) $h['bwusage'], 'bwlimit' => (int) $h['bwlimit'], 'lastupdate' => $h['lastupdate'], 'qty' => (int) $h['qty'],
            'customfields' => array('customfield' => devwhmcs_api_customfields((int) $h['packageid'], (int) $h['id'])),
            'configoptions' => array('configoption' => devwhmcs_api_configoptions((int) $h['packageid'], (int) $h['id'])),
        );
    }
    return array('result' => 'success', 'clientid' => isset($v['clientid']) ? (int) $v['clientid'] : 0, 'serviceid' => isset($v['serviceid']) ? (int) $v['serviceid'] : 0,
        'pid' => isset($v['pid']) ? (int) $v['pid'] : 0, 'totalresults' => count($rows), 'startnumber' => $start, 'numreturned' => count($products),
        'products' => array('product' => $products));
}

/** GetClientsProducts' customfields.customfield[]: {id, name, translated_name, value}. */
function devwhmcs_api_customfields($productId, $serviceId)
{
    $rows = db_all(
        "SELECT f.`id`, f.`fieldname`, v.`value` FROM `tblcustomfields` f LEFT JOIN `tblcustomfieldsvalues` v ON v.`fieldid` = f.`id` AND v.`relid` = ? WHERE f.`type` = 'product' AND f.`relid` = ? ORDER BY f.`sortorder`, f.`id`",
        array($serviceId, $productId)
    );
    $out = array();
    foreach ($rows as $r) {
        $out[] = array('id' => (int) $r['id'], 'name' => (string) $r['fieldname'], 'translated_name' => (string) $r['fieldname'], 'value' => $r['value'] === null ? '' : (string) $r['value']);
    }
    return $out;
}

/** GetClientsProducts' configoptions.configoption[]: {id, option, type, value}. */
function devwhmcs_api_configoptions($productId, $serviceId)
{
    $rows = db_all(
        'SELECT o.`id`, o.`optionname`, o.`optiontype`, h.`qty`, s.`optionname` AS `chosen` FROM `tblproductconfiglinks` l'
        . ' JOIN `tblproductconfigoptions` o ON o.`gid` = l.`gid`'
        . ' LEFT JOIN `tblhostingconfigoptions` h ON h.`configid` = o.`id` AND h.`relid` = ?'
        . ' LEFT JOIN `tblproductconfigoptionssub` s ON s.`id` = h.`optionid`'
        . ' WHERE l.`pid` = ? ORDER BY o.`id`',
        array($serviceId, $productId)
    );
    $types = array('1' => 'dropdown', '2' => 'radio', '3' => 'yesno', '4' => 'quantity');
    $out = array();
    foreach ($rows as $r) {
        $t = (string) $r['optiontype'];
        $quantity = $t === '3' || $t === '4';
        $out[] = array('id' => (int) $r['id'], 'option' => (string) $r['optionname'], 'type' => isset($types[$t]) ? $types[$t] : $t, 'value' => $quantity ? (string) (int) $r['qty'] : devwhmcs_short_name((string) $r['chosen']));
    }
    return $out;
}
