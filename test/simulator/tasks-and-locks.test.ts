import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { UPID_RE } from '../../simulator/model/upid.ts';
import { apiFor, startTestSimulator, waitTask, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  // Slower than other suites so a task is reliably still running when we look.
  sim = await startTestSimulator({ timeScale: 0.02 });
  api = apiFor(sim);
});
afterAll(() => sim.close());

describe('tasks', () => {
  it('returns UPIDs in Proxmox format with the caller as user and the source vmid as id', async () => {
    const r = await api<string>('POST', '/nodes/pve1/qemu/9000/clone', { newid: 500, name: 'upid-check' });
    expect(r.body.data).toMatch(UPID_RE);
    const [, node, , , , type, id, user] = r.body.data.split(':');
    expect([node, type, id, user]).toEqual(['pve1', 'qmclone', '9000', 'root@pam!ci']);
    expect(r.body.data.endsWith(':')).toBe(true);
    await waitTask(api, r.body.data);
  });

  it('reports running, then stopped with exitstatus OK and a log ending in TASK OK', async () => {
    const r = await api<string>('POST', '/nodes/pve1/qemu/9000/clone', { newid: 501, full: 1 });
    const path = `/nodes/pve1/tasks/${encodeURIComponent(r.body.data)}`;
    const first = await api<{ status: string; exitstatus?: string }>('GET', `${path}/status`);
    expect(first.body.data).toMatchObject({ status: 'running' });
    expect(first.body.data.exitstatus).toBeUndefined();
    const done = await waitTask(api, r.body.data);
    expect(done.exitstatus).toBe('OK');
    expect(done.log.at(-1)).toBe('TASK OK');
    const log = await api('GET', `${path}/log`);
    expect(log.body.total).toBe(done.log.length);
  });

  it('answers 400 for an unparsable or unknown UPID', async () => {
    const bad = await api('GET', '/nodes/pve1/tasks/nonsense/status');
    expect([bad.status, bad.body.errors]).toEqual([400, { upid: 'unable to parse worker upid' }]);
    const unknown = await api(
      'GET',
      `/nodes/pve1/tasks/${encodeURIComponent('UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam:')}/status`,
    );
    expect(unknown.body.errors).toEqual({ upid: 'no such task' });
  });

  it('takes longer for a full clone of a bigger disk than for a linked clone', async () => {
    const time = async (params: Record<string, string | number>) => {
      const t0 = Date.now();
      const r = await api<string>('POST', '/nodes/pve1/qemu/9001/clone', params);
      await waitTask(api, r.body.data);
      return Date.now() - t0;
    };
    const linked = await time({ newid: 502 });
    const full = await time({ newid: 503, full: 1 });
    expect(full).toBeGreaterThan(linked * 3);
  });
});

describe('locks while tasks run', () => {
  it('locks the new VM with "clone": config changes fail at once with 500, start returns a UPID whose task fails', async () => {
    const r = await api<string>('POST', '/nodes/pve1/qemu/9001/clone', { newid: 510, full: 1 });
    const res = await api<Array<{ vmid: number; lock?: string }>>('GET', '/cluster/resources', { type: 'vm' });
    expect(res.body.data.find((v) => v.vmid === 510)?.lock).toBe('clone');
    const put = await api('PUT', '/nodes/pve1/qemu/510/config', { name: 'x' });
    expect([put.status, put.reason]).toEqual([500, 'VM is locked (clone)']);
    const clone = await api('POST', '/nodes/pve1/qemu/510/clone', { newid: 511 });
    expect(clone.reason).toBe('VM is locked (clone)');
    const start = await api<string>('POST', '/nodes/pve1/qemu/510/status/start');
    expect(start.status).toBe(200);
    const t = await waitTask(api, start.body.data);
    expect(t.exitstatus).toBe('VM is locked (clone)');
    expect(t.log.at(-1)).toBe('TASK ERROR: VM is locked (clone)');
    await waitTask(api, r.body.data);
    const after = await api<Record<string, string>>('GET', '/nodes/pve1/qemu/510/config');
    expect(after.body.data.lock).toBeUndefined();
  });

  it('locks the source with "migrate" and a backup with "backup"', async () => {
    const m = await api<string>('POST', '/nodes/pve2/qemu/101/migrate', { target: 'pve3' });
    expect((await api('POST', '/nodes/pve2/qemu/101/migrate', { target: 'pve1' })).reason).toBe('VM is locked (migrate)');
    await waitTask(api, m.body.data);
    const b = await api<string>('POST', '/nodes/pve3/vzdump', { vmid: 101, storage: 'nfs-backup' });
    const resize = await api<string>('PUT', '/nodes/pve3/qemu/101/resize', { disk: 'scsi0', size: '+1G' });
    expect((await waitTask(api, resize.body.data)).exitstatus).toBe('VM is locked (backup)');
    expect((await waitTask(api, b.body.data)).exitstatus).toBe('OK');
  });

  it('refuses skiplock for an API token', async () => {
    const r = await api('POST', '/nodes/pve1/qemu/100/status/stop', { skiplock: 1 });
    expect([r.status, r.body.errors]).toEqual([400, { skiplock: 'Only root may use this option.' }]);
  });
});
