import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, waitTask, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  sim = await startTestSimulator();
  api = apiFor(sim);
});
afterAll(() => sim.close());

type Item = { volid: string; content: string; vmid?: number; notes?: string; protected?: number; size: number; format: string };
const run = async (method: string, path: string, params: Record<string, string | number> = {}) => {
  const r = await api<string>(method, path, params);
  expect(r.status, r.reason).toBe(200);
  return waitTask(api, r.body.data);
};
const backups = async (vmid: number) =>
  (await api<Item[]>('GET', '/nodes/pve1/storage/nfs-backup/content', { content: 'backup', vmid })).body.data;

describe('vzdump and restore', () => {
  it('writes a backup volume with notes from the template', async () => {
    const t = await run('POST', '/nodes/pve1/vzdump', {
      vmid: 100,
      storage: 'nfs-backup',
      compress: 'zstd',
      mode: 'snapshot',
      'notes-template': '{{guestname}} on {{node}} ({{vmid}}, {{cluster}})',
    });
    expect(t.exitstatus).toBe('OK');
    const [b] = await backups(100);
    expect(b!.volid).toMatch(/^nfs-backup:backup\/vzdump-qemu-100-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.vma\.zst$/);
    expect(b).toMatchObject({ content: 'backup', vmid: 100, notes: 'web-100 on pve1 (100, simcluster)', format: 'vma.zst', protected: 0 });
  });

  it('requires storage for notes-template and refuses storages without backup content', async () => {
    const r = await api('POST', '/nodes/pve1/vzdump', { vmid: 100, 'notes-template': 'x' });
    expect(r.body.errors).toEqual({ storage: "missing property - 'notes-template' requires this property" });
    expect((await api('POST', '/nodes/pve1/vzdump', { vmid: 100, storage: 'local-lvm' })).reason).toBe(
      "storage 'local-lvm' does not support backups",
    );
  });

  it('restores through POST /nodes/{node}/qemu with archive, and needs force over an existing VM', async () => {
    const [b] = await backups(100);
    const noForce = await api('POST', '/nodes/pve1/qemu', { vmid: 100, archive: b!.volid });
    expect(noForce.reason).toBe("unable to restore VM 100 - VM 100 already exists on node 'pve1'");
    expect((await api('POST', '/nodes/pve1/qemu', { vmid: 100, archive: b!.volid, force: 1 })).reason).toBe(
      'unable to restore VM 100 - VM is running',
    );
    const mixed = await api('POST', '/nodes/pve1/qemu', { vmid: 700, archive: b!.volid, scsi0: 'local-lvm:1' });
    expect(mixed.body.errors).toEqual({ scsi0: "option conflicts with option 'archive'" });
    const t = await run('POST', '/nodes/pve1/qemu', { vmid: 700, archive: b!.volid, storage: 'ceph-vm', unique: 1 });
    expect(t.exitstatus).toBe('OK');
    const c = (await api<Record<string, string>>('GET', '/nodes/pve1/qemu/700/config')).body.data;
    expect(c).toMatchObject({ name: 'web-100', scsi0: 'ceph-vm:vm-700-disk-0,iothread=1,size=32G' });
    expect(c.lock).toBeUndefined();
    await api('PUT', '/nodes/pve1/qemu/700/config', { name: 'changed' });
    expect((await run('POST', '/nodes/pve1/qemu', { vmid: 700, archive: b!.volid, force: 1 })).exitstatus).toBe('OK');
    expect((await api<Record<string, string>>('GET', '/nodes/pve1/qemu/700/config')).body.data.name).toBe('web-100');
  });

  it('deletes content through an imgdel task; a protected backup fails inside the task', async () => {
    const [b] = await backups(100);
    await api('PUT', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(b!.volid)}`, { protected: 1 });
    const del = await api<string>('DELETE', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(b!.volid)}`);
    expect(del.body.data.split(':')[5]).toBe('imgdel');
    expect((await waitTask(api, del.body.data)).exitstatus).toBe(
      `cannot remove protected volume '${b!.volid.split(':')[1]}' on 'nfs-backup'`,
    );
    await api('PUT', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(b!.volid)}`, { protected: 0 });
    const done = await api('DELETE', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(b!.volid)}`, { delay: 5 });
    expect(done.body.data).toBeNull();
    expect(await backups(100)).toEqual([]);
  });

  it('deletes an ISO and reports storage status with free space', async () => {
    const before = (await api<{ used: number; avail: number; total: number }>('GET', '/nodes/pve2/storage/local/status')).body.data;
    await run('DELETE', `/nodes/pve2/storage/local/content/${encodeURIComponent('local:iso/myimage.iso')}`);
    const after = (await api<{ used: number; avail: number; total: number }>('GET', '/nodes/pve2/storage/local/status')).body.data;
    expect(after.used).toBe(before.used - 100 * 1024 * 1024);
    expect(after.avail + after.used).toBe(after.total);
    const pve1 = (await api<Item[]>('GET', '/nodes/pve1/storage/local/content', { content: 'iso' })).body.data;
    expect(pve1.map((i) => i.volid)).toContain('local:iso/myimage.iso');
  });
});

describe('snapshots', () => {
  it('creates, lists, reads, rolls back and deletes snapshots', async () => {
    await run('POST', '/nodes/pve1/qemu/700/snapshot', { snapname: 'before', description: 'first' });
    await api('PUT', '/nodes/pve1/qemu/700/config', { name: 'after-snap' });
    await run('POST', '/nodes/pve1/qemu/700/snapshot', { snapname: 'second' });
    const list = (await api<Array<{ name: string; parent?: string; description?: string }>>('GET', '/nodes/pve1/qemu/700/snapshot')).body
      .data;
    expect(list.map((s) => [s.name, s.parent])).toEqual([
      ['before', undefined],
      ['second', 'before'],
      ['current', 'second'],
    ]);
    expect((await run('POST', '/nodes/pve1/qemu/700/snapshot', { snapname: 'before' })).exitstatus).toBe(
      "snapshot name 'before' already used",
    );
    const snapCfg = (await api<Record<string, string>>('GET', '/nodes/pve1/qemu/700/snapshot/before/config')).body.data;
    expect(snapCfg).toMatchObject({ name: 'web-100', description: 'first' });
    await api('PUT', '/nodes/pve1/qemu/700/snapshot/before/config', { description: 'renamed' });
    expect((await run('POST', '/nodes/pve1/qemu/700/snapshot/before/rollback')).exitstatus).toBe('OK');
    const c = (await api<Record<string, string>>('GET', '/nodes/pve1/qemu/700/config')).body.data;
    expect([c.name, c.parent, c.lock]).toEqual(['web-100', 'before', undefined]);
    expect((await run('DELETE', '/nodes/pve1/qemu/700/snapshot/second')).exitstatus).toBe('OK');
    expect((await run('DELETE', '/nodes/pve1/qemu/700/snapshot/nope')).exitstatus).toBe("snapshot 'nope' does not exist");
    const names = (await api<Array<{ name: string }>>('GET', '/nodes/pve1/qemu/700/snapshot')).body.data.map((s) => s.name);
    expect(names).toEqual(['before', 'current']);
  });
});
