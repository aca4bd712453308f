<?php
/**
 * The client product-details page as WHMCS builds it (whmcs-module-api.md §1.7, §1.9, part 2
 * §2.2, §2.10, §2.11): the module's ClientArea output embedded in a minimal frame, its custom
 * buttons, custom functions through modop=custom, and the ChangePassword form.
 */

/** The service of the logged-in client, or null (WHMCS then redirects: nothing is shown). */
function devwhmcs_owned_service($serviceId)
{
    if (empty($_SESSION['uid'])) {
        return null;
    }
    return db_one(
        'SELECT h.*, p.`name` AS `pname`, g.`name` AS `gname` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` LEFT JOIN `tblproductgroups` g ON g.`id` = p.`gid` WHERE h.`id` = ? AND h.`userid` = ?',
        array((int) $serviceId, (int) $_SESSION['uid'])
    );
}

/** The page's own template variables (WHMCS's product-details variables). */
function devwhmcs_service_template_vars(array $s)
{
    return array_merge(devwhmcs_client_template_vars(), array(
        'serviceid' => (int) $s['id'],
        'id' => (int) $s['id'],
        'domain' => (string) $s['domain'],
        'username' => (string) $s['username'],
        'groupname' => (string) $s['gname'],
        'product' => (string) $s['pname'],
        'regdate' => (string) $s['regdate'],
        'status' => (string) $s['domainstatus'],
        'rawstatus' => strtolower((string) $s['domainstatus']),
        'billingcycle' => (string) $s['billingcycle'],
        'nextduedate' => (string) $s['nextduedate'],
        'dedicatedip' => (string) $s['dedicatedip'],
        'assignedips' => (string) $s['assignedips'],
        'suspendreason' => (string) $s['suspendreason'],
    ));
}

/** Runs a client custom function: null when not allowed, else the function's result. */
function devwhmcs_client_custom($module, array $params, $function)
{
    if (!preg_match('/^[A-Za-z0-9_]+$/', $function) || !in_array($function, devwhmcs_client_functions($module, $params), true)) {
        return null;
    }
    return devwhmcs_run_module_command('custom', (int) $params['serviceid'], $function);
}

/** The module's ClientArea output as HTML: [html, replacesOverview]. */
function devwhmcs_module_client_area($module, array $params, array $pageVars)
{
    $fn = devwhmcs_module_function($module, 'ClientArea');
    if ($fn === null) {
        $tpl = DEVWHMCS_MODULES . '/servers/' . $module . '/clientarea.tpl';
        return array(is_file($tpl) ? devwhmcs_render_module_template('clientarea.tpl', array_merge($pageVars, $params)) : '', false);
    }
    try {
        $r = call_user_func($fn, $params);
    } catch (\Throwable $e) {
        return array('<div class="alert alert-danger" role="alert">' . e($e->getMessage()) . '</div>', false);
    }
    if (is_string($r)) {
        return array($r, false);
    }
    if (!is_array($r)) {
        return array('', false);
    }
    $extra = array();
    foreach (run_hook('ClientAreaProductDetailsPreModuleTemplate', array('serviceid' => $params['serviceid'], 'modulename' => $module, 'domain' => $params['domain'], 'username' => $params['username'])) as $h) {
        if (is_array($h)) {
            $extra = array_merge($extra, $h);
        }
    }
    $vars = isset($r['templateVariables']) && is_array($r['templateVariables']) ? $r['templateVariables'] : (isset($r['vars']) && is_array($r['vars']) ? $r['vars'] : array());
    $vars = array_merge($pageVars, $extra, $vars);
    foreach (array('tabOverviewReplacementTemplate' => true, 'tabOverviewModuleOutputTemplate' => false, 'templatefile' => false) as $key => $replaces) {
        if (!empty($r[$key])) {
            return array(devwhmcs_render_module_template($r[$key], $vars), $replaces);
        }
    }
    return array('', false);
}

/** WHMCS's banner for $modulecustombuttonresult: "success" → moduleactionsuccess, else failed + text. */
function devwhmcs_custom_banner($result, array $LANG)
{
    if ($result === 'success') {
        return '<div class="alert alert-success" role="status">' . e($LANG['moduleactionsuccess']) . '</div>';
    }
    return '<div class="alert alert-danger" role="alert"><strong>' . e($LANG['moduleactionfailed']) . ':</strong> ' . e($result) . '</div>';
}

/** The ClientAreaCustomButtonArray buttons, as POST forms carrying the token (WHMCS 8.13+). */
function devwhmcs_custom_buttons(array $buttons, $serviceId, array $LANG)
{
    if (!$buttons) {
        return '';
    }
    $html = '<section aria-labelledby="actions-title"><h2 id="actions-title">' . e($LANG['actions']) . '</h2>';
    foreach ($buttons as $label => $fn) {
        $html .= '<form class="inline" method="post" action="clientarea.php?action=productdetails&amp;id=' . (int) $serviceId . '">' . generate_token()
            . '<input type="hidden" name="modop" value="custom"><input type="hidden" name="a" value="' . e($fn) . '">'
            . '<button type="submit">' . e($label) . '</button></form> ';
    }
    return $html . '</section>';
}

function devwhmcs_change_password_form($serviceId, array $LANG, $result, $message)
{
    $banner = '';
    if ($result === 'success') {
        $banner = '<div class="alert alert-success" role="status">' . e($LANG['serverchangepasswordsuccessful']) . '</div>';
    } elseif ($result === 'error') {
        $banner = '<div class="alert alert-danger" role="alert">' . e($LANG['serverchangepasswordfailed']) . ': ' . e(strip_tags($message)) . '</div>';
    }
    return '<section id="tabChangepw" aria-labelledby="changepw-title"><h2 id="changepw-title">' . e($LANG['serverchangepassword']) . '</h2>' . $banner
        . '<form method="post" action="clientarea.php?action=productdetails&amp;id=' . (int) $serviceId . '#tabChangepw">' . generate_token()
        . '<input type="hidden" name="id" value="' . (int) $serviceId . '"><input type="hidden" name="modulechangepassword" value="true">'
        . '<p><label for="inputNewPassword1">' . e($LANG['newpassword']) . '</label><br><input type="password" id="inputNewPassword1" name="newpw" autocomplete="new-password"></p>'
        . '<p><label for="inputNewPassword2">' . e($LANG['confirmnewpassword']) . '</label><br><input type="password" id="inputNewPassword2" name="confirmpw" autocomplete="new-password"></p>'
        . '<p><button type="submit">' . e($LANG['clientareasavechanges']) . '</button></p></form></section>';
}

/** The ChangePassword POST: [result 'success'|'error', message]. */
function devwhmcs_client_change_password($serviceId, array $LANG)
{
    $new = req('newpw');
    if ($new === '' || $new !== req('confirmpw')) {
        return array('error', $LANG['clientareaerrorpasswordnotmatch']);
    }
    $r = devwhmcs_run_module_command('changepw', $serviceId, null, array('password' => $new));
    if ($r === 'success') {
        return array('success', '');
    }
    return array('error', is_string($r) ? $r : '');
}
