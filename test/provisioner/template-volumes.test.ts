// Clone placement from the WHOLE template config (issue 17): Proxmox refuses a clone with
// `target` when any volume — disk, cloud-init drive or an ISO in a CD-ROM — is on local storage,
// and refuses to migrate a VM whose CD-ROM holds a local ISO. A template on shared storage with a
// local ISO must therefore be cloned on its node, the ISO ejected, then migrated.
import { afterEach, describe, expect, it } from 'vitest';
import { choosePlacement, templateVolumes } from '../../provisioner/placement.ts';
import type { ClusterResource } from '../../provisioner/proxmox/types.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { defaultScenario } from '../../simulator/model/default-scenario.ts';
import { apiFor } from '../simulator/harness.ts';
import { deployStack, stackGateway, waitForState, type Stack } from './harness.ts';

const TEMPLATE = {
  vmid: 9010,
  node: 'pve1',
  status: 'stopped' as const,
  config: {
    name: 'debian-12-with-iso',
    template: 1,
    ostype: 'l26',
    cores: 2,
    memory: '2048',
    scsihw: 'virtio-scsi-single',
    scsi0: 'ceph-vm:base-9010-disk-0,size=10G',
    ide0: 'local:iso/myimage.iso,media=cdrom',
    ide2: 'ceph-vm:vm-9010-cloudinit,media=cdrom',
    net0: 'virtio=BC:24:11:90:10:00,bridge=vmbr0,firewall=1',
    agent: '1',
    smbios1: 'uuid=00000000-0000-4000-8000-000000009010,manufacturer=QUNNRQ==,base64=1',
  },
};

const scenario = () => ({ vms: [...defaultScenario().vms, TEMPLATE] });

const resources: ClusterResource[] = [
  ...['pve1', 'pve2'].map((n) => ({ type: 'node', node: n, status: 'online', maxmem: 256 * 1024 ** 3, mem: 0, maxcpu: 48, cpu: 0 })),
  ...['pve1', 'pve2'].flatMap((n) => [
    { type: 'storage', node: n, storage: 'local', shared: 0, status: 'available' },
    { type: 'storage', node: n, storage: 'ceph-vm', shared: 1, status: 'available' },
  ]),
] as ClusterResource[];

describe('placement weighs every volume of the template', () => {
  const base = { resources, pinned: 'pve2', storage: null, cloneType: 'linked' as const, memoryMb: 1024, migrationEnabled: true };

  it('lists disks, the cloud-init drive and ISOs, skipping empty CD-ROMs', () => {
    expect(templateVolumes({ ...TEMPLATE.config, ide3: 'none,media=cdrom' })).toEqual([
      { key: 'scsi0', storage: 'ceph-vm', kind: 'disk' },
      { key: 'ide0', storage: 'local', kind: 'iso' },
      { key: 'ide2', storage: 'ceph-vm', kind: 'cloudinit' },
    ]);
  });

  it('a shared template with a local ISO is cloned on its node, the ISO ejected, then migrated (full)', () => {
    const p = choosePlacement({ ...base, template: { node: 'pve1', storage: 'ceph-vm', volumes: templateVolumes(TEMPLATE.config) } });
    expect(p).toMatchObject({ target: 'pve2', cloneTarget: null, migrate: true, full: true, ejectCdroms: ['ide0'] });
    expect(p.note).toMatch(/ide0 on local local/);
  });

  it('never places a disk on a storage without images content', () => {
    const withContent = resources.map((r) =>
      r.type === 'storage' ? { ...r, content: r.storage === 'local' ? 'iso,backup' : 'images' } : r,
    );
    const p = choosePlacement({ ...base, resources: withContent, storage: 'local', template: { node: 'pve1', storage: 'ceph-vm' } });
    expect(p).toMatchObject({ target: 'pve1', migrate: false, cloneTarget: null });
    expect(p.note).toMatch(/no online node has storage local|pinned node pve2 is not online or lacks storage local/);
  });

  it('a wholly shared template is cloned straight to the target, linked', () => {
    const { ide0: _iso, ...shared } = TEMPLATE.config;
    const p = choosePlacement({ ...base, template: { node: 'pve1', storage: 'ceph-vm', volumes: templateVolumes(shared) } });
    expect(p).toMatchObject({ cloneTarget: 'pve2', migrate: false, full: false, ejectCdroms: [] });
  });
});

describe('the simulator refuses like Proxmox', () => {
  let s: Stack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('clone with target: local ISO → 500 "VM uses local storage"; storage without images → 400 on storage', async () => {
    s = await deployStack('sqlite', { scenario: scenario() });
    const api = apiFor(s.sim);
    const r = await api('POST', '/nodes/pve1/qemu/9010/clone', { newid: 500, target: 'pve2' });
    expect([r.status, r.reason]).toEqual([500, "can't clone VM to node 'pve2' (VM uses local storage)"]);
    const bad = await api('POST', '/nodes/pve1/qemu/9010/clone', { newid: 500, full: 1, storage: 'local' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ storage: "storage 'local' does not support vm images" });
    const ok = await api<string>('POST', '/nodes/pve1/qemu/9010/clone', { newid: 501, full: 1 });
    expect(ok.status).toBe(200);
  });

  it('deploys from it to a pinned other node: full clone on pve1, ISO ejected, migrated, smbios1 kept with a new uuid', async () => {
    s = await deployStack('sqlite', { scenario: scenario(), settings: { osTemplate: 9010, targetNode: 'pve2', cloneType: 'linked' } });
    const { gw, call } = await stackGateway(s);
    try {
      const sid = s.seeded.serviceId!;
      expect((await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } })).status).toBe(200);
      await waitForState(s, sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      const pve = s.sim.state.vms.get(vm.vmid!)!;
      expect(pve.node).toBe('pve2');
      expect(pve.config.ide0).toBe('none,media=cdrom');
      expect(pve.config.smbios1).toMatch(/^uuid=(?!00000000-0000-4000-8000-000000009010)[0-9a-f-]{36},manufacturer=QUNNRQ==,base64=1$/);
      // The template has a vmgenid (seeded like a GUI-created VM), so the clone gets a new one.
      expect(pve.config.vmgenid).toMatch(/^[0-9a-f-]{36}$/);
      expect(pve.config.vmgenid).not.toBe(s.sim.state.vms.get(9010)!.config.vmgenid);
      const clone = s.sim.requestLog.find((e) => e.method === 'POST' && e.path.endsWith('/qemu/9010/clone'))!;
      expect(clone.params).toMatchObject({ full: '1' });
      expect(clone.params).not.toHaveProperty('target');
      expect(s.sim.requestLog.some((e) => e.path.endsWith(`/qemu/${vm.vmid}/migrate`) && e.status === 200)).toBe(true);
    } finally {
      await gw.close();
    }
  });
});
