<?php
/**
 * WHMCS hooks: add_hook(point, priority, callable) registers, run_hook(point, vars) runs them
 * in priority order (lower first) and returns each hook's return value.
 */

$GLOBALS['devwhmcs_hooks'] = array();
$GLOBALS['devwhmcs_hook_seq'] = 0;

function add_hook($hookPoint, $priority, $function)
{
    $GLOBALS['devwhmcs_hooks'][$hookPoint][] = array('priority' => (int) $priority, 'fn' => $function, 'n' => $GLOBALS['devwhmcs_hook_seq']++);
}

/** @return array<int, mixed> the hooks' return values */
function run_hook($hookPoint, $vars)
{
    if (empty($GLOBALS['devwhmcs_hooks'][$hookPoint])) {
        return array();
    }
    $hooks = $GLOBALS['devwhmcs_hooks'][$hookPoint];
    usort($hooks, function ($a, $b) {
        return $a['priority'] === $b['priority'] ? $a['n'] - $b['n'] : $a['priority'] - $b['priority'];
    });
    $results = array();
    foreach ($hooks as $h) {
        $results[] = call_user_func($h['fn'], $vars);
    }
    return $results;
}
