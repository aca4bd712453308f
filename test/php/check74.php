<?php
/**
 * Fails on PHP syntax newer than 7.4 (the shim must run on WHMCS's PHP 7.4, 8.1 and 8.2). The php
 * binary here is 8.x, so `php -l` alone would accept 8.x syntax: this walks the token stream and
 * reports each newer construct with its line.
 *
 *   php check74.php FILE...      → one "file:line: construct" per finding; exit 1 if any
 */

/** Functions that exist only since PHP 8 (calling one is a fatal error on 7.4). */
const PHP8_FUNCTIONS = array('str_contains', 'str_starts_with', 'str_ends_with', 'get_debug_type', 'get_resource_id', 'fdiv', 'array_is_list', 'enum_exists');

function significant(array $tokens)
{
    $out = array();
    foreach ($tokens as $t) {
        if (is_array($t) && in_array($t[0], array(T_WHITESPACE, T_COMMENT, T_DOC_COMMENT), true)) {
            continue;
        }
        $out[] = is_array($t) ? array('id' => $t[0], 'text' => $t[1], 'line' => $t[2]) : array('id' => null, 'text' => $t, 'line' => 0);
    }
    $line = 1;
    foreach ($out as $i => $t) {
        if ($t['line'] === 0) {
            $out[$i]['line'] = $line;
        } else {
            $line = $t['line'];
        }
    }
    return $out;
}

function is_tok($t, $idOrText)
{
    if ($t === null) {
        return false;
    }
    return is_int($idOrText) ? $t['id'] === $idOrText : ($t['id'] === null && $t['text'] === $idOrText);
}

function tok_const($name)
{
    return defined($name) ? constant($name) : -1;
}

/** Index of the parenthesis closing the one at $open. */
function closing(array $t, $open)
{
    $depth = 0;
    for ($i = $open, $n = count($t); $i < $n; $i++) {
        if (is_tok($t[$i], '(')) {
            $depth++;
        } elseif (is_tok($t[$i], ')')) {
            $depth--;
            if ($depth === 0) {
                return $i;
            }
        }
    }
    return $n - 1;
}

/** Checks one function signature: parameter list from $open, then the return type. */
function check_signature(array $t, $open, $isConstructor, callable $report)
{
    $close = closing($t, $open);
    $depth = 0;
    $seenVariable = false;
    $last = null;
    for ($i = $open + 1; $i < $close; $i++) {
        $tok = $t[$i];
        if (is_tok($tok, '(') || is_tok($tok, '[')) {
            $depth++;
        } elseif (is_tok($tok, ')') || is_tok($tok, ']')) {
            $depth--;
        }
        if ($depth !== 0) {
            continue;
        }
        if (is_tok($tok, ',')) {
            $seenVariable = false;
        } elseif ($tok['id'] === T_VARIABLE) {
            $seenVariable = true;
        } elseif (!$seenVariable && is_tok($tok, '|')) {
            $report($tok['line'], 'union type in a parameter (PHP 8.0)');
        } elseif (!$seenVariable && in_array($tok['id'], array(T_PUBLIC, T_PROTECTED, T_PRIVATE, tok_const('T_READONLY')), true)) {
            $report($tok['line'], $isConstructor ? 'constructor property promotion (PHP 8.0)' : 'visibility modifier on a parameter (PHP 8.0)');
        } elseif (!$seenVariable && in_array(strtolower($tok['text']), array('mixed'), true) && $tok['id'] === T_STRING) {
            $report($tok['line'], 'mixed type (PHP 8.0)');
        } elseif ($seenVariable && $tok['id'] === T_NEW) {
            $report($tok['line'], 'new in a default value (PHP 8.1)');
        }
        $last = $tok;
    }
    if ($last !== null && is_tok($last, ',')) {
        $report($last['line'], 'trailing comma in a parameter list (PHP 8.0)');
    }
    // Return type: after ')' optional "use (...)" then ':' type.
    $i = $close + 1;
    if (isset($t[$i]) && $t[$i]['id'] === T_USE) {
        $useOpen = $i + 1;
        $useClose = closing($t, $useOpen);
        if (isset($t[$useClose - 1]) && is_tok($t[$useClose - 1], ',')) {
            $report($t[$useClose - 1]['line'], 'trailing comma in a closure use list (PHP 8.0)');
        }
        $i = $useClose + 1;
    }
    if (isset($t[$i]) && is_tok($t[$i], ':')) {
        for ($j = $i + 1; isset($t[$j]) && !is_tok($t[$j], '{') && !is_tok($t[$j], ';') && $t[$j]['id'] !== T_DOUBLE_ARROW; $j++) {
            $word = strtolower($t[$j]['text']);
            if (is_tok($t[$j], '|')) {
                $report($t[$j]['line'], 'union return type (PHP 8.0)');
            } elseif ($t[$j]['id'] === T_STATIC) {
                $report($t[$j]['line'], 'static return type (PHP 8.0)');
            } elseif ($t[$j]['id'] === T_STRING && in_array($word, array('never', 'mixed'), true)) {
                $report($t[$j]['line'], $word . ' return type (PHP 8.' . ($word === 'never' ? '1' : '0') . ')');
            } elseif (is_tok($t[$j], '&') || is_tok($t[$j], tok_const('T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG'))) {
                $report($t[$j]['line'], 'intersection type (PHP 8.1)');
            }
        }
    }
}

function check_file($file)
{
    $findings = array();
    $report = function ($line, $what) use (&$findings, $file) {
        $findings[] = $file . ':' . $line . ': ' . $what;
    };
    $t = significant(token_get_all(file_get_contents($file)));
    $n = count($t);
    $byId = array(
        tok_const('T_MATCH') => 'match expression (PHP 8.0)',
        tok_const('T_NULLSAFE_OBJECT_OPERATOR') => 'nullsafe operator ?-> (PHP 8.0)',
        tok_const('T_ENUM') => 'enum (PHP 8.1)',
        tok_const('T_READONLY') => 'readonly (PHP 8.1)',
        tok_const('T_ATTRIBUTE') => 'attribute #[...] (PHP 8.0)',
    );
    for ($i = 0; $i < $n; $i++) {
        $tok = $t[$i];
        $prev = $i > 0 ? $t[$i - 1] : null;
        $next = $i + 1 < $n ? $t[$i + 1] : null;
        if ($tok['id'] !== null && $tok['id'] !== -1 && isset($byId[$tok['id']])) {
            $report($tok['line'], $byId[$tok['id']]);
        }
        if (in_array($tok['id'], array(T_FUNCTION, T_FN), true)) {
            $j = $i + 1;
            if (isset($t[$j]) && is_tok($t[$j], '&')) {
                $j++;
            }
            $isConstructor = isset($t[$j]) && strtolower($t[$j]['text']) === '__construct';
            if (isset($t[$j]) && !is_tok($t[$j], '(')) {
                $j++;
            }
            if (isset($t[$j]) && is_tok($t[$j], '(')) {
                check_signature($t, $j, $isConstructor, $report);
            }
        }
        // Named argument: "(" or "," then an identifier then ":" (not "::").
        if ((is_tok($prev, '(') || is_tok($prev, ',')) && $next !== null && is_tok($next, ':') && preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $tok['text']) && $tok['id'] !== T_VARIABLE) {
            $report($tok['line'], 'named argument (PHP 8.0)');
        }
        // First-class callable syntax: f(...)
        if (is_tok($tok, '(') && $next !== null && $next['id'] === T_ELLIPSIS && isset($t[$i + 2]) && is_tok($t[$i + 2], ')')) {
            $report($tok['line'], 'first-class callable syntax (PHP 8.1)');
        }
        // throw as an expression (after ??, ?:, =>, =, or inside an argument list).
        if ($tok['id'] === T_THROW && $prev !== null && (in_array($prev['id'], array(T_COALESCE, T_DOUBLE_ARROW, T_BOOLEAN_AND, T_BOOLEAN_OR), true) || is_tok($prev, '=') || is_tok($prev, '?') || is_tok($prev, ',') || is_tok($prev, '('))) {
            $report($tok['line'], 'throw expression (PHP 8.0)');
        }
        // catch without a variable.
        if ($tok['id'] === T_CATCH && $next !== null && is_tok($next, '(')) {
            $close = closing($t, $i + 1);
            if ($t[$close - 1]['id'] !== T_VARIABLE) {
                $report($tok['line'], 'catch without a variable (PHP 8.0)');
            }
        }
        // $object::class
        if ($tok['id'] === T_DOUBLE_COLON && $prev !== null && $prev['id'] === T_VARIABLE && $next !== null && $next['id'] === T_CLASS) {
            $report($tok['line'], '$object::class (PHP 8.0)');
        }
        // Explicit octal 0o17
        if ($tok['id'] === T_LNUMBER && preg_match('/^0[oO]/', $tok['text'])) {
            $report($tok['line'], 'explicit octal 0o (PHP 8.1)');
        }
        if ($tok['id'] === T_STRING && in_array(strtolower($tok['text']), PHP8_FUNCTIONS, true) && $next !== null && is_tok($next, '(')
            && !($prev !== null && in_array($prev['id'], array(T_FUNCTION, T_OBJECT_OPERATOR, T_DOUBLE_COLON), true))) {
            $report($tok['line'], $tok['text'] . '() exists only since PHP 8');
        }
    }
    return $findings;
}

$all = array();
foreach (array_slice($argv, 1) as $file) {
    $all = array_merge($all, check_file($file));
}
echo implode("\n", $all), $all ? "\n" : '';
exit($all ? 1 : 0);
