<?php
/**
 * SendEmail as WHMCS does it: the template by `messagename` (tblemailtemplates.name; the client's
 * language row if there is one, else the default row with language ''), or a custom message
 * (`customtype` + `customsubject` + `custommessage`); merge fields for the related id (the
 * service for product templates, the client for general ones) plus `customvars`, rendered with
 * Smarty. "Sending" = a tblemails row with the rendered subject and message for that client.
 */

function devwhmcs_api_send_email(array $v)
{
    $name = isset($v['messagename']) ? (string) $v['messagename'] : '';
    $custom = isset($v['customtype']) ? (string) $v['customtype'] : '';
    if ($name === '' && $custom === '') {
        return devwhmcs_api_error('You must provide either an existing email template name or a custom message type');
    }
    if (empty($v['id'])) {
        return devwhmcs_api_error('A related ID is required');
    }
    $related = (int) $v['id'];
    if ($name !== '') {
        $rows = db_all('SELECT * FROM `tblemailtemplates` WHERE `name` = ?', array($name));
        if (!$rows) {
            return devwhmcs_api_error('Email Template not found');
        }
        $type = (string) $rows[0]['type'];
    } else {
        if (!in_array($custom, array('general', 'product', 'domain', 'invoice', 'support', 'affiliate'), true)) {
            return devwhmcs_api_error('Invalid message type provided');
        }
        if (empty($v['customsubject'])) {
            return devwhmcs_api_error('A subject is required for a custom message');
        }
        if (empty($v['custommessage'])) {
            return devwhmcs_api_error('A message body is required for a custom message');
        }
        $type = $custom;
        $rows = array();
    }
    $fields = devwhmcs_merge_fields($type, $related);
    if ($fields === null) {
        return devwhmcs_api_error($type === 'product' ? 'Service ID not found' : 'Client ID not found');
    }
    $template = $rows ? devwhmcs_template_for_language($rows, (string) $fields['client_language']) : array('subject' => $v['customsubject'], 'message' => $v['custommessage'], 'disabled' => 0);
    if (!empty($template['disabled'])) {
        return devwhmcs_api_error('Email Template is disabled');
    }
    $extra = devwhmcs_customvars(isset($v['customvars']) ? $v['customvars'] : null);
    if ($extra === null) {
        return devwhmcs_api_error('The custom variables you provided are invalid.');
    }
    $fields = array_merge($fields, $extra);
    db_insert('tblemails', array(
        'userid' => (int) $fields['client_id'],
        'subject' => devwhmcs_render_mail((string) $template['subject'], $fields),
        'message' => devwhmcs_render_mail((string) $template['message'], $fields),
        'date' => db_now(),
        'to' => (string) $fields['client_email'],
        'created_at' => db_now(),
        'updated_at' => db_now(),
    ));
    return array('result' => 'success');
}

function devwhmcs_template_for_language(array $rows, $language)
{
    foreach ($rows as $r) {
        if ($language !== '' && strtolower((string) $r['language']) === $language) {
            return $r;
        }
    }
    foreach ($rows as $r) {
        if ((string) $r['language'] === '') {
            return $r;
        }
    }
    return $rows[0];
}

/** customvars: an array, or base64 of a serialized array (both forms seen in WHMCS's docs). */
function devwhmcs_customvars($raw)
{
    if ($raw === null || $raw === '') {
        return array();
    }
    if (is_array($raw)) {
        return $raw;
    }
    $decoded = base64_decode((string) $raw, true);
    $vars = $decoded === false ? false : @unserialize($decoded, array('allowed_classes' => false));
    return is_array($vars) ? $vars : null;
}

/** @return array<string, mixed>|null WHMCS's merge fields for a product (service) or general (client) mail */
function devwhmcs_merge_fields($type, $relatedId)
{
    $service = null;
    if ($type === 'product') {
        $service = db_one(
            'SELECT h.*, p.`name` AS `pname`, s.`hostname` AS `shost`, s.`ipaddress` AS `sip` FROM `tblhosting` h LEFT JOIN `tblproducts` p ON p.`id` = h.`packageid` LEFT JOIN `tblservers` s ON s.`id` = h.`server` WHERE h.`id` = ?',
            array($relatedId)
        );
        if (!$service) {
            return null;
        }
        $clientId = (int) $service['userid'];
    } else {
        $clientId = $relatedId;
    }
    $c = db_one('SELECT * FROM `tblclients` WHERE `id` = ?', array($clientId));
    if (!$c) {
        return null;
    }
    $f = array(
        'client_id' => (int) $c['id'],
        'client_name' => trim($c['firstname'] . ' ' . $c['lastname']),
        'client_first_name' => (string) $c['firstname'],
        'client_last_name' => (string) $c['lastname'],
        'client_email' => (string) $c['email'],
        'client_language' => strtolower((string) $c['language']),
        'signature' => 'pvebridge dev WHMCS',
        'whmcs_url' => (string) devwhmcs_config('systemUrl'),
        'whmcs_admin_url' => rtrim((string) devwhmcs_config('systemUrl'), '/') . '/admin/',
    );
    if ($service) {
        $f += array(
            'service_id' => (int) $service['id'],
            'service_product_name' => (string) $service['pname'],
            'service_domain' => (string) $service['domain'],
            'service_username' => (string) $service['username'],
            'service_password' => decrypt($service['password']),
            'service_dedicated_ip' => (string) $service['dedicatedip'],
            'service_assigned_ips' => (string) $service['assignedips'],
            'service_server_hostname' => (string) $service['shost'],
            'service_server_ip' => (string) $service['sip'],
            'service_billing_cycle' => (string) $service['billingcycle'],
            'service_next_due_date' => (string) $service['nextduedate'],
            'service_status' => (string) $service['domainstatus'],
        );
    }
    return $f;
}

/** Email bodies under WHMCS's mail policy: few modifiers, no PHP functions beyond a short list. */
function devwhmcs_render_mail($template, array $fields)
{
    $smarty = devwhmcs_smarty();
    $policy = new Smarty_Security($smarty);
    $policy->php_modifiers = array('escape', 'count', 'urlencode', 'ucfirst', 'date_format', 'nl2br');
    $policy->php_functions = array('isset', 'empty', 'count', 'sizeof', 'in_array', 'is_array', 'time', 'nl2br');
    $policy->static_classes = null;
    $policy->streams = null;
    $smarty->enableSecurity($policy);
    foreach ($fields as $k => $val) {
        $smarty->assign($k, $val);
    }
    return $smarty->fetch('string:' . $template);
}
