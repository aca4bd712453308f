<?php
/**
 * includes/api.php: WHMCS's external API. Form-encoded POST with `action`, `identifier` +
 * `secret` (also accepted as `username`/`password`) and `responsetype=json`; wrong credentials →
 * {"result":"error","message":"Authentication Failed"}.
 */
header('Content-Type: application/json; charset=utf-8');
$in = $_POST ? $_POST : $_GET;
$api = devwhmcs_config('api');
$id = isset($in['identifier']) ? $in['identifier'] : (isset($in['username']) ? $in['username'] : '');
$secret = isset($in['secret']) ? $in['secret'] : (isset($in['password']) ? $in['password'] : '');
$ok = is_array($api) && is_string($id) && is_string($secret) && $id !== ''
    && hash_equals((string) $api['identifier'], $id) && hash_equals((string) $api['secret'], $secret);
if (!$ok) {
    echo json_encode(array('result' => 'error', 'message' => 'Authentication Failed'));
    exit;
}
$action = isset($in['action']) ? (string) $in['action'] : '';
unset($in['identifier'], $in['secret'], $in['username'], $in['password'], $in['action'], $in['responsetype']);
echo json_encode(devwhmcs_api($action, $in), JSON_UNESCAPED_SLASHES);
