<?php
/**
 * Running module functions the way WHMCS does: $params built from the database, the
 * PreModule<Action> hooks (override params or abort), the call, on 'success' the status change
 * WHMCS makes and the AfterModule<Action> hook, on failure AfterModule<Action>Failed, and an
 * activity log line either way. A function that prints and exits ends the request as it would
 * inside WHMCS (its output reaches the browser as is).
 */

/** Core actions: [hook suffix, module function, status on success or null]. */
function devwhmcs_core_actions()
{
    return array(
        'create' => array('Create', 'CreateAccount', 'Active'),
        'suspend' => array('Suspend', 'SuspendAccount', 'Suspended'),
        'unsuspend' => array('Unsuspend', 'UnsuspendAccount', 'Active'),
        'terminate' => array('Terminate', 'TerminateAccount', 'Terminated'),
        'changepackage' => array('ChangePackage', 'ChangePackage', null),
        'changepw' => array('ChangePassword', 'ChangePassword', null),
        'renew' => array('Renew', 'Renew', null),
    );
}

/** The module of a service's product (tblproducts.servertype), or '' when it has none. */
function devwhmcs_service_module($serviceId)
{
    $row = db_one('SELECT p.`servertype` FROM `tblhosting` h JOIN `tblproducts` p ON p.`id` = h.`packageid` WHERE h.`id` = ?', array((int) $serviceId));
    return $row ? (string) $row['servertype'] : '';
}

function devwhmcs_module_function($module, $function)
{
    $name = $module . '_' . $function;
    return $module !== '' && function_exists($name) ? $name : null;
}

/** A module function with no service (buttons, MetaData, ConfigOptions, Loaders): its result, or null. */
function devwhmcs_call_module($module, $function, array $params = array())
{
    $fn = devwhmcs_module_function($module, $function);
    return $fn === null ? null : call_user_func($fn, $params);
}

/** Applies PreModule<Hook> results; returns the (possibly overridden) params, or false on abort. */
function devwhmcs_pre_hooks($hook, array $params)
{
    foreach (run_hook('PreModule' . $hook, array('params' => $params)) as $r) {
        if (is_array($r) && !empty($r['abortcmd'])) {
            return false;
        }
        if (is_array($r)) {
            $params = array_merge($params, $r);
        }
    }
    return $params;
}

/**
 * Runs core action $action ('create', 'suspend', …) or, with $custom, custom function $custom,
 * for service $serviceId. Returns 'success', an error string, or (custom functions) whatever
 * the function returned (an array for a custom page).
 *
 * @return mixed
 */
function devwhmcs_run_module_command($action, $serviceId, $custom = null, array $overrides = array())
{
    $params = devwhmcs_service_params($serviceId);
    if ($params === null) {
        return 'Service ID not found';
    }
    $module = devwhmcs_service_module($serviceId);
    $actions = devwhmcs_core_actions();
    if ($custom !== null) {
        list($hook, $function, $status) = array('Custom', $custom, null);
    } elseif (isset($actions[$action])) {
        list($hook, $function, $status) = $actions[$action];
    } else {
        return 'Invalid module command';
    }
    $fn = devwhmcs_module_function($module, $function);
    if ($module === '' || $fn === null) {
        return $module === '' ? 'Service not assigned to a module' : 'Function Not Supported by Module';
    }
    if ($action === 'create' && (string) $params['password'] === '') {
        // WHMCS generates a 10-character password on first create.
        $params['password'] = devwhmcs_random_password();
        db_update('tblhosting', array('password' => encrypt($params['password'])), array('id' => (int) $serviceId));
    }
    $oldPassword = (string) $params['password'];
    $params = devwhmcs_pre_hooks($hook, array_merge($params, $overrides));
    if ($params === false) {
        return 'Function Aborted by Action Hook Code';
    }
    try {
        $result = call_user_func($fn, $params);
    } catch (\Throwable $e) {
        $result = $e->getMessage();
    }
    $label = $custom !== null ? 'Custom Module Command (' . $custom . ')' : $hook;
    if ($result === 'success') {
        if ($status !== null) {
            $update = array('domainstatus' => $status);
            if ($action === 'suspend') {
                $update['suspendreason'] = isset($overrides['suspendreason']) ? (string) $overrides['suspendreason'] : '';
            }
            db_update('tblhosting', $update, array('id' => (int) $serviceId));
        }
        if ($action === 'changepw') {
            // WHMCS stores the new password itself (encrypted) once the module accepted it.
            db_update('tblhosting', array('password' => encrypt($params['password'])), array('id' => (int) $serviceId));
            run_hook('AfterModuleChangePassword', array('serviceid' => (int) $serviceId, 'oldpassword' => $oldPassword, 'newpassword' => $params['password']));
        } else {
            run_hook('AfterModule' . $hook, array('params' => $params));
        }
        logActivity('Module ' . $label . ' Successful - Service ID: ' . (int) $serviceId, (int) $params['userid']);
    } elseif (is_string($result)) {
        run_hook('AfterModule' . $hook . 'Failed', array('params' => $params, 'failureResponseMessage' => $result));
        logActivity('Module ' . $label . ' Failed - Service ID: ' . (int) $serviceId . ' - Error: ' . $result, (int) $params['userid']);
    }
    return $result;
}

function devwhmcs_random_password()
{
    $chars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    $out = '';
    for ($i = 0; $i < 10; $i++) {
        $out .= $chars[random_int(0, strlen($chars) - 1)];
    }
    return $out;
}

/** The function names a client may invoke: ClientAreaAllowedFunctions + ClientAreaCustomButtonArray. */
function devwhmcs_client_functions($module, array $params)
{
    $out = array();
    foreach (array('ClientAreaAllowedFunctions', 'ClientAreaCustomButtonArray') as $list) {
        $r = devwhmcs_call_module($module, $list, $params);
        if (is_array($r)) {
            foreach ($r as $fn) {
                if (is_string($fn)) {
                    $out[] = $fn;
                }
            }
        }
    }
    return array_values(array_unique($out));
}
