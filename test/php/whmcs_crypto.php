<?php
// Independent PHP rendering of WHMCS's legacy cipher (reference §7), used only to produce and
// cross-check the TypeScript test vectors with real php:
//   php whmcs_crypto.php encrypt <cc_hash> <plain> <iv-hex>
//   php whmcs_crypto.php decrypt <cc_hash> <base64>
function pvbt_key($h)
{
    return sha1(md5(md5($h)) . md5($h), true);
}

function pvbt_crypt($iv, $data, $decrypting)
{
    $out = '';
    $key = $iv;
    $n = strlen($data);
    for ($i = 0; $i < $n; $i++) {
        if ($i !== 0 && $i % 20 === 0) {
            $prev = $decrypting ? substr($out, $i - 20, 20) : substr($data, $i - 20, 20);
            $key = sha1($key . $prev, true);
        }
        $out .= chr(ord($key[$i % 20]) ^ ord($data[$i]));
    }
    return $out;
}

$mode = $argv[1];
$k = pvbt_key($argv[2]);
if ($mode === 'encrypt') {
    $iv = hex2bin($argv[4]);
    echo base64_encode(($iv ^ $k) . pvbt_crypt($iv, $argv[3], false));
} else {
    $raw = base64_decode($argv[3]);
    $iv = substr($raw, 0, 20) ^ $k;
    echo pvbt_crypt($iv, substr($raw, 20), true);
}
