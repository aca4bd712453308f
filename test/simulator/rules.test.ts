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

const config = async (node: string, vmid: number) =>
  (await api<Record<string, string | number>>('GET', `/nodes/${node}/qemu/${vmid}/config`)).body.data;
const run = async (method: string, path: string, params: Record<string, string | number> = {}) => {
  const r = await api<string>(method, path, params);
  expect(r.status, r.reason).toBe(200);
  return waitTask(api, r.body.data);
};

describe('clone rules', () => {
  it('refuses a linked clone of a VM that is not a template, with Proxmox text', async () => {
    const r = await api('POST', '/nodes/pve1/qemu/100/clone', { newid: 600, full: 0 });
    expect([r.status, r.reason]).toEqual([500, "Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)"]);
  });

  it('allows storage and format only for full clones', async () => {
    const r = await api('POST', '/nodes/pve1/qemu/9000/clone', { newid: 600, storage: 'ceph-vm' });
    expect(r.reason).toBe("parameter 'storage' not allowed for linked clones");
    expect(
      (await run('POST', '/nodes/pve1/qemu/9000/clone', { newid: 600, full: 1, storage: 'ceph-vm', name: 'full-600' })).exitstatus,
    ).toBe('OK');
    expect(await config('pve1', 600)).toMatchObject({
      name: 'full-600',
      scsi0: 'ceph-vm:vm-600-disk-0,iothread=1,size=10G',
      ide2: 'ceph-vm:vm-600-cloudinit,media=cdrom',
    });
  });

  it('makes a linked clone of a template by default, on the base volume, with new MACs', async () => {
    await run('POST', '/nodes/pve1/qemu/9000/clone', { newid: 601, name: 'linked' });
    const c = await config('pve1', 601);
    expect(c.scsi0).toBe('local-lvm:base-9000-disk-0/vm-601-disk-0,iothread=1,size=10G');
    expect(c.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=1$/);
    expect(c.net0).not.toBe((await config('pve1', 9000)).net0);
    expect(c.template).toBeUndefined();
  });

  it('needs shared storage to clone to another node', async () => {
    expect((await api('POST', '/nodes/pve1/qemu/9000/clone', { newid: 602, target: 'pve2' })).reason).toBe(
      "can't clone VM to node 'pve2' (VM uses local storage)",
    );
    expect((await api('POST', '/nodes/pve1/qemu/100/clone', { newid: 602, target: 'pve2', storage: 'local-lvm' })).reason).toBe(
      "can't clone to non-shared storage 'local-lvm'",
    );
    await run('POST', '/nodes/pve1/qemu/9001/clone', { newid: 602, target: 'pve2' });
    expect((await api('GET', '/nodes/pve2/qemu/602/config')).status).toBe(200);
  });

  it('refuses a newid that already exists', async () => {
    expect((await api('POST', '/nodes/pve1/qemu/9000/clone', { newid: 100 })).reason).toBe(
      'unable to create VM 100: config file already exists',
    );
  });
});

describe('resize', () => {
  it('is a task; growing works, shrinking fails inside the task, a cdrom cannot be resized', async () => {
    await run('POST', '/nodes/pve1/qemu/9000/clone', { newid: 610 });
    expect((await run('PUT', '/nodes/pve1/qemu/610/resize', { disk: 'scsi0', size: '+5G' })).exitstatus).toBe('OK');
    expect((await config('pve1', 610)).scsi0).toMatch(/size=15G/);
    expect((await run('PUT', '/nodes/pve1/qemu/610/resize', { disk: 'scsi0', size: '20G' })).exitstatus).toBe('OK');
    const shrink = await api<string>('PUT', '/nodes/pve1/qemu/610/resize', { disk: 'scsi0', size: '8G' });
    expect(shrink.status).toBe(200);
    const t = await waitTask(api, shrink.body.data);
    expect(t.exitstatus).toBe('shrinking disks is not supported');
    expect(t.log.at(-1)).toBe('TASK ERROR: shrinking disks is not supported');
    expect((await run('PUT', '/nodes/pve1/qemu/610/resize', { disk: 'ide2', size: '+1G' })).exitstatus).toBe("you can't resize a cdrom");
    expect((await run('PUT', '/nodes/pve1/qemu/610/resize', { disk: 'scsi5', size: '+1G' })).exitstatus).toBe(
      "disk 'scsi5' does not exist",
    );
  });
});

describe('migrate', () => {
  it('refuses the local node, and a running VM without online', async () => {
    const local = await api('POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve1' });
    expect([local.status, local.body.errors]).toEqual([400, { target: 'target is local node.' }]);
    expect((await api('POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2' })).reason).toBe(
      "can't migrate running VM without --online",
    );
  });

  it('moves an offline VM with local disks, mapping storages with targetstorage', async () => {
    await run('POST', '/nodes/pve1/qemu/100/clone', { newid: 620, full: 1 });
    expect((await run('POST', '/nodes/pve1/qemu/620/migrate', { target: 'pve3', targetstorage: 'local-lvm:ceph-vm' })).exitstatus).toBe(
      'OK',
    );
    const c = await config('pve3', 620);
    expect(c.scsi0).toMatch(/^ceph-vm:vm-620-disk-0,/);
    expect((await api('GET', '/nodes/pve1/qemu/620/config')).status).toBe(500);
  });

  it('needs with-local-disks to live-migrate a running VM with local disks', async () => {
    const t = await run('POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2', online: 1 });
    expect(t.exitstatus).toMatch(/can't live migrate attached local disks without with-local-disks option/);
    expect((await run('POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2', online: 1, 'with-local-disks': 1 })).exitstatus).toBe('OK');
    expect((await api<{ status: string }>('GET', '/nodes/pve2/qemu/100/status/current')).body.data.status).toBe('running');
    await run('POST', '/nodes/pve2/qemu/100/migrate', { target: 'pve1', online: 1, 'with-local-disks': 1 });
  });
});

describe('config', () => {
  it('checks the digest', async () => {
    const c = await config('pve1', 9000);
    expect((await api('PUT', '/nodes/pve1/qemu/9000/config', { description: 'x', digest: String(c.digest) })).status).toBe(200);
    expect((await api('PUT', '/nodes/pve1/qemu/9000/config', { description: 'y', digest: String(c.digest) })).reason).toBe(
      'checksum mismatch (file change by other user?)',
    );
  });

  it('puts changes that cannot be hot-plugged on a running VM into pending, applied at the next start', async () => {
    await api('PUT', '/nodes/pve1/qemu/100/config', { memory: '4096', name: 'renamed', cores: 4 });
    const pending = (await api<Array<{ key: string; value?: unknown; pending?: unknown }>>('GET', '/nodes/pve1/qemu/100/pending')).body
      .data;
    expect(pending.find((p) => p.key === 'memory')).toEqual({ key: 'memory', value: '2048', pending: '4096' });
    expect(pending.find((p) => p.key === 'name')).toEqual({ key: 'name', value: 'renamed' });
    expect((await api<Record<string, unknown>>('GET', '/nodes/pve1/qemu/100/config', { current: 1 })).body.data.memory).toBe('2048');
    expect((await config('pve1', 100)).memory).toBe('4096');
    await run('POST', '/nodes/pve1/qemu/100/status/stop');
    await run('POST', '/nodes/pve1/qemu/100/status/start');
    expect((await api<Record<string, unknown>>('GET', '/nodes/pve1/qemu/100/config', { current: 1 })).body.data).toMatchObject({
      memory: '4096',
      cores: 4,
    });
  });

  it('allocates new disks from <storage>:<GiB>, and POST config is a task', async () => {
    const t = await run('POST', '/nodes/pve1/qemu/601/config', { scsi1: 'local-lvm:4', delete: 'ipconfig0' });
    expect(t.exitstatus).toBe('OK');
    const c = await config('pve1', 601);
    expect(c.scsi1).toBe('local-lvm:vm-601-disk-1,size=4G');
    expect(c.ipconfig0).toBeUndefined();
    expect((await api('PUT', '/nodes/pve1/qemu/601/config', {})).reason).toBe('no options specified');
  });

  it('unlinks disks to unusedN and deletes them with force', async () => {
    await api('PUT', '/nodes/pve1/qemu/601/unlink', { idlist: 'scsi1' });
    expect((await config('pve1', 601)).unused0).toBe('local-lvm:vm-601-disk-1');
    await api('PUT', '/nodes/pve1/qemu/601/unlink', { idlist: 'unused0', force: 1 });
    const content = await api<Array<{ volid: string }>>('GET', '/nodes/pve1/storage/local-lvm/content', { vmid: 601 });
    expect(content.body.data.map((v) => v.volid)).not.toContain('local-lvm:vm-601-disk-1');
  });

  it('masks cipassword in GET config', async () => {
    await api('PUT', '/nodes/pve1/qemu/601/config', { cipassword: 'S3cret!pw' });
    expect((await config('pve1', 601)).cipassword).toBe('**********');
  });
});

describe('create, template and destroy', () => {
  it('creates a VM with a disk and a cloud-init drive, converts it to a template, and destroys a clone', async () => {
    expect(
      (
        await run('POST', '/nodes/pve3/qemu', {
          vmid: 630,
          name: 'new',
          scsi0: 'local-lvm:2',
          ide2: 'local-lvm:cloudinit',
          net0: 'virtio,bridge=vmbr0',
        })
      ).exitstatus,
    ).toBe('OK');
    expect((await api('POST', '/nodes/pve3/qemu', { vmid: 630 })).reason).toBe("VM 630 already exists on node 'pve3'");
    expect((await run('POST', '/nodes/pve3/qemu/630/template')).exitstatus).toBe('OK');
    const c = await config('pve3', 630);
    expect(c).toMatchObject({ template: 1, scsi0: 'local-lvm:base-630-disk-0,size=2G' });
    await run('POST', '/nodes/pve3/qemu/630/clone', { newid: 631 });
    await run('POST', '/nodes/pve3/qemu/631/status/start');
    expect((await api('DELETE', '/nodes/pve3/qemu/631')).reason).toBe('VM 631 is running - destroy failed');
    await run('POST', '/nodes/pve3/qemu/631/status/stop');
    await api('PUT', '/nodes/pve3/qemu/631/config', { protection: 1 });
    expect((await api('DELETE', '/nodes/pve3/qemu/631')).reason).toBe("can't remove VM 631 - protection mode enabled");
    await api('PUT', '/nodes/pve3/qemu/631/config', { delete: 'protection' });
    expect((await run('DELETE', '/nodes/pve3/qemu/631', { purge: 1 })).exitstatus).toBe('OK');
    expect((await api('GET', '/nodes/pve3/qemu/631/config')).status).toBe(500);
    const vols = await api<Array<{ volid: string }>>('GET', '/nodes/pve3/storage/local-lvm/content', { vmid: 631 });
    expect(vols.body.data).toEqual([]);
  });
});
