import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, TOKEN, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  sim = await startTestSimulator();
  api = apiFor(sim);
});
afterAll(() => sim.close());

type Resource = {
  id: string;
  type: string;
  node?: string;
  vmid?: number;
  name?: string;
  template?: number;
  storage?: string;
  content?: string;
  shared?: number;
  maxdisk?: number;
  disk?: number;
  maxcpu?: number;
  maxmem?: number;
};

describe('the default cluster', () => {
  it('lists nodes with CPU and memory capacity through /cluster/resources', async () => {
    const r = await api<Resource[]>('GET', '/cluster/resources', { type: 'node' });
    expect(r.status).toBe(200);
    expect(r.body.data.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    for (const n of r.body.data) expect(n.maxcpu! > 0 && n.maxmem! > 0).toBe(true);
  });

  it('lists local and shared storages with sizes, free space and content types per node', async () => {
    const r = await api<Resource[]>('GET', '/cluster/resources', { type: 'storage' });
    const pve1 = r.body.data.filter((s) => s.node === 'pve1');
    expect(pve1.map((s) => s.storage).sort()).toEqual(['ceph-vm', 'local', 'local-lvm', 'nfs-backup']);
    const lvm = pve1.find((s) => s.storage === 'local-lvm')!;
    expect(lvm).toMatchObject({ id: 'storage/pve1/local-lvm', shared: 0, content: 'images,rootdir' });
    expect(lvm.disk! > 0 && lvm.disk! < lvm.maxdisk!).toBe(true);
    expect(pve1.find((s) => s.storage === 'nfs-backup')).toMatchObject({ shared: 1, content: 'backup,iso' });
  });

  it('has cloud-init templates on local and on shared storage, Linux and Windows', async () => {
    const r = await api<Resource[]>('GET', '/cluster/resources', { type: 'vm' });
    const templates = r.body.data.filter((v) => v.template === 1);
    expect(templates.map((t) => t.name)).toEqual(['debian-12-cloudinit', 'ubuntu-24.04-cloudinit', 'windows-2022-cloudbase']);
    const local = await api<Record<string, string>>('GET', '/nodes/pve1/qemu/9000/config');
    expect(local.body.data.scsi0).toMatch(/^local-lvm:base-9000-disk-0,/);
    expect(local.body.data.ide2).toBe('local-lvm:vm-9000-cloudinit,media=cdrom');
    const win = await api<Record<string, string>>('GET', '/nodes/pve2/qemu/9002/config');
    expect(win.body.data).toMatchObject({ ostype: 'win11', citype: 'configdrive2', ide2: 'ceph-vm:vm-9002-cloudinit,media=cdrom' });
  });

  it('offers ISO files named for the dash grouping and a backup storage', async () => {
    const local = await api<Array<{ volid: string; content: string }>>('GET', '/nodes/pve1/storage/local/content', { content: 'iso' });
    expect(local.body.data.map((v) => v.volid)).toEqual([
      'local:iso/Debian-12.7.0-amd64-netinst.iso',
      'local:iso/alpine-virt-3.20.3-x86_64.iso',
      'local:iso/myimage.iso',
    ]);
    const backups = await api<Array<{ storage: string }>>('GET', '/nodes/pve2/storage', { content: 'backup' });
    expect(backups.body.data.map((s) => s.storage)).toContain('nfs-backup');
  });

  it('exposes bridges vmbr0 and vmbr1: a VM on vmbr9 cannot start', async () => {
    await api('POST', '/nodes/pve3/qemu', { vmid: 300, net0: 'virtio,bridge=vmbr9' });
    await new Promise((r) => setTimeout(r, 50));
    const start = await api<string>('POST', '/nodes/pve3/qemu/300/status/start');
    await new Promise((r) => setTimeout(r, 50));
    const s = await api<{ exitstatus: string }>('GET', `/nodes/pve3/tasks/${encodeURIComponent(start.body.data)}/status`);
    expect(s.body.data.exitstatus).toBe("bridge 'vmbr9' does not exist");
  });

  it('answers /version, /nodes, node status and the token permissions', async () => {
    expect((await api<{ version: string; release: string }>('GET', '/version')).body.data).toMatchObject({
      version: '9.1.9',
      release: '9.1',
    });
    expect((await api<Array<{ node: string; status: string }>>('GET', '/nodes')).body.data.every((n) => n.status === 'online')).toBe(true);
    const st = await api<{ cpuinfo: { cpus: number }; memory: { total: number } }>('GET', '/nodes/pve3/status');
    expect(st.body.data.cpuinfo.cpus).toBe(24);
    const perms = await api<Record<string, Record<string, number>>>('GET', '/access/permissions', { path: '/vms/100' });
    expect(perms.body.data['/vms/100']).toMatchObject({ 'VM.Clone': 1, 'VM.Console': 1 });
  });
});

describe('protocol', () => {
  it('refuses requests without a token or with a wrong secret with 401 and no body', async () => {
    const none = await api('GET', '/version', {}, { auth: null });
    expect([none.status, none.reason]).toEqual([401, 'No ticket']);
    const wrong = await api('GET', '/version', {}, { auth: 'PVEAPIToken=root@pam!ci=wrong' });
    expect([wrong.status, wrong.reason]).toEqual([401, 'Authentication failed!']);
    const spaced = await api('GET', '/version', {}, { auth: `PVEAPIToken ${TOKEN}` });
    expect(spaced.status).toBe(200);
  });

  it('answers unknown paths and methods with 501 naming the method', async () => {
    const r = await api('GET', '/nodes/pve1/lxc');
    expect([r.status, r.reason]).toEqual([501, "Method 'GET /nodes/pve1/lxc' not implemented"]);
    expect((await api('DELETE', '/version')).status).toBe(501);
  });

  it('reports a missing VM with the config-file text as reason phrase and message', async () => {
    const r = await api('GET', '/nodes/pve2/qemu/100/config');
    expect(r.status).toBe(500);
    expect(r.reason).toBe("Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist");
    expect(r.body).toEqual({ data: null, message: "Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist\n" });
  });

  it('gives the lowest free VMID from /cluster/nextid without reserving it', async () => {
    const a = await api<string>('GET', '/cluster/nextid');
    const b = await api<string>('GET', '/cluster/nextid');
    expect(a.body.data).toBe(b.body.data);
    expect(Number(a.body.data)).toBeGreaterThan(101);
    const taken = await api('GET', '/cluster/nextid', { vmid: 100 });
    expect([taken.status, taken.body.errors]).toEqual([400, { vmid: 'VM 100 already exists' }]);
  });
});

describe('pvebridge sim (CLI)', () => {
  it('serves the default cluster on the given port with the given token', async () => {
    const port = 18600 + Math.floor(Math.random() * 300);
    const child = spawn(process.execPath, ['bin/pvebridge.js', 'sim', '--port', String(port), '--token', TOKEN], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('simulator on') && resolve());
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/api2/json/cluster/resources`, {
        headers: { Authorization: `PVEAPIToken=${TOKEN}` },
      });
      const body = (await res.json()) as { data: Resource[] };
      expect(body.data.filter((r) => r.template === 1).length).toBe(3);
    } finally {
      child.kill('SIGINT');
    }
  });
});
