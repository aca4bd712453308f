<?php
/**
 * WHMCS's encrypt()/decrypt() (tblhosting.password, tblservers.password): the legacy cipher of
 * shared/reference/whmcs-module-api.md §7, keyed by this install's cc_encryption_hash. The same
 * rule as common/whmcs-crypto.ts; test/devwhmcs checks both read each other's output.
 */

function devwhmcs_cipher_key()
{
    $h = (string) devwhmcs_config('ccEncryptionHash');
    return sha1(md5(md5($h)) . md5($h), true);
}

function devwhmcs_keystream($iv, $data, $decrypting)
{
    $out = '';
    $key = $iv;
    $n = strlen($data);
    for ($i = 0; $i < $n; $i++) {
        if ($i !== 0 && $i % 20 === 0) {
            // The chaining bytes are the plaintext of the previous block.
            $prev = $decrypting ? substr($out, $i - 20, 20) : substr($data, $i - 20, 20);
            $key = sha1($key . $prev, true);
        }
        $out .= chr(ord($key[$i % 20]) ^ ord($data[$i]));
    }
    return $out;
}

function encrypt($plain)
{
    $iv = random_bytes(20);
    return base64_encode(($iv ^ devwhmcs_cipher_key()) . devwhmcs_keystream($iv, (string) $plain, false));
}

function decrypt($cipher)
{
    $raw = base64_decode(trim((string) $cipher), true);
    if ($raw === false || strlen($raw) < 20) {
        return '';
    }
    $iv = substr($raw, 0, 20) ^ devwhmcs_cipher_key();
    return devwhmcs_keystream($iv, substr($raw, 20), true);
}
