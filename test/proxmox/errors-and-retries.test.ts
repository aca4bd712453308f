// Error classification, schema rejections as the client sees them, retry of sends (only) on
// transient errors, no retry of waits, TLS trust and timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { createProxmoxClient, ProxmoxError, type ProxmoxClient } from '../../provisioner/proxmox/index.ts';
import type { Simulator } from '../../simulator/index.ts';
import { startTestSimulator } from '../simulator/harness.ts';

let sim: Simulator;
let pve: ProxmoxClient;
beforeAll(async () => {
  sim = await startTestSimulator();
  pve = createProxmoxClient({ baseUrl: sim.baseUrl, tokenId: sim.tokenId, secret: sim.secret, pollIntervalMs: 20, retryDelayMs: 5 });
});
afterAll(async () => {
  await pve.close();
  await sim.close();
});

async function failure(p: Promise<unknown>): Promise<ProxmoxError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProxmoxError);
  return err as ProxmoxError;
}

const hits = (method: string, path: RegExp) => sim.requestLog.filter((e) => e.method === method && path.test(e.path)).length;

describe('classification', () => {
  it('maps a schema rejection to kind parameter with the field map and Proxmox messages', async () => {
    const e = await failure(pve.nodes('pve1').qemu(9000).clone.send({ newid: 99, colour: 'blue' }));
    expect(e).toMatchObject({ kind: 'parameter', status: 400 });
    expect(e.fields).toEqual({
      newid: 'value must have a minimum value of 100',
      colour: 'property is not defined in schema and the schema does not allow additional properties',
    });
    expect(e.message).toMatch(/^Parameter verification failed\./);
    const net = await failure(pve.nodes('pve1').qemu(100).config.put({ net0: 'virtio,bridge=vmbr0,tag=x' }));
    expect(net.fields['net0']).toBe("invalid format - format error\nnet0.tag: type check ('integer') failed - got 'x'");
  });

  it('fails a linked clone of a non-template at once with Proxmox text', async () => {
    const e = await failure(pve.nodes('pve1').qemu(100).clone.send({ newid: 700, full: false }));
    expect(e).toMatchObject({
      kind: 'other',
      status: 500,
      message: "Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)",
    });
  });

  it('returns a UPID for a shrinking resize; waiting gives the task error, run throws it', async () => {
    const upid = await pve.nodes('pve1').qemu(100).resize.send({ disk: 'scsi0', size: '1G' });
    const r = await pve.tasks.wait(upid);
    expect(r).toMatchObject({ ok: false, exitstatus: 'shrinking disks is not supported', type: 'resize' });
    const e = await failure(pve.nodes('pve1').qemu(100).resize.run({ disk: 'scsi0', size: '1G' }));
    expect(e).toMatchObject({ kind: 'other', message: 'shrinking disks is not supported' });
    expect(e.upid).toMatch(/^UPID:pve1:/);
  });

  it('classifies missing VMs, locks, auth and unknown tasks', async () => {
    expect((await failure(pve.nodes('pve2').qemu(100).config.get())).kind).toBe('not_found');
    const clone = await pve.nodes('pve1').qemu(9001).clone.send({ newid: 701, full: true });
    expect((await failure(pve.nodes('pve1').qemu(701).config.put({ name: 'x' }))).kind).toBe('locked');
    expect((await failure(pve.nodes('pve1').qemu(701).status.start.run())).kind).toBe('locked');
    await pve.tasks.wait(clone);
    const bad = createProxmoxClient({ baseUrl: sim.baseUrl, tokenId: sim.tokenId, secret: 'wrong' });
    expect(await failure(bad.version.get())).toMatchObject({ kind: 'auth', status: 401, message: 'Authentication failed!' });
    await bad.close();
    expect((await failure(pve.tasks.wait('UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam:'))).kind).toBe('not_found');
  });
});

describe('retries', () => {
  it('retries a send on transient errors and returns the one UPID', async () => {
    sim.faults.set({ errors: [{ path: '/qemu/9000/clone$', method: 'POST', status: 503, message: 'Service Unavailable', times: 2 }] });
    const before = hits('POST', /qemu\/9000\/clone$/);
    const upid = await pve.nodes('pve1').qemu(9000).clone.send({ newid: 702 });
    expect(hits('POST', /qemu\/9000\/clone$/) - before).toBe(3);
    expect((await pve.tasks.wait(upid)).ok).toBe(true);
    sim.faults.set({});
  });

  it('gives up after the configured retries', async () => {
    sim.faults.set({ errors: [{ path: '/status/start$', status: 502, message: 'Bad Gateway' }] });
    const before = hits('POST', /status\/start$/);
    const e = await failure(pve.nodes('pve1').qemu(702).status.start.send());
    expect(e).toMatchObject({ kind: 'transient', status: 502 });
    expect(hits('POST', /status\/start$/) - before).toBe(4);
    sim.faults.set({});
  });

  it('does not retry a send on a non-transient error', async () => {
    const before = hits('POST', /qemu\/9000\/clone$/);
    await failure(pve.nodes('pve1').qemu(9000).clone.send({ newid: 100 }));
    expect(hits('POST', /qemu\/9000\/clone$/) - before).toBe(1);
  });

  it('never re-sends a task while waiting: a failed task or a failed poll ends the wait', async () => {
    sim.faults.set({ taskFailures: [{ type: 'qmstart', times: 1, message: 'start failed: simulated' }] });
    const sendsBefore = hits('POST', /qemu\/702\/status\/start$/);
    await expect(pve.nodes('pve1').qemu(702).status.start.run()).rejects.toMatchObject({ message: 'start failed: simulated' });
    expect(hits('POST', /qemu\/702\/status\/start$/) - sendsBefore).toBe(1);

    const upid = await pve.nodes('pve1').qemu(702).status.start.send();
    sim.faults.set({ errors: [{ path: '/tasks/.*/status$', status: 503, message: 'Service Unavailable', times: 1 }] });
    const polls = hits('GET', /tasks\/.*\/status$/);
    expect((await failure(pve.tasks.wait(upid))).kind).toBe('transient');
    expect(hits('GET', /tasks\/.*\/status$/) - polls).toBe(1);
    // The caller kept the UPID: waiting again polls the same task, nothing is re-sent.
    expect((await pve.tasks.wait(upid)).ok).toBe(true);
    expect(hits('POST', /qemu\/702\/status\/start$/) - sendsBefore).toBe(2);
    sim.faults.set({});
  });
});

describe('timeouts', () => {
  it('ends a hanging call after timeoutMs as transient', async () => {
    const quick = createProxmoxClient({ baseUrl: sim.baseUrl, tokenId: sim.tokenId, secret: sim.secret, timeoutMs: 150, retries: 0 });
    sim.faults.set({ hang: [{ path: '^/version$', ms: 2000 }] });
    const t0 = Date.now();
    const e = await failure(quick.version.get());
    expect(e.kind).toBe('transient');
    expect(Date.now() - t0).toBeLessThan(1500);
    sim.faults.set({});
    await quick.close();
  });
});

describe('TLS', () => {
  let tlsSim: Simulator;
  beforeAll(async () => {
    tlsSim = await startTestSimulator({ tls: true });
  });
  afterAll(() => tlsSim.close());
  const client = (o: { ca?: string; fingerprint?: string }) =>
    createProxmoxClient({ baseUrl: tlsSim.baseUrl, tokenId: tlsSim.tokenId, secret: tlsSim.secret, retries: 0, ...o });

  it('verifies the server against the configured CA', async () => {
    expect(tlsSim.url).toMatch(/^https:/);
    const c = client({ ca: tlsSim.ca! });
    expect((await c.version.get()).version).toBe('9.1.9');
    await c.close();
  });

  it('accepts a pinned fingerprint and refuses a wrong one', async () => {
    const fp = new X509Certificate(tlsSim.ca!).fingerprint256;
    const good = client({ fingerprint: fp });
    expect((await good.version.get()).release).toBe('9.1');
    const wrong = client({ fingerprint: createHash('sha256').update('other').digest('hex') });
    expect((await failure(wrong.version.get())).message).toMatch(/fingerprint mismatch/);
    await good.close();
    await wrong.close();
  });

  it('never skips verification: without CA or fingerprint a self-signed server is refused', async () => {
    const c = client({});
    const e = await failure(c.version.get());
    expect(e.kind).toBe('other');
    expect(e.message).toMatch(/certificate/i);
    await c.close();
  });
});
