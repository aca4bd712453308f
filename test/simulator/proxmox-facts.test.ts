// Facts from Proxmox's source that the simulator reproduces (simulator/README.md, "Facts and
// sources"): which calls fail at once and which fail inside their task, the one-key 400 of a
// property string, task status of token tasks, vmgenid/smbios1 on clone and restore.
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

const run = async (method: string, path: string, params: Record<string, string | number> = {}) => {
  const r = await api<string>(method, path, params);
  expect(r.status, r.reason).toBe(200);
  return waitTask(api, r.body.data);
};

describe('power actions (qemu-server Qemu.pm vm_reboot / vm_reset / vm_suspend / vm_resume / vm_shutdown)', () => {
  it.each(['reboot', 'reset', 'suspend', 'resume'])('%s of a stopped VM fails at once: 500 "VM 101 not running", no task', async (a) => {
    const before = sim.state.tasks.size;
    const r = await api('POST', `/nodes/pve2/qemu/101/status/${a}`);
    expect([r.status, r.reason]).toEqual([500, 'VM 101 not running']);
    expect(sim.state.tasks.size).toBe(before);
  });

  it('stop of a stopped VM is a task that ends OK; start of a running VM a task that fails', async () => {
    expect((await run('POST', '/nodes/pve2/qemu/101/status/stop')).exitstatus).toBe('OK');
    expect((await run('POST', '/nodes/pve1/qemu/100/status/start')).exitstatus).toBe('VM 100 already running');
  });

  it('a paused VM cannot be rebooted or shut down without forceStop', async () => {
    expect((await run('POST', '/nodes/pve1/qemu/100/status/suspend')).exitstatus).toBe('OK');
    for (const a of ['reboot', 'shutdown']) {
      const r = await api('POST', `/nodes/pve1/qemu/100/status/${a}`);
      expect([r.status, r.reason]).toEqual([500, 'VM is paused - cannot shutdown']);
    }
    expect((await run('POST', '/nodes/pve1/qemu/100/status/resume')).exitstatus).toBe('OK');
  });
});

describe('checks inside the task', () => {
  it('resize with a stale digest returns a UPID whose task fails', async () => {
    const r = await api<string>('PUT', '/nodes/pve1/qemu/100/resize', { disk: 'scsi0', size: '+1G', digest: 'a'.repeat(40) });
    expect(r.status).toBe(200);
    expect((await waitTask(api, r.body.data)).exitstatus).toBe('checksum mismatch (file change by other user?)');
  });
});

describe('400 for property strings: one key per parameter', () => {
  it('carries "invalid format - format error" and one "<param>.<sub>: …" line per error', async () => {
    const r = await api('PUT', '/nodes/pve1/qemu/100/config', { net0: 'virtio,bridge=vmbr0,tag=0,rate=-1' });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors!)).toEqual(['net0']);
    expect(r.body.errors!.net0).toBe(
      'invalid format - format error\nnet0.rate: value must have a minimum value of 0\nnet0.tag: value must have a minimum value of 1',
    );
  });
});

describe('task status of a token task (pve-manager Tasks.pm $convert_token_task)', () => {
  it('splits user@realm!tokenid into user and tokenid', async () => {
    const r = await api<string>('POST', '/nodes/pve2/qemu/101/status/stop');
    const s = await api<Record<string, unknown>>('GET', `/nodes/pve2/tasks/${encodeURIComponent(r.body.data)}/status`);
    expect(s.body.data).toMatchObject({ user: 'root@pam', tokenid: 'ci' });
    expect(r.body.data).toMatch(/:root@pam!ci:$/);
  });
});

describe('vmgenid and smbios1', () => {
  it('restore renews a set vmgenid; the smbios1 uuid only with unique, other smbios1 fields kept', async () => {
    await api('PUT', '/nodes/pve2/qemu/101/config', {
      smbios1: 'uuid=11111111-1111-4111-8111-111111111111,manufacturer=QUNNRQ==,base64=1',
    });
    const before = (await api<Record<string, string>>('GET', '/nodes/pve2/qemu/101/config')).body.data;
    expect(before.vmgenid).toBeTruthy();
    expect((await run('POST', '/nodes/pve2/vzdump', { vmid: 101, storage: 'nfs-backup' })).exitstatus).toBe('OK');
    const items = (await api<Array<{ volid: string }>>('GET', '/nodes/pve2/storage/nfs-backup/content', { content: 'backup', vmid: 101 }))
      .body.data;
    const archive = items.at(-1)!.volid;
    expect((await run('POST', '/nodes/pve2/qemu', { vmid: 710, archive })).exitstatus).toBe('OK');
    const same = (await api<Record<string, string>>('GET', '/nodes/pve2/qemu/710/config')).body.data;
    expect(same.smbios1).toBe(before.smbios1);
    expect(same.vmgenid).not.toBe(before.vmgenid);
    expect((await run('POST', '/nodes/pve2/qemu', { vmid: 711, archive, unique: 1 })).exitstatus).toBe('OK');
    const unique = (await api<Record<string, string>>('GET', '/nodes/pve2/qemu/711/config')).body.data;
    expect(unique.smbios1).toMatch(/^uuid=(?!11111111-)[0-9a-f-]{36},manufacturer=QUNNRQ==,base64=1$/);
  });

  it('clone renews the smbios1 uuid (fields kept) and a vmgenid the source had', async () => {
    expect((await run('POST', '/nodes/pve2/qemu/101/clone', { newid: 720, full: 1 })).exitstatus).toBe('OK');
    const src = sim.state.vms.get(101)!.config;
    const c = sim.state.vms.get(720)!.config;
    expect(c.smbios1).toMatch(/^uuid=(?!11111111-)[0-9a-f-]{36},manufacturer=QUNNRQ==,base64=1$/);
    expect(c.vmgenid).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.vmgenid).not.toBe(src.vmgenid);
  });
});
