<?php
/**
 * clientarea.php: the client's services, and action=productdetails&id=SID (module output,
 * custom buttons, modop=custom&a=FN, ChangePassword). Another client's service: WHMCS's refusal,
 * a redirect to clientarea.php with nothing of the service shown.
 */
require_once DEVWHMCS_ROOT . '/lib/clientarea.php';

devwhmcs_client_language_switch();
if (empty($_SESSION['uid'])) {
    devwhmcs_redirect('login.php?goto=' . rawurlencode('clientarea.php' . (isset($_SERVER['QUERY_STRING']) && $_SERVER['QUERY_STRING'] !== '' ? '?' . $_SERVER['QUERY_STRING'] : '')));
}
devwhmcs_require_post_token();
$LANG = devwhmcs_LANG(devwhmcs_client_language());

if (req('action') !== 'productdetails') {
    $rows = db_all('SELECT h.`id`, h.`domain`, h.`domainstatus`, p.`name` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` WHERE h.`userid` = ? ORDER BY h.`id`', array((int) $_SESSION['uid']));
    $list = '';
    foreach ($rows as $r) {
        $list .= '<li><a href="clientarea.php?action=productdetails&amp;id=' . (int) $r['id'] . '">' . e($r['name']) . ' - ' . e($r['domain']) . '</a> (' . e($r['domainstatus']) . ')</li>';
    }
    devwhmcs_send_page($LANG['clientareaproducts'], '<ul class="devwhmcs-services">' . $list . '</ul>', 'client');
}

$service = devwhmcs_owned_service((int) req('id'));
if (!$service) {
    devwhmcs_redirect('clientarea.php');
}
$sid = (int) $service['id'];
$module = devwhmcs_service_module($sid);
$params = devwhmcs_service_params($sid);
$banner = '';

if (req('dosinglesignon') === '1' && devwhmcs_module_function($module, 'ServiceSingleSignOn') !== null) {
    // ServiceSingleSignOn: {success, redirectTo} → redirect; else the errorMsg as a failed banner.
    $r = devwhmcs_call_module($module, 'ServiceSingleSignOn', $params);
    if (is_array($r) && !empty($r['success']) && !empty($r['redirectTo'])) {
        devwhmcs_redirect((string) $r['redirectTo']);
    }
    $banner = devwhmcs_custom_banner(is_array($r) && isset($r['errorMsg']) ? (string) $r['errorMsg'] : 'An unknown error occurred', $LANG);
}

if (req('modop') === 'custom' && req('a') !== '') {
    $result = devwhmcs_client_custom($module, $params, req('a'));
    if ($result === null) {
        $banner = devwhmcs_custom_banner('Function Not Allowed', $LANG);
    } elseif (is_array($result) && !empty($result['templatefile'])) {
        // A custom page: the function's template rendered as the page.
        $vars = array_merge(devwhmcs_service_template_vars($service), isset($result['vars']) && is_array($result['vars']) ? $result['vars'] : array());
        $crumbs = '';
        foreach (isset($result['breadcrumb']) && is_array($result['breadcrumb']) ? $result['breadcrumb'] : array() as $url => $label) {
            $crumbs .= '<li><a href="' . e($url) . '">' . e($label) . '</a></li>';
        }
        $nav = '<nav aria-label="Breadcrumb"><ol class="breadcrumb"><li><a href="clientarea.php?action=productdetails&amp;id=' . $sid . '">' . e($service['pname']) . '</a></li>' . $crumbs . '</ol></nav>';
        devwhmcs_send_page(isset($result['pagetitle']) ? $result['pagetitle'] : $service['pname'], $nav . devwhmcs_render_module_template($result['templatefile'], $vars), 'client');
    } else {
        $banner = devwhmcs_custom_banner(is_string($result) ? $result : 'An unknown error occurred', $LANG);
    }
    $params = devwhmcs_service_params($sid); // the action may have changed the service
    $service = devwhmcs_owned_service($sid);
}

$pwResult = '';
$pwMessage = '';
if (devwhmcs_is_post() && req('modulechangepassword') === 'true' && $service['domainstatus'] === 'Active') {
    list($pwResult, $pwMessage) = devwhmcs_client_change_password($sid, $LANG);
    $params = devwhmcs_service_params($sid);
}

$pageVars = devwhmcs_service_template_vars($service);
list($moduleHtml, $replaces) = in_array($service['domainstatus'], array('Active', 'Suspended'), true)
    ? devwhmcs_module_client_area($module, $params, $pageVars)
    : array('', false);
foreach (run_hook('ClientAreaProductDetailsOutput', array('service' => $service)) as $h) {
    $moduleHtml .= is_string($h) ? $h : '';
}

$statusKey = 'clientarea' . strtolower($service['domainstatus']);
$overview = '<table class="devwhmcs-service"><tr><th scope="row">' . e($LANG['clientareastatus']) . '</th><td class="devwhmcs-status">'
    . e(isset($LANG[$statusKey]) ? $LANG[$statusKey] : $service['domainstatus']) . '</td></tr>'
    . '<tr><th scope="row">' . e($LANG['clientareahostingdomain']) . '</th><td>' . e($service['domain']) . '</td></tr></table>';
$body = $banner . ($replaces ? '' : $overview) . '<div class="module-client-area">' . $moduleHtml . '</div>';
$buttons = devwhmcs_call_module($module, 'ClientAreaCustomButtonArray', $params);
$body .= devwhmcs_custom_buttons(is_array($buttons) ? $buttons : array(), $sid, $LANG);
if (devwhmcs_module_function($module, 'ServiceSingleSignOn') !== null && $service['domainstatus'] === 'Active') {
    $meta = devwhmcs_call_module($module, 'MetaData');
    $label = is_array($meta) && !empty($meta['ServiceSingleSignOnLabel']) ? $meta['ServiceSingleSignOnLabel'] : 'Login to Control Panel';
    $body .= '<p><a class="btn btn-service-sso" href="clientarea.php?action=productdetails&amp;id=' . $sid . '&amp;dosinglesignon=1">' . e($label) . '</a></p>';
}
if (devwhmcs_module_function($module, 'ChangePassword') !== null && $service['domainstatus'] === 'Active') {
    $body .= devwhmcs_change_password_form($sid, $LANG, $pwResult, $pwMessage);
}
devwhmcs_send_page($LANG['clientareaproductdetails'] . ': ' . $service['pname'], $body, 'client');
