<?php
/**
 * HTML for the admin pages, built from what the gateway describes. Every value is escaped; every
 * text of our own comes from Lang.
 */

namespace WHMCS\Module\Server\Pvebridge;

class Render
{
    public static function e($value)
    {
        if (is_bool($value)) {
            $value = $value ? '1' : '0';
        }
        return htmlspecialchars((string) $value, ENT_QUOTES, 'UTF-8');
    }

    public static function note($message)
    {
        return '<span class="help-block pvebridge-note">' . self::e($message) . '</span>';
    }

    public static function error($message)
    {
        return '<div class="alert alert-danger pvebridge-error">' . self::e($message) . '</div>';
    }

    /**
     * The product settings panel: one fieldset per section, inputs named pvebridge_settings[key].
     * $overrides are values the admin entered in a save the gateway refused (shown again to fix).
     */
    public static function panel(array $panel, array $overrides = array())
    {
        $html = '<div class="pvebridge-panel" data-product="' . self::e($panel['productId']) . '">';
        $html .= '<p class="help-block">' . self::e($panel['note']) . '</p>';
        foreach ($panel['sections'] as $section) {
            $html .= '<fieldset><legend>' . self::e($section['title']) . '</legend><table class="form">';
            foreach ($section['fields'] as $field) {
                if (array_key_exists($field['key'], $overrides)) {
                    $field['value'] = $field['type'] === 'yesno' ? $overrides[$field['key']] === 'on' : $overrides[$field['key']];
                }
                // <label for>: every control has an accessible name.
                $html .= '<tr><td class="fieldlabel"><label for="' . self::fieldId($field['key']) . '">' . self::e($field['label']) . '</label></td><td class="fieldarea">' . self::input($field) . '</td></tr>';
            }
            $html .= '</table></fieldset>';
        }
        return $html . '</div>';
    }

    private static function fieldId($key)
    {
        return 'pvebridge-setting-' . self::e(preg_replace('/[^A-Za-z0-9_-]/', '_', (string) $key));
    }

    private static function input(array $f)
    {
        $name = 'pvebridge_settings[' . self::e($f['key']) . ']';
        $id = ' id="' . self::fieldId($f['key']) . '"';
        $shown = is_bool($f['default']) ? Lang::t($f['default'] ? 'config.on' : 'config.off') : $f['default'];
        $default = ' <span class="text-muted">' . self::e(Lang::t('config.default', array('value' => $shown))) . '</span>';
        switch ($f['type']) {
            case 'yesno':
                // The hidden '' posts "off" when the box is unticked.
                return '<input type="hidden" name="' . $name . '" value="">'
                    . '<input type="checkbox"' . $id . ' name="' . $name . '" value="on"' . ($f['value'] ? ' checked' : '') . '>' . $default;
            case 'dropdown':
                $html = '<select' . $id . ' name="' . $name . '" class="form-control select-inline">';
                foreach ($f['options'] as $value => $label) {
                    $selected = (string) $value === (string) $f['value'] ? ' selected' : '';
                    $html .= '<option value="' . self::e($value) . '"' . $selected . '>' . self::e($label) . '</option>';
                }
                return $html . '</select>' . $default;
            case 'password':
                return '<input type="password"' . $id . ' name="' . $name . '" value="' . self::e($f['value']) . '" autocomplete="off" class="form-control input-inline">';
            case 'number':
                $limits = (isset($f['min']) ? ' min="' . self::e($f['min']) . '"' : '') . (isset($f['max']) ? ' max="' . self::e($f['max']) . '"' : '');
                return '<input type="number"' . $id . ' step="any" name="' . $name . '" value="' . self::e($f['value']) . '"' . $limits . ' class="form-control input-inline">' . $default;
            default:
                return '<input type="text"' . $id . ' name="' . $name . '" value="' . self::e($f['value']) . '" class="form-control input-inline">' . $default;
        }
    }

    /** The window a service's console opens in: one per service, reused on the next click. */
    public static function consoleWindow($serviceId)
    {
        return 'pvebridge-console-' . (int) $serviceId;
    }

    /** A value for inline JavaScript: JSON with <, >, &, ' and " escaped, safe inside HTML. */
    private static function js($value)
    {
        return (string) json_encode($value, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES);
    }

    /**
     * The service tab's Console button. The click itself opens the 800×600 window (so no popup
     * blocker intervenes) on the admin Console command, which then sends that window on to the
     * one-time link (consolePage).
     */
    public static function consoleButton($commandUrl, $serviceId)
    {
        $open = 'window.open(this.getAttribute(\'data-href\'), ' . self::js(self::consoleWindow($serviceId)) . ', \'width=800,height=600\'); return false;';
        return '<button type="button" class="btn btn-default pvebridge-console" data-href="' . self::e($commandUrl) . '" onclick="' . self::e($open) . '">' . self::e(Lang::t('tab.console')) . '</button>'
            . ' <span class="text-muted">' . self::e(Lang::t('tab.console_hint')) . '</span>';
    }

    /**
     * The answer of the admin Console command: in the console window (opened by consoleButton)
     * it goes straight on to the link; from the Module Commands button it opens the 800×600
     * window itself, and if the browser blocks that, the link does it on a click.
     */
    public static function consolePage(array $link, $serviceId)
    {
        $width = isset($link['window']['width']) ? (int) $link['window']['width'] : 800;
        $height = isset($link['window']['height']) ? (int) $link['window']['height'] : 600;
        $features = 'width=' . $width . ',height=' . $height;
        return '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>' . self::e(Lang::t('console.title')) . '</title></head><body>'
            . '<p class="pvebridge-console">' . self::e(Lang::t('console.admin_note')) . ' '
            . '<a id="pvebridge-console" href="' . self::e($link['url']) . '" target="' . self::e(self::consoleWindow($serviceId)) . '" rel="noreferrer">' . self::e(Lang::t('console.open')) . '</a>.</p>'
            . '<script>(function () {'
            . 'var url = ' . self::js($link['url']) . ', name = ' . self::js(self::consoleWindow($serviceId)) . ', features = ' . self::js($features) . ';'
            . 'if (window.name === name) { window.location.replace(url); return; }'
            . 'var a = document.getElementById("pvebridge-console");'
            . 'a.onclick = function () { window.open(url, name, features); return false; };'
            . 'if (window.open(url, name, features)) { a.parentNode.textContent = ' . self::js(Lang::t('console.opened')) . '; }'
            . '})();</script></body></html>';
    }

    /** Rows of the admin service tab: label => HTML. Each rDNS input carries its original, so only changes are saved. */
    public static function tab(array $data)
    {
        $rows = array();
        foreach ($data['rows'] as $row) {
            // Translated when the gateway names the keys; its English label/value otherwise.
            $label = isset($row['key']) && Lang::has($row['key']) ? Lang::t($row['key']) : $row['label'];
            $value = $row['value'];
            if (isset($row['text']['key']) && Lang::has($row['text']['key'])) {
                $value = Lang::t($row['text']['key'], isset($row['text']['args']) && is_array($row['text']['args']) ? $row['text']['args'] : array());
                if (!empty($row['text']['detail']) && Lang::has($row['text']['detail'])) {
                    $value .= ' — ' . Lang::t($row['text']['detail']);
                }
            }
            $rows[$label] = self::e($value);
        }
        if (!empty($data['rdns'])) {
            $html = '<table class="pvebridge-rdns">';
            foreach ($data['rdns'] as $i => $entry) {
                $id = 'pvebridge-rdns-' . (int) $i;
                $html .= '<tr><td><label for="' . $id . '">' . self::e($entry['ip']) . '</label></td><td><input type="text" class="form-control input-inline" id="' . $id . '"'
                    . ' name="pvebridge_rdns[' . self::e($entry['ip']) . ']" value="' . self::e($entry['ptr']) . '">'
                    . '<input type="hidden" name="pvebridge_rdns_orig[' . self::e($entry['ip']) . ']" value="' . self::e($entry['ptr']) . '"></td></tr>';
            }
            $rows[Lang::t('tab.rdns')] = $html . '</table>';
        }
        return $rows;
    }

    /** The server list's link to the Proxmox VE web UI (GET, no credentials: the admin logs in there). */
    public static function adminLink(array $params)
    {
        $host = isset($params['serverhostname']) && $params['serverhostname'] !== '' ? (string) $params['serverhostname'] : (isset($params['serverip']) ? (string) $params['serverip'] : '');
        if ($host === '') {
            return '';
        }
        $port = isset($params['serverport']) && (int) $params['serverport'] > 0 ? (int) $params['serverport'] : 8006;
        $url = 'https://' . (strpos($host, ':') !== false && $host[0] !== '[' ? '[' . $host . ']' : $host) . ':' . $port . '/';
        return '<a class="btn btn-default btn-sm pvebridge-adminlink" href="' . self::e($url) . '" target="_blank" rel="noopener noreferrer">' . self::e(Lang::t('adminlink.open')) . '</a>';
    }
}
