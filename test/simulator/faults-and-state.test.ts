import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, waitTask, TOKEN, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  sim = await startTestSimulator();
  api = apiFor(sim);
});
afterAll(() => sim.close());

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    headers: { Authorization: `PVEAPIToken=${TOKEN}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { data: unknown } };
}

describe('faults through the control endpoint', () => {
  it('needs the token', async () => {
    const res = await fetch(`${sim.url}/__sim/faults`);
    expect(res.status).toBe(401);
  });

  it('injects errors per path pattern, bounded by times', async () => {
    await control('POST', 'faults', { errors: [{ path: '^/version$', status: 503, message: 'Service Unavailable', times: 2 }] });
    expect((await api('GET', '/version')).status).toBe(503);
    expect((await api('GET', '/version')).reason).toBe('Service Unavailable');
    expect((await api('GET', '/version')).status).toBe(200);
    await control('DELETE', 'faults');
  });

  it('draws error rates from the seed, so a run repeats exactly', async () => {
    const pattern = async () => {
      await control('PUT', 'faults', { seed: 42, errors: [{ path: '^/nodes$', rate: 0.5 }] });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await api('GET', '/nodes')).status);
      return out;
    };
    const a = await pattern();
    const b = await pattern();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
    await control('DELETE', 'faults');
  });

  it('adds latency and hangs requests (closing the socket after the bound)', async () => {
    await control('POST', 'faults', { latency: [{ path: '^/version', ms: 150 }], hang: [{ path: '^/nodes$', ms: 100, times: 1 }] });
    const t0 = Date.now();
    await api('GET', '/version');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await expect(api('GET', '/nodes')).rejects.toThrow();
    expect((await api('GET', '/nodes')).status).toBe(200);
    await control('DELETE', 'faults');
  });

  it('fails tasks of a type', async () => {
    await control('POST', 'faults', { taskFailures: [{ type: 'qmstart', message: 'start failed: QEMU exited with code 1' }] });
    const stop = await api<string>('POST', '/nodes/pve1/qemu/100/status/stop');
    expect((await waitTask(api, stop.body.data)).exitstatus).toBe('OK');
    const start = await api<string>('POST', '/nodes/pve1/qemu/100/status/start');
    expect((await waitTask(api, start.body.data)).exitstatus).toBe('start failed: QEMU exited with code 1');
    await control('DELETE', 'faults');
    expect((await waitTask(api, (await api<string>('POST', '/nodes/pve1/qemu/100/status/start')).body.data)).exitstatus).toBe('OK');
  });

  it('takes a node down: its calls fail with 595 and resources show it offline', async () => {
    await control('POST', 'faults', { nodesDown: ['pve3'] });
    const r = await api('GET', '/nodes/pve3/status');
    expect([r.status, r.reason]).toEqual([595, 'No route to host']);
    const nodes = (await api<Array<{ node: string; status: string }>>('GET', '/cluster/resources', { type: 'node' })).body.data;
    expect(nodes.find((n) => n.node === 'pve3')?.status).toBe('offline');
    await control('DELETE', 'faults');
    expect((await api('GET', '/nodes/pve3/status')).status).toBe(200);
  });

  it('sets a lock that no task clears until the fault is removed', async () => {
    await control('POST', 'faults', { stuckLocks: [{ vmid: 101, lock: 'backup' }] });
    expect((await api('PUT', '/nodes/pve2/qemu/101/config', { name: 'x' })).reason).toBe('VM is locked (backup)');
    const start = await api<string>('POST', '/nodes/pve2/qemu/101/status/start');
    expect((await waitTask(api, start.body.data)).exitstatus).toBe('VM is locked (backup)');
    expect((await api('PUT', '/nodes/pve2/qemu/101/config', { name: 'x' })).reason).toBe('VM is locked (backup)');
    await control('DELETE', 'faults');
    expect((await api('PUT', '/nodes/pve2/qemu/101/config', { name: 'x' })).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, params and status, in process and over /__sim/requests', async () => {
    await api('PUT', '/nodes/pve1/qemu/100/config', { description: 'logged' });
    await api('GET', '/nodes/pve1/qemu/99/config');
    const last = sim.requestLog.slice(-2);
    expect(last[0]).toMatchObject({
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      status: 200,
      params: { description: 'logged', node: 'pve1', vmid: '100' },
    });
    expect(last[1]).toMatchObject({ method: 'GET', status: 400 });
    const remote = (await control('GET', 'requests')).body.data as Array<{ path: string }>;
    expect(remote.at(-1)?.path).toBe('/nodes/pve1/qemu/99/config');
  });
});

describe('persistence', () => {
  it('keeps VMs, volumes and tasks across a restart when given a state file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pvesim-')), 'state.json');
    const first = await startTestSimulator({ stateFile: file });
    const a = apiFor(first);
    const clone = await a<string>('POST', '/nodes/pve1/qemu/9000/clone', { newid: 900, name: 'kept' });
    await waitTask(a, clone.body.data);
    await first.close();
    const second = await startTestSimulator({ stateFile: file });
    const b = apiFor(second);
    expect((await b<Record<string, string>>('GET', '/nodes/pve1/qemu/900/config')).body.data.name).toBe('kept');
    expect(
      (await b<{ exitstatus: string }>('GET', `/nodes/pve1/tasks/${encodeURIComponent(clone.body.data)}/status`)).body.data.exitstatus,
    ).toBe('OK');
    const vols = (await b<Array<{ volid: string }>>('GET', '/nodes/pve1/storage/local-lvm/content', { vmid: 900 })).body.data;
    expect(vols.map((v) => v.volid)).toContain('local-lvm:base-9000-disk-0/vm-900-disk-0');
    expect((await b<string>('GET', '/cluster/nextid')).body.data).not.toBe('900');
    await second.close();
  });
});

describe('many VMs', () => {
  it('handles 300 linked clones in one cluster', async () => {
    const upids: string[] = [];
    for (let i = 0; i < 300; i++) upids.push((await api<string>('POST', '/nodes/pve1/qemu/9001/clone', { newid: 2000 + i })).body.data);
    await waitTask(api, upids.at(-1)!);
    const vms = (await api<unknown[]>('GET', '/cluster/resources', { type: 'vm' })).body.data;
    expect(vms.length).toBeGreaterThanOrEqual(305);
  });
});
