// Every client method against the simulator (the contract between client and Proxmox API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { createProxmoxClient, encodeSshKeys, type ProxmoxClient } from '../../provisioner/proxmox/index.ts';
import type { Simulator } from '../../simulator/index.ts';
import { startTestSimulator } from '../simulator/harness.ts';

let sim: Simulator;
let pve: ProxmoxClient;
let backend: net.Server;
beforeAll(async () => {
  backend = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  sim = await startTestSimulator({ scenario: { vnc: { backend: `127.0.0.1:${(backend.address() as net.AddressInfo).port}` } } });
  pve = createProxmoxClient({ baseUrl: sim.baseUrl, tokenId: sim.tokenId, secret: sim.secret, pollIntervalMs: 20 });
});
afterAll(async () => {
  await pve.close();
  await sim.close();
  await new Promise<void>((r) => backend.close(() => r()));
});

describe('cluster, access, nodes and storage', () => {
  it('reads version, permissions, resources, nextid, nodes and node status', async () => {
    expect((await pve.version.get()).release).toBe('9.1');
    expect((await pve.access.permissions.get())['/']?.['VM.Allocate']).toBe(1);
    const templates = (await pve.cluster.resources.get({ type: 'vm' })).filter((r) => r.template === 1);
    expect(templates.map((t) => t.vmid)).toEqual([9000, 9001, 9002]);
    expect(await pve.cluster.nextid.get()).toBe(102);
    expect(await pve.cluster.nextid.get({ vmid: 4000 })).toBe(4000);
    expect((await pve.nodes.get()).map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(await pve.nodes('pve1').status.get()).toMatchObject({ cpuinfo: { cpus: 48 } });
  });

  it('lists storages, their status and content', async () => {
    const n = pve.nodes('pve1');
    expect((await n.storage.get({ content: 'images' })).map((s) => s.storage)).toEqual(['local-lvm', 'ceph-vm']);
    expect((await n.storage('ceph-vm').status.get()).shared).toBe(1);
    const isos = await n.storage('local').content.get({ content: 'iso' });
    expect(isos.map((i) => i.volid)).toContain('local:iso/myimage.iso');
    expect(await n.storage('local').content('local:iso/myimage.iso').get()).toMatchObject({ format: 'iso' });
  });
});

describe('VM lifecycle', () => {
  const vm = () => pve.nodes('pve1').qemu(300);

  it('clones, configures, starts and inspects a VM', async () => {
    const upid = await pve.nodes('pve1').qemu(9000).clone.send({ newid: 300, name: 'client-300' });
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmclone:9000:root@pam!ci:$/);
    const result = await pve.tasks.wait(upid);
    expect(result).toMatchObject({ ok: true, exitstatus: 'OK', node: 'pve1', type: 'qmclone' });
    expect((await pve.tasks.wait('pve1', upid)).ok).toBe(true);
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMOuADVHMs6nMubbfBw49HbhAoaKfhRaWR/FtDllBhy4 user@host';
    await vm().config.put({
      cores: 2,
      memory: '2048',
      ipconfig0: 'ip=192.0.2.30/24,gw=192.0.2.1',
      sshkeys: encodeSshKeys(key),
      ciuser: 'admin',
    });
    await vm().config.run({ description: 'async update' });
    const cfg = await vm().config.get();
    expect(cfg).toMatchObject({ name: 'client-300', cores: 2, description: 'async update', sshkeys: encodeURIComponent(key) });
    expect(typeof cfg.digest).toBe('string');
    await vm().cloudinit.put();
    await vm().status.start.run();
    expect((await vm().status.current.get()).status).toBe('running');
    await vm().config.put({ memory: '4096' });
    expect((await vm().pending.get()).find((p) => p.key === 'memory')).toMatchObject({ pending: '4096' });
    const points = await vm().rrddata.get({ timeframe: 'hour' });
    expect(points).toHaveLength(60);
  });

  it('runs every power action', async () => {
    for (const action of ['suspend', 'resume', 'reboot', 'reset', 'shutdown', 'start', 'stop'] as const) {
      const r = await vm().status[action].run();
      expect(r.ok, action).toBe(true);
    }
    expect((await vm().status.current.get()).status).toBe('stopped');
  });

  it('resizes, snapshots, migrates and unlinks', async () => {
    await vm().resize.run({ disk: 'scsi0', size: '+2G' });
    expect(String((await vm().config.get()).scsi0)).toMatch(/size=12G/);
    await vm().snapshot.run({ snapname: 's1', description: 'one' });
    expect((await vm().snapshot.get()).map((s) => s.name)).toEqual(['s1', 'current']);
    expect((await vm().snapshot('s1').config.get()).name).toBe('client-300');
    await vm().snapshot('s1').config.put({ description: 'uno' });
    await vm().snapshot('s1').rollback.run();
    await vm().snapshot('s1').delete.run();
    await vm().config.put({ scsi1: 'local-lvm:1' });
    await vm().unlink.put({ idlist: 'scsi1', force: true });
    expect((await vm().config.get()).scsi1).toBeUndefined();
    await vm().migrate.run({ target: 'pve2', targetstorage: 'ceph-vm' });
    expect((await pve.nodes('pve2').qemu.get()).map((v) => v.vmid)).toContain(300);
    await pve.nodes('pve2').qemu(300).migrate.run({ target: 'pve1', targetstorage: 'local-lvm' });
  });

  it('manages the VM firewall', async () => {
    const f = vm().firewall;
    await f.options.put({ enable: true, ipfilter: true });
    expect(await f.options.get()).toMatchObject({ enable: 1, ipfilter: 1 });
    await f.rules.post({ type: 'in', action: 'ACCEPT', dport: '22', proto: 'tcp' });
    await f.rules.post({ type: 'in', action: 'DROP', pos: 1 });
    await f.rules(0).put({ comment: 'ssh' });
    expect((await f.rules(0).get()).comment).toBe('ssh');
    await f.rules(0).put({ moveto: 2 });
    expect((await f.rules.get()).map((r) => r.action)).toEqual(['DROP', 'ACCEPT']);
    await f.rules(0).delete();
    await f.ipset.post({ name: 'ipfilter-net0' });
    await f.ipset('ipfilter-net0').post({ cidr: '192.0.2.30/32' });
    await f.ipset('ipfilter-net0').cidr('192.0.2.30/32').put({ comment: 'primary' });
    expect(await f.ipset('ipfilter-net0').cidr('192.0.2.30/32').get()).toMatchObject({ comment: 'primary' });
    expect((await f.ipset('ipfilter-net0').get()).map((e) => e.cidr)).toEqual(['192.0.2.30/32']);
    await f.ipset('ipfilter-net0').cidr('192.0.2.30/32').delete();
    await f.ipset('ipfilter-net0').delete();
    expect(await f.ipset.get()).toEqual([]);
  });

  it('backs up, restores, deletes the backup and destroys the VM', async () => {
    await pve.nodes('pve1').vzdump.run({ vmid: 300, storage: 'nfs-backup', compress: 'zstd', 'notes-template': '{{guestname}}' });
    const [backup] = await pve.nodes('pve1').storage('nfs-backup').content.get({ content: 'backup', vmid: 300 });
    expect(backup).toMatchObject({ notes: 'client-300' });
    await pve.nodes('pve1').storage('nfs-backup').content(backup!.volid).put({ notes: 'kept' });
    await pve.nodes('pve1').qemu.create.run({ vmid: 300, archive: backup!.volid, force: true });
    await pve.nodes('pve1').storage('nfs-backup').content(backup!.volid).delete.run();
    await vm().destroy.run({ purge: true });
    await expect(vm().config.get()).rejects.toMatchObject({ kind: 'not_found', status: 500 });
  });

  it('creates a VM, converts it to a template, and lists tasks', async () => {
    const q = pve.nodes('pve3').qemu;
    await q.create.run({ vmid: 310, name: 'tpl', scsi0: 'local-lvm:1', net0: 'virtio,bridge=vmbr0' });
    await q(310).template.run();
    expect((await q(310).config.get()).template).toBe(1);
    const tasks = await pve.nodes('pve3').tasks.get();
    const upid = tasks[0]!.upid;
    expect((await pve.nodes('pve3').tasks(upid).status.get()).status).toBe('stopped');
    expect((await pve.nodes('pve3').tasks(upid).log.get()).at(-1)?.t).toBe('TASK OK');
    expect((await pve.cluster.tasks.get()).length).toBeGreaterThan(5);
    expect((await pve.waitTask(upid)).ok).toBe(true);
  });
});

describe('agent and console', () => {
  it('pings the agent, sets a password and reads interfaces', async () => {
    const vm = pve.nodes('pve1').qemu(100);
    expect(await vm.agent.ping.post()).toEqual({ result: {} });
    expect(await vm.agent.setUserPassword.post({ username: 'root', password: 'n3w-Secret' })).toEqual({ result: {} });
    expect((await vm.agent.networkGetInterfaces.get()).result.length).toBeGreaterThan(1);
  });

  it('opens a TLS console whose listener bridges to the VNC backend', async () => {
    const v = await pve.nodes('pve1').qemu(100).vncproxy.post();
    expect(v.password).toHaveLength(8);
    const socket = tls.connect({ host: '127.0.0.1', port: v.port, ca: v.cert });
    await new Promise((r) => socket.once('secureConnect', r));
    const echo = await new Promise<string>((resolve) => {
      socket.once('data', (b: Buffer) => resolve(b.toString()));
      socket.write('ping');
    });
    expect(echo).toBe('ping');
    socket.destroy();
  });
});
