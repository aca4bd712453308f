<?php
/**
 * The bodies of the module functions that need more than a forward: product Module Settings
 * (and their save hook), the admin services tab (and its save), and the client pages' JSON action.
 * A refusal that WHMCS gives no way to show at once (the save hooks return nothing) is logged and
 * kept in the session as a one-time notice for the next render of the same page.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Admin
{
    /** One-time notices: kind ('product'|'service') → id → {message, settings?}. */
    public static function flash($kind, $id, array $notice = null)
    {
        if ($notice !== null) {
            $_SESSION['pvebridge_flash'][$kind][(int) $id] = $notice;
            return null;
        }
        if (!isset($_SESSION['pvebridge_flash'][$kind][(int) $id])) {
            return null;
        }
        $found = $_SESSION['pvebridge_flash'][$kind][(int) $id];
        unset($_SESSION['pvebridge_flash'][$kind][(int) $id]);
        return $found;
    }

    private static function field($key, $size, $default, $loader)
    {
        $f = array(
            'FriendlyName' => Lang::t('config.' . $key),
            'Type' => 'text',
            'Size' => $size,
            'Default' => $default,
            'SimpleMode' => true,
            'Description' => Lang::t('config.' . $key . '_desc'),
        );
        if ($loader !== '') {
            $f['Loader'] = $loader;
        }
        return $f;
    }

    /**
     * Module Settings of a product. WHMCS stores these by POSITION in configoption1..N: the order
     * is append-only (1 targetNode, 2 osTemplate, 3 systemDiskStorage, 4 bridge, 5 hosts the
     * settings panel). $pid is 0 off the product page: then no gateway call at all.
     */
    public static function configOptions($pid)
    {
        $panel = Render::note(Lang::t('config.save_first'));
        if ($pid > 0) {
            $notice = self::flash('product', $pid);
            $answer = Shim::bare('ConfigOptions', array('pid' => $pid), array(), array(), Shim::RENDER_TIMEOUT);
            $overrides = $notice && isset($notice['settings']) && is_array($notice['settings']) ? $notice['settings'] : array();
            $panel = ($notice ? Render::error($notice['message']) : '')
                . (is_array($answer) && isset($answer['panel']) && is_array($answer['panel']) ? Render::panel($answer['panel'], $overrides) : Render::error(is_string($answer) ? $answer : Lang::t('error.internal')));
        }
        $fields = array(
            'targetNode' => self::field('target_node', '25', 'automatically', 'pvebridge_LoaderNodes'),
            'osTemplate' => self::field('os_template', '25', '', 'pvebridge_LoaderTemplates'),
            'systemDiskStorage' => self::field('system_disk_storage', '25', '', 'pvebridge_LoaderStorages'),
            'bridge' => self::field('bridge', '25', 'vmbr0', 'pvebridge_LoaderBridges'),
        );
        $fields['settingsPanel'] = array('FriendlyName' => Lang::t('config.settings_panel'), 'Type' => 'text', 'Size' => '1', 'Default' => '', 'SimpleMode' => true, 'Description' => $panel);
        return $fields;
    }

    /**
     * AdminProductConfigFieldsSave: the panel's pvebridge_settings[...] go to the gateway. A refusal
     * loses nothing silently: it is logged, and the product page shows it next time with the
     * values the admin entered, ready to correct and save again.
     */
    public static function saveProductSettings($pid)
    {
        $posted = isset($_POST['pvebridge_settings']) && is_array($_POST['pvebridge_settings']) ? $_POST['pvebridge_settings'] : null;
        if ((int) $pid <= 0 || $posted === null) {
            return;
        }
        $settings = array();
        foreach ($posted as $key => $value) {
            $settings[(string) $key] = is_string($value) ? $value : '';
        }
        $answer = Shim::bare('SaveProductSettings', array('pid' => (int) $pid), array('settings' => (object) $settings));
        if (is_array($answer)) {
            return;
        }
        $message = Lang::t('config.save_refused', array('reason' => $answer));
        if (function_exists('logActivity')) {
            logActivity('pvebridge: product #' . (int) $pid . ' settings not saved: ' . $answer);
        }
        // Secrets typed into the form are not kept in the session.
        foreach ($settings as $key => $value) {
            if (stripos($key, 'password') !== false || stripos($key, 'secret') !== false || stripos($key, 'token') !== false) {
                unset($settings[$key]);
            }
        }
        self::flash('product', $pid, array('message' => $message, 'settings' => $settings));
    }

    /** The admin services tab: the gateway's rows, reverse DNS, the Console button. */
    public static function tabFields(array $params)
    {
        $serviceId = isset($params['serviceid']) ? (int) $params['serviceid'] : 0;
        $notice = self::flash('service', $serviceId);
        $answer = Shim::bare('AdminServicesTabFields', $params, array(), array(), Shim::RENDER_TIMEOUT);
        $problems = ($notice ? Render::error($notice['message']) : '') . (is_array($answer) ? '' : Render::error($answer));
        $rows = $problems !== '' ? array('pvebridge' => $problems) : array();
        if (is_array($answer)) {
            $rows = array_merge($rows, Render::tab($answer));
        }
        $rows[Lang::t('tab.console')] = Render::consoleButton(self::commandUrl($params, 'Console'), $serviceId);
        return $rows;
    }

    /**
     * Where the service page runs a module command, as WHMCS's own Module Commands buttons do
     * (whmcs-module-api.md 1.9 marks this URL as observed, not documented).
     */
    public static function commandUrl(array $params, $command)
    {
        $query = array(
            'userid' => isset($params['userid']) ? (int) $params['userid'] : 0,
            'id' => isset($params['serviceid']) ? (int) $params['serviceid'] : 0,
            'modop' => 'custom',
            'ac' => $command,
        );
        if (function_exists('generate_token')) {
            $query['token'] = generate_token('plain');
        }
        return 'clientsservices.php?' . http_build_query($query);
    }

    /** Posts only the reverse DNS names that changed (each input has its original beside it). */
    public static function tabFieldsSave(array $params)
    {
        $posted = isset($_POST['pvebridge_rdns']) && is_array($_POST['pvebridge_rdns']) ? $_POST['pvebridge_rdns'] : array();
        $original = isset($_POST['pvebridge_rdns_orig']) && is_array($_POST['pvebridge_rdns_orig']) ? $_POST['pvebridge_rdns_orig'] : array();
        $changed = array();
        foreach ($posted as $ip => $name) {
            $name = is_string($name) ? trim($name) : '';
            $was = isset($original[$ip]) && is_string($original[$ip]) ? trim($original[$ip]) : null;
            if ($was === null || $was !== $name) {
                $changed[(string) $ip] = $name;
            }
        }
        if (!$changed) {
            return;
        }
        $result = Shim::serviceAction('AdminServicesTabFieldsSave', $params, false, array('rdns' => (object) $changed));
        if ($result === 'success') {
            return;
        }
        $serviceId = isset($params['serviceid']) ? (int) $params['serviceid'] : 0;
        if (function_exists('logActivity')) {
            logActivity('pvebridge: service #' . $serviceId . ' reverse DNS not saved: ' . $result);
        }
        self::flash('service', $serviceId, array('message' => Lang::t('tab.rdns_failed', array('reason' => $result))));
    }

    /** The client JSON action (see pvebridge_ClientApi). Always ends the request. */
    public static function clientApi(array $params)
    {
        $method = isset($_SERVER['REQUEST_METHOD']) ? strtoupper((string) $_SERVER['REQUEST_METHOD']) : 'POST';
        if ($method !== 'POST') {
            Shim::sendJson(405, array('ok' => false, 'error' => array('key' => 'error.validation', 'message' => Lang::t('error.validation'))));
        }
        if (function_exists('check_token') && !check_token('WHMCS.default')) {
            Shim::sendJson(403, array('ok' => false, 'error' => array('key' => 'error.session', 'message' => Lang::t('error.session'))));
        }
        $op = isset($_POST['op']) && is_string($_POST['op']) ? $_POST['op'] : '';
        $args = isset($_POST['args']) && is_string($_POST['args']) ? json_decode($_POST['args'], true) : array();
        if (!preg_match('/^[a-z][A-Za-z]{0,39}$/', $op) || !is_array($args)) {
            Shim::sendJson(400, array('ok' => false, 'error' => array('key' => 'error.validation', 'message' => Lang::t('error.validation'))));
        }
        $payload = array('actor' => Shim::actor(true), 'params' => Shim::params($params), 'op' => $op, 'args' => (object) $args);
        $r = Shim::call('ClientApi', $payload, $params, array(), Shim::RENDER_TIMEOUT);
        if ($r['ok']) {
            Shim::sendJson(200, array('ok' => true, 'data' => $r['data']));
        }
        $status = $r['status'] >= 400 && $r['status'] < 500 ? $r['status'] : 503;
        Shim::sendJson($status, array('ok' => false, 'error' => array('key' => $r['key'], 'message' => Shim::failureText($r, Shim::actsAsClient($payload)))));
    }
}
