// WHMCS's legacy password cipher (encrypt()/decrypt() in WHMCS, used for tblservers.password and
// tblhosting.password), re-derived from the public description in
// shared/reference/whmcs-module-api.md §7. Not a cipher we would choose: we implement it only so
// the gateway can read server credentials straight from the WHMCS database (cron needs them with
// no module call in flight).
//
//   K  = sha1_raw(md5hex(md5hex(H)) . md5hex(H))            H = $cc_encryption_hash
//   out = base64( (IV xor K) || C )                          IV = 20 random bytes
//   C  = M xor keystream; block 0 of the keystream is IV, block n = sha1_raw(block n-1 || M block n-1)
import crypto from 'node:crypto';

const BLOCK = 20; // sha1 output length

const md5hex = (s: string | Buffer) => crypto.createHash('md5').update(s).digest('hex');
const sha1 = (b: Buffer) => crypto.createHash('sha1').update(b).digest();

function masterKey(ccEncryptionHash: string): Buffer {
  const h = md5hex(ccEncryptionHash);
  return sha1(Buffer.from(md5hex(h) + h, 'latin1'));
}

/** XORs `input` with the keystream that starts at `iv`; `plain` supplies the chaining bytes. */
function stream(iv: Buffer, input: Buffer, plainAt: (out: Buffer, i: number) => Buffer): Buffer {
  const out = Buffer.alloc(input.length);
  let key = iv;
  for (let i = 0; i < input.length; i++) {
    if (i !== 0 && i % BLOCK === 0) key = sha1(Buffer.concat([key, plainAt(out, i - BLOCK)]));
    out[i] = key[i % BLOCK]! ^ input[i]!;
  }
  return out;
}

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((v, i) => v ^ b[i]!));

export function encryptWhmcsPassword(plain: string, ccEncryptionHash: string, iv: Buffer = crypto.randomBytes(BLOCK)): string {
  if (iv.length !== BLOCK) throw new Error(`the IV must be ${BLOCK} bytes`);
  const m = Buffer.from(plain, 'utf8');
  // While encrypting, the chaining bytes are the plaintext we already know.
  const c = stream(iv, m, (_out, at) => m.subarray(at, at + BLOCK));
  return Buffer.concat([xor(iv, masterKey(ccEncryptionHash)), c]).toString('base64');
}

export function decryptWhmcsPassword(cipher: string, ccEncryptionHash: string): string {
  const raw = Buffer.from(cipher.trim(), 'base64');
  if (raw.length < BLOCK) return '';
  const iv = xor(raw.subarray(0, BLOCK), masterKey(ccEncryptionHash));
  // While decrypting, the chaining bytes are the plaintext produced so far.
  return stream(iv, raw.subarray(BLOCK), (out, at) => out.subarray(at, at + BLOCK)).toString('utf8');
}
