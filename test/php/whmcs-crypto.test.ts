// WHMCS's password cipher: fixed vectors (computed once with real php from test/php/whmcs_crypto.php,
// an independent rendering of the reference's description) and a live cross-check with php.
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptWhmcsPassword, encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { has } from '../support/tools.ts';
import { runPhp } from './shim-support.ts';

const HASH = 'a1b2c3d4e5f6g7h8i9j0klmnopqrstuvwxyz';
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f10111213', 'hex');
const VECTORS: Array<[string, string]> = [
  ['teststring', 'vfl5iljhm6B9dsEy09CHEIVjQ990ZHF3d3F0bmZu'],
  [
    'S3cr3t-token-0000-1111-2222-3333-444455556666',
    'vfl5iljhm6B9dsEy09CHEIVjQ99TMmFxN3Erc2dib2UhPT4/IDwjIu4rOySZpazuIOFP2sHfBdIWgAcKOSFjG0Y=',
  ],
  ['', 'vfl5iljhm6B9dsEy09CHEIVjQ98='],
  ['päss wörd ✓', 'vfl5iljhm6B9dsEy09CHEIVjQ99wwqZwdyVxxL57bivukZ0='],
];
const PHP_CIPHER = path.resolve('test/php/whmcs_crypto.php');

describe('WHMCS password encryption', () => {
  it.each(VECTORS)('encrypts %j to the known vector and back', (plain, cipher) => {
    expect(encryptWhmcsPassword(plain, HASH, IV)).toBe(cipher);
    expect(decryptWhmcsPassword(cipher, HASH)).toBe(plain);
  });

  it('gives 20 bytes of IV then one byte per plaintext byte ("teststring" → 30 bytes)', () => {
    expect(Buffer.from(encryptWhmcsPassword('teststring', HASH), 'base64')).toHaveLength(30);
  });

  it('encrypts the same text differently each time, and every form decrypts', () => {
    const a = encryptWhmcsPassword('same', HASH);
    const b = encryptWhmcsPassword('same', HASH);
    expect(a).not.toBe(b);
    expect([decryptWhmcsPassword(a, HASH), decryptWhmcsPassword(b, HASH)]).toEqual(['same', 'same']);
  });

  it('does not reveal the text with another key', () => {
    expect(decryptWhmcsPassword(VECTORS[1]![1], 'another-hash')).not.toBe(VECTORS[1]![0]);
  });

  describe.skipIf(!has('php'))('against real php', () => {
    it('php decrypts what TypeScript encrypts, and TypeScript decrypts what php encrypts', async () => {
      for (let i = 0; i < 5; i++) {
        const plain = crypto.randomBytes(1 + i * 13).toString('base64');
        const iv = crypto.randomBytes(20);
        const fromTs = encryptWhmcsPassword(plain, HASH, iv);
        expect((await runPhp(PHP_CIPHER, ['decrypt', HASH, fromTs], '')).stdout).toBe(plain);
        const fromPhp = (await runPhp(PHP_CIPHER, ['encrypt', HASH, plain, iv.toString('hex')], '')).stdout;
        expect(fromPhp).toBe(fromTs);
        expect(decryptWhmcsPassword(fromPhp, HASH)).toBe(plain);
      }
    });
  });
});
