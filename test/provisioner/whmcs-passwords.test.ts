// WHMCS-stored passwords through the WHMCS API (issue 11 defect 3): DecryptPassword/EncryptPassword
// by default, the cc_encryption_hash as an option, a short memory-only cache — and every reader
// (Proxmox credentials, pipelines, the vncproxy) following that rule, on both databases.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { FIXTURE_CC_ENCRYPTION_HASH } from '../../common/whmcs-fixture/seed.ts';
import { decryptWhmcsPassword, encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { createWhmcsPasswords, whmcsPasswords } from '../../common/whmcs-passwords.ts';
import { pipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { serverCredentials } from '../../provisioner/servers.ts';
import { credentialsFromDb } from '../../vncproxy/credentials.ts';
import { testDialects } from '../support/db.ts';
import { startTestWhmcsApi, type TestWhmcsApi } from '../support/whmcs-api.ts';
import { liveStack, stateRow, type LiveStack } from './refresher-support.ts';

const HASH = FIXTURE_CC_ENCRYPTION_HASH;
let whmcs: TestWhmcsApi | undefined;
afterEach(async () => {
  await whmcs?.close();
  whmcs = undefined;
});
const apiOf = (w: TestWhmcsApi, secret = w.secret) => ({ url: w.url, identifier: w.identifier, secret });

describe('WHMCS passwords', () => {
  it('decrypts and encrypts through the WHMCS API when no cc_encryption_hash is configured', async () => {
    whmcs = await startTestWhmcsApi(HASH);
    const p = createWhmcsPasswords({ ccEncryptionHash: undefined, whmcsApi: apiOf(whmcs) });
    expect(p.mode).toBe('api');
    expect(await p.reveal(encryptWhmcsPassword('token-secret-1', HASH))).toBe('token-secret-1');
    const cipher = await p.conceal('n3w-Passw0rd');
    expect(decryptWhmcsPassword(cipher, HASH)).toBe('n3w-Passw0rd');
    expect(whmcs.calls).toEqual(['DecryptPassword', 'EncryptPassword']);
    expect(await p.reveal('')).toBe('');
    expect(whmcs.calls).toHaveLength(2);
  });

  it('keeps a decrypted value in memory for the TTL only, and shares one call between concurrent readers', async () => {
    whmcs = await startTestWhmcsApi(HASH);
    let clock = 1_000_000;
    const p = createWhmcsPasswords({ ccEncryptionHash: undefined, whmcsApi: apiOf(whmcs) }, { cacheTtlMs: 60_000, now: () => clock });
    const cipher = encryptWhmcsPassword('s3cret', HASH);
    expect(await Promise.all([p.reveal(cipher), p.reveal(cipher), p.reveal(cipher)])).toEqual(['s3cret', 's3cret', 's3cret']);
    expect(whmcs.calls).toEqual(['DecryptPassword']);
    clock += 59_000;
    await p.reveal(cipher);
    expect(whmcs.calls).toHaveLength(1);
    clock += 2_000;
    await p.reveal(cipher);
    expect(whmcs.calls).toEqual(['DecryptPassword', 'DecryptPassword']);
    const none = createWhmcsPasswords({ ccEncryptionHash: undefined, whmcsApi: apiOf(whmcs) }, { cacheTtlMs: 0 });
    await none.reveal(cipher);
    await none.reveal(cipher);
    expect(whmcs.calls).toHaveLength(4);
  });

  it("fails with WHMCS's message and never the values when the API refuses", async () => {
    whmcs = await startTestWhmcsApi(HASH);
    const p = createWhmcsPasswords({ ccEncryptionHash: undefined, whmcsApi: apiOf(whmcs, 'wrong-secret') });
    const cipher = encryptWhmcsPassword('do-not-leak', HASH);
    const err = (await p.reveal(cipher).catch((e: Error) => e)) as Error;
    expect(err.message).toBe('WHMCS API DecryptPassword failed: Authentication Failed');
    expect(err.message).not.toContain(cipher);
    const enc = (await p.conceal('do-not-leak').catch((e: Error) => e)) as Error;
    expect(enc.message).toBe('WHMCS API EncryptPassword failed: Authentication Failed');
  });

  it('decrypts locally with the cc_encryption_hash, without any API call, and says what to configure when neither is set', async () => {
    whmcs = await startTestWhmcsApi(HASH);
    const local = createWhmcsPasswords({ ccEncryptionHash: HASH, whmcsApi: apiOf(whmcs) });
    expect(local.mode).toBe('local');
    expect(await local.reveal(encryptWhmcsPassword('x1', HASH))).toBe('x1');
    expect(decryptWhmcsPassword(await local.conceal('x2'), HASH)).toBe('x2');
    expect(whmcs.calls).toEqual([]);
    const none = createWhmcsPasswords({ ccEncryptionHash: undefined, whmcsApi: undefined });
    await expect(none.reveal(encryptWhmcsPassword('x', HASH))).rejects.toThrow(
      /PVEBRIDGE_WHMCS_API_URL.*PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH/,
    );
  });
});

describe.each(await testDialects())('readers of WHMCS passwords without the cc_encryption_hash on %s', (dialect) => {
  let s: LiveStack;
  afterEach(async () => s?.close());
  const stack = async () => {
    whmcs = await startTestWhmcsApi(HASH);
    s = await liveStack(dialect, {
      env: {
        PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: '',
        PVEBRIDGE_WHMCS_API_URL: whmcs.url,
        PVEBRIDGE_WHMCS_API_IDENTIFIER: whmcs.identifier,
        PVEBRIDGE_WHMCS_API_SECRET: whmcs.secret,
      },
    });
    return s;
  };

  it('reaches Proxmox with the token secret WHMCS decrypted (the refresher), asking WHMCS once', async () => {
    await stack();
    expect(s.config.ccEncryptionHash).toBeUndefined();
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    await s.refresher().tick();
    expect((await stateRow(s, web)).status).toBe('running');
    const creds = await serverCredentials(s.t.db, s.config, s.seeded.serverId);
    expect(creds.secret).toBe(s.sims[0]!.secret);
    expect(whmcs!.calls).toEqual(['DecryptPassword']);
    expect(whmcs!.bodies.some((b) => b.includes(s.sims[0]!.secret))).toBe(false); // only the cipher went out
  });

  it('gives pipelines the service password and stores a new one WHMCS encrypted', async () => {
    await stack();
    const { env, close } = pipelineEnv({ db: s.t.db, config: s.config });
    expect(await env.reveal(encryptWhmcsPassword('Svc-Passw0rd', HASH))).toBe('Svc-Passw0rd');
    const cipher = await env.conceal!('Next-Passw0rd');
    expect(decryptWhmcsPassword(cipher, HASH)).toBe('Next-Passw0rd');
    expect(whmcs!.calls).toEqual(['DecryptPassword', 'EncryptPassword']);
    await close();
  });

  it('gives the vncproxy the token secret by the same rule', async () => {
    await stack();
    const lookup = credentialsFromDb(s.t.db, whmcsPasswords(s.config));
    expect(await lookup(s.seeded.serverId)).toMatchObject({ tokenId: s.sims[0]!.tokenId, secret: s.sims[0]!.secret });
    // The old call shape (a cc_encryption_hash) still decrypts locally.
    const local = credentialsFromDb(s.t.db, HASH);
    expect((await local(s.seeded.serverId))?.secret).toBe(s.sims[0]!.secret);
    expect(loadConfig({ PVEBRIDGE_WHMCS_PASSWORD_CACHE: '5' }).whmcsPasswordCacheMs).toBe(5000);
  });
});
