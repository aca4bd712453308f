<?php
/**
 * $params as WHMCS builds them for a module call (whmcs-module-api.md §1.2, part 2 §4): service,
 * product, client and server, with the service `password` and `serverpassword` decrypted.
 */

/** The part before "|" of WHMCS's "key|Display Name" option and field names. */
function devwhmcs_short_name($name)
{
    $parts = explode('|', (string) $name, 2);
    return trim($parts[0]);
}

/** @return array<string, mixed> the server* keys of one tblservers row (empty server: server=false) */
function devwhmcs_server_params($serverId)
{
    $srv = $serverId ? db_one('SELECT * FROM `tblservers` WHERE `id` = ?', array((int) $serverId)) : null;
    if (!$srv) {
        return array('server' => false, 'serverid' => 0, 'serverip' => '', 'serverhostname' => '', 'serverusername' => '', 'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => false, 'serverhttpprefix' => 'http');
    }
    $secure = $srv['secure'] === 'on';
    $out = array(
        'server' => true,
        'serverid' => (int) $srv['id'],
        'serverip' => (string) $srv['ipaddress'],
        'serverhostname' => (string) $srv['hostname'],
        'serverusername' => (string) $srv['username'],
        'serverpassword' => decrypt($srv['password']),
        'serveraccesshash' => (string) $srv['accesshash'],
        'serversecure' => $secure,
        'serverhttpprefix' => $secure ? 'https' : 'http',
    );
    if ($srv['port'] !== null && (string) $srv['port'] !== '') {
        $out['serverport'] = (string) $srv['port'];
    }
    return $out;
}

/** The first active server of a server group (what WHMCS hands Loader functions for a product). */
function devwhmcs_group_server($groupId)
{
    $row = db_one('SELECT s.`id` FROM `tblservergroupsrel` r JOIN `tblservers` s ON s.`id` = r.`serverid` WHERE r.`groupid` = ? AND s.`disabled` = 0 ORDER BY s.`active` DESC, s.`id` LIMIT 1', array((int) $groupId));
    return $row ? (int) $row['id'] : 0;
}

/** @return array<string, string> configoption1..24 of a product row */
function devwhmcs_configoption_params(array $product)
{
    $out = array();
    for ($i = 1; $i <= 24; $i++) {
        $out['configoption' . $i] = isset($product['configoption' . $i]) ? (string) $product['configoption' . $i] : '';
    }
    return $out;
}

function devwhmcs_clientsdetails(array $c)
{
    return array(
        'id' => (int) $c['id'],
        'userid' => (int) $c['id'],
        'client_id' => (int) $c['id'],
        'uuid' => (string) $c['uuid'],
        'firstname' => (string) $c['firstname'],
        'lastname' => (string) $c['lastname'],
        'fullname' => trim($c['firstname'] . ' ' . $c['lastname']),
        'companyname' => (string) $c['companyname'],
        'email' => (string) $c['email'],
        'address1' => (string) $c['address1'],
        'address2' => (string) $c['address2'],
        'city' => (string) $c['city'],
        'state' => (string) $c['state'],
        'postcode' => (string) $c['postcode'],
        'country' => (string) $c['country'],
        'countrycode' => (string) $c['country'],
        'phonenumber' => (string) $c['phonenumber'],
        'language' => (string) $c['language'],
        'status' => (string) $c['status'],
    );
}

/** @return array<string, string> product custom fields of a service, by short name */
function devwhmcs_customfields($productId, $serviceId)
{
    $rows = db_all(
        "SELECT f.`fieldname`, v.`value` FROM `tblcustomfields` f LEFT JOIN `tblcustomfieldsvalues` v ON v.`fieldid` = f.`id` AND v.`relid` = ? WHERE f.`type` = 'product' AND f.`relid` = ? ORDER BY f.`sortorder`, f.`id`",
        array((int) $serviceId, (int) $productId)
    );
    $out = array();
    foreach ($rows as $r) {
        $out[devwhmcs_short_name($r['fieldname'])] = $r['value'] === null ? '' : (string) $r['value'];
    }
    return $out;
}

/** @return array<string, mixed> configurable options of a service: name => chosen option or quantity */
function devwhmcs_configoptions($productId, $serviceId)
{
    $rows = db_all(
        'SELECT o.`id`, o.`optionname`, o.`optiontype`, h.`optionid`, h.`qty`, s.`optionname` AS `chosen` FROM `tblproductconfiglinks` l'
        . ' JOIN `tblproductconfigoptions` o ON o.`gid` = l.`gid`'
        . ' LEFT JOIN `tblhostingconfigoptions` h ON h.`configid` = o.`id` AND h.`relid` = ?'
        . ' LEFT JOIN `tblproductconfigoptionssub` s ON s.`id` = h.`optionid`'
        . ' WHERE l.`pid` = ? ORDER BY o.`id`',
        array((int) $serviceId, (int) $productId)
    );
    $out = array();
    foreach ($rows as $r) {
        $quantity = in_array((string) $r['optiontype'], array('3', '4'), true);
        $out[devwhmcs_short_name($r['optionname'])] = $quantity ? (int) $r['qty'] : devwhmcs_short_name((string) $r['chosen']);
    }
    return $out;
}

/** @return array<string, mixed>|null WHMCS's $params for a module call about service $serviceId */
function devwhmcs_service_params($serviceId)
{
    $s = db_one('SELECT * FROM `tblhosting` WHERE `id` = ?', array((int) $serviceId));
    if (!$s) {
        return null;
    }
    $p = db_one('SELECT * FROM `tblproducts` WHERE `id` = ?', array((int) $s['packageid']));
    $c = db_one('SELECT * FROM `tblclients` WHERE `id` = ?', array((int) $s['userid']));
    $types = array('hostingaccount' => 'hostingaccount', 'reselleraccount' => 'reselleraccount', 'server' => 'server');
    $type = $p && isset($types[$p['type']]) ? $types[$p['type']] : 'other';
    $params = array(
        'whmcsVersion' => DEVWHMCS_VERSION,
        'accountid' => (int) $s['id'],
        'serviceid' => (int) $s['id'],
        'addonId' => 0,
        'userid' => (int) $s['userid'],
        'packageid' => (int) $s['packageid'],
        'pid' => (int) $s['packageid'],
        'serverid' => (int) $s['server'],
        'status' => (string) $s['domainstatus'],
        'type' => $type,
        'producttype' => $type,
        'moduletype' => $p ? (string) $p['servertype'] : '',
        'domain' => (string) $s['domain'],
        'username' => (string) $s['username'],
        'password' => decrypt($s['password']),
    );
    $params = array_merge($params, devwhmcs_configoption_params($p ? $p : array()));
    $params['customfields'] = devwhmcs_customfields($s['packageid'], $s['id']);
    $params['configoptions'] = devwhmcs_configoptions($s['packageid'], $s['id']);
    $params['clientsdetails'] = $c ? devwhmcs_clientsdetails($c) : array();
    $params = array_merge($params, devwhmcs_server_params((int) $s['server']));
    $params['serverid'] = (int) $s['server'];
    return $params;
}

/**
 * What WHMCS hands ConfigOptions and Loader functions on the product page: the server
 * credentials of the product's server group (its first server), and the module settings.
 */
function devwhmcs_product_params(array $product, $serverGroup = null)
{
    $group = $serverGroup === null ? (int) $product['servergroup'] : (int) $serverGroup;
    $params = devwhmcs_server_params(devwhmcs_group_server($group));
    return array_merge($params, devwhmcs_configoption_params($product));
}
