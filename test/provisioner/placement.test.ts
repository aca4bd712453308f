import { describe, expect, it } from 'vitest';
import { choosePlacement, type PlacementInput } from '../../provisioner/placement.ts';
import { ipconfig0For, net0For, systemDiskKey, withIoLimits } from '../../provisioner/pipelines/vm-config.ts';
import { defaultProductSettings } from '../../provisioner/plan/product-settings.ts';
import { resolvePlan } from '../../provisioner/plan/resolve.ts';
import type { ClusterResource } from '../../provisioner/proxmox/index.ts';

const GiB = 1024 ** 3;
const node = (name: string, freeGiB: number, status = 'online'): ClusterResource => ({
  id: `node/${name}`,
  type: 'node',
  node: name,
  status,
  maxmem: 256 * GiB,
  mem: (256 - freeGiB) * GiB,
  maxcpu: 48,
  cpu: 0.1,
});
const storage = (n: string, sid: string, shared = 0): ClusterResource => ({
  id: `storage/${n}/${sid}`,
  type: 'storage',
  node: n,
  storage: sid,
  shared,
  status: 'available',
});

const cluster: ClusterResource[] = [
  node('pve1', 100),
  node('pve2', 200),
  node('pve3', 250, 'offline'),
  node('pve4', 150),
  ...['pve1', 'pve2', 'pve3'].map((n) => storage(n, 'local-lvm')),
  ...['pve1', 'pve2', 'pve3', 'pve4'].map((n) => storage(n, 'ceph-vm', 1)),
];

const input = (o: Partial<PlacementInput> = {}): PlacementInput => ({
  resources: cluster,
  template: { node: 'pve1', storage: 'local-lvm' },
  pinned: null,
  storage: null,
  cloneType: 'linked',
  memoryMb: 4096,
  migrationEnabled: true,
  ...o,
});

describe('node placement', () => {
  it('picks the online node with the most free memory that has the storage, and migrates a full clone there', () => {
    expect(choosePlacement(input())).toMatchObject({ target: 'pve2', cloneTarget: null, migrate: true, full: true, targetStorage: '1' });
  });

  it('clones a shared-storage template straight to the target, keeping a linked clone', () => {
    expect(choosePlacement(input({ template: { node: 'pve1', storage: 'ceph-vm' } }))).toMatchObject({
      target: 'pve2',
      cloneTarget: 'pve2',
      migrate: false,
      full: false,
    });
  });

  it('counts memory already promised to in-flight deploys', () => {
    expect(choosePlacement(input({ reservedMb: { pve2: 150 * 1024 } })).target).toBe('pve1');
  });

  it('honours a pinned node, and stays on the template node when the pinned node cannot take the VM', () => {
    expect(choosePlacement(input({ pinned: 'pve1' }))).toMatchObject({ target: 'pve1', migrate: false });
    const p = choosePlacement(input({ pinned: 'pve4' }));
    expect(p).toMatchObject({ target: 'pve1', migrate: false });
    expect(p.note).toMatch(/pinned node pve4 .* staying on template node pve1/);
  });

  it('stays on the template node when migration is disabled or nothing fits', () => {
    expect(choosePlacement(input({ migrationEnabled: false })).note).toMatch(/migration is disabled/);
    expect(choosePlacement(input({ memoryMb: 300 * 1024 }))).toMatchObject({ target: 'pve1', migrate: false });
  });

  it('maps the disk to the plan storage on migration', () => {
    expect(choosePlacement(input({ storage: 'ceph-vm' }))).toMatchObject({ target: 'pve2', migrate: true, targetStorage: 'ceph-vm' });
  });
});

describe('VM config values', () => {
  const plan = resolvePlan({
    ...defaultProductSettings(),
    osTemplate: 9000,
    bandwidth: 12.5,
    dhcpIpv4: false,
    dhcpIpv6: false,
    ipv6Count: 1,
  });
  const net = {
    bridge: 'vmbr1',
    vlan: 10,
    ipv4: [{ address: '192.0.2.5', family: 'ipv4' as const, prefix: 24, gateway: '192.0.2.1', dns: ['8.8.8.8'], poolId: 1 }],
    ipv6: [{ address: '2001:db8::5', family: 'ipv6' as const, prefix: 64, gateway: '2001:db8::1', dns: [], poolId: 2 }],
  };

  it('keeps the MAC and model of the clone, sets bridge, VLAN, rate and the firewall flag', () => {
    expect(net0For('virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1', plan, net)).toBe(
      'virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,firewall=1,tag=10,rate=12.5',
    );
    expect(
      net0For(
        'e1000=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=5,rate=3',
        { ...plan, network: { ...plan.network, model: 'virtio', rateMbps: 0 } },
        { ...net, vlan: 0 },
      ),
    ).toBe('virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,firewall=1');
  });

  it('writes static addresses or dhcp into ipconfig0', () => {
    expect(ipconfig0For(plan, net)).toBe('ip=192.0.2.5/24,gw=192.0.2.1,ip6=2001:db8::5/64,gw6=2001:db8::1');
    expect(ipconfig0For({ ...plan, network: { ...plan.network, dhcpIpv4: true, dhcpIpv6: true } }, { ...net, ipv4: [], ipv6: [] })).toBe(
      'ip=dhcp,ip6=dhcp',
    );
  });

  it('omits I/O limits of 0 (unlimited) and keeps the rest of the drive', () => {
    const d = { storage: null, sizeGb: 0, mbpsRd: 100, mbpsWr: 0, iopsRd: 0, iopsWr: 500 };
    expect(withIoLimits('local-lvm:vm-1-disk-0,iothread=1,size=10G,mbps_wr=9,iops_rd=3', d)).toBe(
      'local-lvm:vm-1-disk-0,iothread=1,size=10G,mbps_rd=100,iops_wr=500',
    );
  });

  it('finds the boot disk, not the cloud-init drive', () => {
    expect(systemDiskKey({ boot: 'order=ide2;virtio0', ide2: 'local-lvm:vm-1-cloudinit,media=cdrom', virtio0: 'x:1' })).toBe('virtio0');
    expect(systemDiskKey({ ide2: 'local-lvm:vm-1-cloudinit,media=cdrom', scsi0: 'x:1' })).toBe('scsi0');
  });
});
