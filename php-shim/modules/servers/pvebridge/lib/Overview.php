<?php
/**
 * The client overview page (the page pattern's first page): the template variables for
 * templates/overview.tpl from the gateway's overview data (the overview data contract), with
 * every text translated. assets/overview.js formats the same way when it polls
 * (op `overview` of the ClientApi), so what PHP renders and what the script updates agree.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Overview
{
    /** Keys (and "prefix." groups) the page script reads. */
    const SCRIPT_KEYS = array('state.', 'activity.', 'power.', 'overview.', 'error.', 'button.');

    /** Poll interval of the page script, ms. */
    const POLL_MS = 5000;

    public static function bytes($n)
    {
        $units = array('B', 'KiB', 'MiB', 'GiB', 'TiB');
        $i = 0;
        $n = (float) $n;
        while ($n >= 1024 && $i < count($units) - 1) {
            $n /= 1024;
            $i++;
        }
        return ($i === 0 ? (string) (int) $n : number_format($n, $n < 10 ? 1 : 0)) . ' ' . $units[$i];
    }

    private static function num($vars, $key)
    {
        return isset($vars[$key]) && is_numeric($vars[$key]) ? (float) $vars[$key] : null;
    }

    /** The texts of one overview answer. */
    public static function texts(array $vars)
    {
        $state = isset($vars['state']) ? (string) $vars['state'] : 'none';
        $power = isset($vars['power']) ? (string) $vars['power'] : 'unknown';
        $activity = isset($vars['activity']['key']) ? Lang::t((string) $vars['activity']['key'], isset($vars['activity']['args']) && is_array($vars['activity']['args']) ? $vars['activity']['args'] : array()) : Lang::t('activity.ready');
        $uptime = self::num($vars, 'uptime');
        $cpu = self::num($vars, 'cpu');
        $mem = self::num($vars, 'mem');
        $maxmem = self::num($vars, 'maxmem');
        $age = self::num($vars, 'ageSeconds');
        return array(
            'state' => Lang::t(isset($vars['stateKey']) ? (string) $vars['stateKey'] : 'state.' . $state),
            'power' => Lang::t('power.' . $power),
            'activity' => $activity,
            'uptime' => $uptime === null ? '—' : Lang::t('overview.uptime_value', array(
                'days' => (int) floor($uptime / 86400),
                'hours' => (int) floor(fmod($uptime, 86400) / 3600),
                'minutes' => (int) floor(fmod($uptime, 3600) / 60),
            )),
            'cpu' => $cpu === null ? '—' : Lang::t('overview.cpu_value', array('percent' => (int) round($cpu * 100), 'cpus' => (int) self::num($vars, 'cpus'))),
            'memory' => $mem === null || $maxmem === null ? '—' : Lang::t('overview.memory_value', array('used' => self::bytes($mem), 'total' => self::bytes($maxmem))),
            'age' => $age === null ? Lang::t('overview.age_none') : Lang::t('overview.age_value', array('seconds' => (int) $age)),
            'node' => isset($vars['node']) && $vars['node'] !== null ? (string) $vars['node'] : '—',
            'vmid' => isset($vars['vmid']) && $vars['vmid'] !== null ? (string) $vars['vmid'] : '—',
            'hostname' => isset($vars['hostname']) ? (string) $vars['hostname'] : '',
            'ips' => isset($vars['ips']) && is_array($vars['ips']) ? array_values(array_map('strval', $vars['ips'])) : array(),
            'vanished' => !empty($vars['vanished']),
        );
    }

    /** The buttons the product grants, each enabled only when the live state allows it. */
    public static function buttons(array $vars)
    {
        $permissions = isset($vars['permissions']) && is_array($vars['permissions']) ? $vars['permissions'] : array();
        $ready = !empty($vars['ready']);
        $power = isset($vars['power']) ? (string) $vars['power'] : 'unknown';
        $out = array();
        foreach (Commands::clientButtons() as $b) {
            if (empty($permissions[$b['permission']])) {
                continue;
            }
            $out[] = array(
                'fn' => $b['fn'],
                'label' => Lang::t($b['key']),
                'needs' => $b['needs'],
                'enabled' => $ready && ($b['needs'] === 'any' || $b['needs'] === $power),
            );
        }
        return $out;
    }

    /** The service's pages (modop=custom&a=FN) by the permission that grants each. */
    const PAGES = array(
        array('fn' => 'ISO', 'key' => 'iso.title', 'permission' => 'isoMount'),
        array('fn' => 'ReverseDNS', 'key' => 'rdns.title', 'permission' => 'revDns'),
    );

    /** Links to the pages the product grants; a page it does not grant has no link (and is Access Denied). */
    public static function pages(array $vars, $serviceId)
    {
        $permissions = isset($vars['permissions']) && is_array($vars['permissions']) ? $vars['permissions'] : array();
        $out = array();
        foreach (self::PAGES as $p) {
            if (!empty($permissions[$p['permission']])) {
                $out[] = array('fn' => $p['fn'], 'label' => Lang::t($p['key']), 'url' => 'clientarea.php?action=productdetails&id=' . (int) $serviceId . '&modop=custom&a=' . $p['fn']);
            }
        }
        return $out;
    }

    /** Everything templates/overview.tpl uses. */
    public static function templateVariables(array $vars, array $params)
    {
        $serviceId = isset($vars['serviceId']) ? (int) $vars['serviceId'] : (int) $params['serviceid'];
        return array(
            'pvbLang' => Lang::strings(),
            'pvb' => self::texts($vars),
            'pvbButtons' => self::buttons($vars),
            'pvbPages' => self::pages($vars, $serviceId),
            'pvbServiceId' => $serviceId,
            'pvbLangJson' => Lang::json(self::SCRIPT_KEYS),
            'pvbDataJson' => (string) json_encode($vars, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES),
            'pvbPollMs' => self::POLL_MS,
        );
    }

    /** The page when the gateway could not answer: the translated message, no internal detail. */
    public static function errorVariables($message)
    {
        return array('pvbLang' => Lang::strings(), 'pvbError' => $message);
    }
}
