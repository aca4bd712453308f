<?php
/**
 * HTML for the admin pages, built from what the gateway describes. Every value is escaped.
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

    public static function error($message)
    {
        return '<div class="alert alert-danger pvebridge-error">' . self::e($message) . '</div>';
    }

    /** The product settings panel: one fieldset per section, inputs named pvebridge_settings[key]. */
    public static function panel(array $panel)
    {
        $html = '<div class="pvebridge-panel" data-product="' . self::e($panel['productId']) . '">';
        $html .= '<p class="help-block">' . self::e($panel['note']) . '</p>';
        foreach ($panel['sections'] as $section) {
            $html .= '<fieldset><legend>' . self::e($section['title']) . '</legend><table class="form">';
            foreach ($section['fields'] as $field) {
                $html .= '<tr><td class="fieldlabel">' . self::e($field['label']) . '</td><td class="fieldarea">' . self::input($field) . '</td></tr>';
            }
            $html .= '</table></fieldset>';
        }
        return $html . '</div>';
    }

    private static function input(array $f)
    {
        $name = 'pvebridge_settings[' . self::e($f['key']) . ']';
        $default = ' <span class="text-muted">default: ' . self::e(is_bool($f['default']) ? ($f['default'] ? 'on' : 'off') : $f['default']) . '</span>';
        switch ($f['type']) {
            case 'yesno':
                // The hidden '' posts "off" when the box is unticked.
                return '<input type="hidden" name="' . $name . '" value="">'
                    . '<input type="checkbox" name="' . $name . '" value="on"' . ($f['value'] ? ' checked' : '') . '>' . $default;
            case 'dropdown':
                $html = '<select name="' . $name . '" class="form-control select-inline">';
                foreach ($f['options'] as $value => $label) {
                    $selected = (string) $value === (string) $f['value'] ? ' selected' : '';
                    $html .= '<option value="' . self::e($value) . '"' . $selected . '>' . self::e($label) . '</option>';
                }
                return $html . '</select>' . $default;
            case 'password':
                return '<input type="password" name="' . $name . '" value="' . self::e($f['value']) . '" autocomplete="off" class="form-control input-inline">';
            case 'number':
                $limits = (isset($f['min']) ? ' min="' . self::e($f['min']) . '"' : '') . (isset($f['max']) ? ' max="' . self::e($f['max']) . '"' : '');
                return '<input type="number" step="any" name="' . $name . '" value="' . self::e($f['value']) . '"' . $limits . ' class="form-control input-inline">' . $default;
            default:
                return '<input type="text" name="' . $name . '" value="' . self::e($f['value']) . '" class="form-control input-inline">' . $default;
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
        return '<button type="button" class="btn btn-default pvebridge-console" data-href="' . self::e($commandUrl) . '" onclick="' . self::e($open) . '">Console</button>'
            . ' <span class="text-muted">one-time link, valid 10 seconds</span>';
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
        return '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>VM console</title></head><body>'
            . '<p class="pvebridge-console">The console link works once, within 10 seconds: '
            . '<a id="pvebridge-console" href="' . self::e($link['url']) . '" target="' . self::e(self::consoleWindow($serviceId)) . '" rel="noreferrer">open the console</a>.</p>'
            . '<script>(function () {'
            . 'var url = ' . self::js($link['url']) . ', name = ' . self::js(self::consoleWindow($serviceId)) . ', features = ' . self::js($features) . ';'
            . 'if (window.name === name) { window.location.replace(url); return; }'
            . 'var a = document.getElementById("pvebridge-console");'
            . 'a.onclick = function () { window.open(url, name, features); return false; };'
            . 'if (window.open(url, name, features)) { a.parentNode.textContent = "The console opened in a new window."; }'
            . '})();</script></body></html>';
    }

    /** Rows of the admin service tab: label => HTML. */
    public static function tab(array $data)
    {
        $rows = array();
        foreach ($data['rows'] as $row) {
            $rows[$row['label']] = self::e($row['value']);
        }
        if (!empty($data['rdns'])) {
            $html = '<table class="pvebridge-rdns">';
            foreach ($data['rdns'] as $entry) {
                $html .= '<tr><td>' . self::e($entry['ip']) . '</td><td><input type="text" class="form-control input-inline"'
                    . ' name="pvebridge_rdns[' . self::e($entry['ip']) . ']" value="' . self::e($entry['ptr']) . '"></td></tr>';
            }
            $rows['Reverse DNS'] = $html . '</table>';
        }
        return $rows;
    }
}
