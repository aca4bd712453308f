<?php
/**
 * Fails on PHP 7.4 code that breaks or warns on PHP 8.x up to 8.3 (WHMCS 9 runs 8.2+, 8.3
 * recommended; the shim must stay warning-clean there): functions removed in 8.0, deprecated
 * in 8.1–8.3, `${var}` interpolation and `(real)`/`(unset)` casts, get_class()/
 * get_parent_class() without an argument (8.3), and dynamic properties (8.2): `$this->x = …`
 * on a property the class does not declare. php -l on 8.2 cannot see any of these.
 *
 *   php check83.php FILE...      → one "file:line: construct" per finding; exit 1 if any
 */

/** Removed in 8.0 (fatal), or deprecated in 8.1/8.2/8.3 (a warning on every call). */
const PHP83_GONE = array(
    'each' => 'removed in 8.0', 'create_function' => 'removed in 8.0', 'money_format' => 'removed in 8.0',
    'get_magic_quotes_gpc' => 'removed in 8.0', 'get_magic_quotes_runtime' => 'removed in 8.0', 'fgetss' => 'removed in 8.0',
    'hebrevc' => 'removed in 8.0', 'convert_cyr_string' => 'removed in 8.0', 'restore_include_path' => 'removed in 8.0',
    'strftime' => 'deprecated in 8.1', 'gmstrftime' => 'deprecated in 8.1', 'date_sunrise' => 'deprecated in 8.1',
    'date_sunset' => 'deprecated in 8.1', 'mhash' => 'deprecated in 8.1', 'odbc_result_all' => 'deprecated in 8.1',
    'utf8_encode' => 'deprecated in 8.2', 'utf8_decode' => 'deprecated in 8.2', 'assert_options' => 'deprecated in 8.3',
);

function findings($file)
{
    $found = array();
    $raw = token_get_all((string) file_get_contents($file));
    $t = array();
    foreach ($raw as $tok) {
        if (is_array($tok) && in_array($tok[0], array(T_WHITESPACE, T_COMMENT, T_DOC_COMMENT), true)) {
            continue;
        }
        $t[] = $tok;
    }
    $line = 1;
    $classDepth = null;
    $depth = 0;
    $declared = array();
    $assigned = array();
    for ($i = 0, $n = count($t); $i < $n; $i++) {
        $tok = $t[$i];
        if (is_array($tok)) {
            $line = $tok[2];
        }
        $text = is_array($tok) ? $tok[1] : $tok;
        if ($tok === '{' || (is_array($tok) && in_array($tok[0], array(T_CURLY_OPEN, T_DOLLAR_OPEN_CURLY_BRACES), true))) {
            $depth++;
        } elseif ($tok === '}') {
            $depth--;
            if ($classDepth !== null && $depth === $classDepth) {
                foreach ($assigned as $name => $at) {
                    if (!isset($declared[$name])) {
                        $found[] = $file . ':' . $at . ': dynamic property $this->' . $name . ' (deprecated in 8.2): declare it';
                    }
                }
                $classDepth = null;
            }
        }
        if (is_array($tok) && $tok[0] === T_DOLLAR_OPEN_CURLY_BRACES) {
            $found[] = $file . ':' . $line . ': "${var}" string interpolation (deprecated in 8.2): use "{$var}"';
        }
        if (is_array($tok) && in_array($tok[0], array(defined('T_UNSET_CAST') ? T_UNSET_CAST : -1), true)) {
            $found[] = $file . ':' . $line . ': (unset) cast (removed in 8.0)';
        }
        if (is_array($tok) && $tok[0] === T_DOUBLE_CAST && stripos($text, 'real') !== false) {
            $found[] = $file . ':' . $line . ': (real) cast (removed in 8.0): use (float)';
        }
        if (is_array($tok) && $tok[0] === T_CLASS && !(isset($t[$i - 1]) && is_array($t[$i - 1]) && $t[$i - 1][0] === T_DOUBLE_COLON)) {
            $classDepth = $depth;
            $declared = array();
            $assigned = array();
        }
        if ($classDepth !== null && $depth === $classDepth + 1 && is_array($tok) && $tok[0] === T_VARIABLE) {
            $declared[substr($tok[1], 1)] = true; // a property declaration at class level
        }
        if ($classDepth !== null && is_array($tok) && $tok[0] === T_VARIABLE && $tok[1] === '$this'
            && isset($t[$i + 1], $t[$i + 2], $t[$i + 3]) && is_array($t[$i + 1]) && $t[$i + 1][0] === T_OBJECT_OPERATOR
            && is_array($t[$i + 2]) && $t[$i + 2][0] === T_STRING && $t[$i + 3] === '=') {
            $assigned += array($t[$i + 2][1] => $line);
        }
        $prev = isset($t[$i - 1]) ? $t[$i - 1] : null;
        $isCall = is_array($tok) && $tok[0] === T_STRING && isset($t[$i + 1]) && $t[$i + 1] === '('
            && !(is_array($prev) && in_array($prev[0], array(T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW), true));
        if ($isCall) {
            $name = strtolower(ltrim($text, '\\'));
            if (isset(PHP83_GONE[$name])) {
                $found[] = $file . ':' . $line . ': ' . $name . '() (' . PHP83_GONE[$name] . ')';
            }
            if (in_array($name, array('get_class', 'get_parent_class'), true) && isset($t[$i + 2]) && $t[$i + 2] === ')') {
                $found[] = $file . ':' . $line . ': ' . $name . '() without an argument (deprecated in 8.3): pass $this or use static::class';
            }
        }
    }
    return $found;
}

$all = array();
foreach (array_slice($argv, 1) as $file) {
    $all = array_merge($all, findings($file));
}
foreach ($all as $f) {
    echo $f, "\n";
}
exit($all ? 1 : 0);
