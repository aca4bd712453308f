import { describe, expect, it } from 'vitest';
import {
  diffAdditionalDisk,
  diffCpuRam,
  diffDiskSize,
  diffFirewallOptions,
  diffIpset,
  diffProperty,
  mergeChanges,
  samePropertyString,
} from '../../provisioner/lifecycle/config-diff.ts';
import { parseSize, resizeDecision } from '../../provisioner/lifecycle/disk-size.ts';
import { diffIpCount } from '../../provisioner/lifecycle/ip-count.ts';
import { checkIdentity } from '../../provisioner/lifecycle/identity.ts';
import { macOfNic, withMac } from '../../provisioner/lifecycle/mac.ts';

const config = {
  cores: 2,
  sockets: 1,
  memory: '2048',
  scsi0: 'local-lvm:vm-101-disk-0,iothread=1,size=20G',
  net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=10',
  ipconfig0: 'gw=192.0.2.1,ip=192.0.2.10/24',
};

describe('disk sizes', () => {
  it.each([
    ['32G', 32 * 1024 ** 3],
    ['512M', 512 * 1024 ** 2],
    ['1.5T', 1.5 * 1024 ** 4],
    ['4096', 4096],
    ['10g', 10 * 1024 ** 3],
    ['lots', undefined],
    [undefined, undefined],
  ])('parses %s as %s bytes', (s, bytes) => expect(parseSize(s)).toBe(bytes));

  it.each([
    [20, 30, { kind: 'grow', size: '30G' }],
    [20, 20, { kind: 'same' }],
    [20, 10, { kind: 'shrink', reason: 'shrink not allowed by Proxmox' }],
    [20, 0, { kind: 'same' }],
  ])('a %i GB disk asked to be %i GB is %o', (cur, want, decision) => expect(resizeDecision(cur * 1024 ** 3, want)).toEqual(decision));

  it('refuses to guess when the current size is unknown', () => expect(resizeDecision(undefined, 10).kind).toBe('unknown'));
});

describe('change-package config diff', () => {
  const want = { cores: 2, sockets: 1, memoryMb: 2048 };

  it('reports no change for CPU/RAM when cores, sockets and memory match', () => {
    expect(diffCpuRam(config, want)).toEqual({ kind: 'none' });
    expect(diffCpuRam({ ...config, memory: 'current=2048' }, want)).toEqual({ kind: 'none' });
  });

  it('lists only the changed CPU/RAM values', () => {
    const d = diffCpuRam(config, { ...want, memoryMb: 4096 });
    expect(d).toMatchObject({ kind: 'change', params: { memory: 4096 }, summary: 'memory 2048 → 4096' });
    expect(d.kind === 'change' && Object.keys(d.params)).toEqual(['memory']);
  });

  it('grows, skips equal and rejects smaller system disks', () => {
    expect(diffDiskSize(config, 'scsi0', 40)).toEqual({ kind: 'grow', size: '40G' });
    expect(diffDiskSize(config, 'scsi0', 20)).toEqual({ kind: 'same' });
    expect(diffDiskSize(config, 'scsi0', 10).kind).toBe('shrink');
    expect(diffDiskSize(config, 'scsi0', 0)).toEqual({ kind: 'same' });
  });

  it('treats a property string with reordered options as unchanged', () => {
    expect(samePropertyString('gw=192.0.2.1,ip=192.0.2.10/24', config.ipconfig0)).toBe(true);
    expect(diffProperty(config, 'ipconfig0', 'ip=192.0.2.10/24,gw=192.0.2.1')).toEqual({ kind: 'none' });
    expect(diffProperty(config, 'net0', 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,firewall=1,tag=10')).toMatchObject({
      kind: 'change',
      params: { net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,firewall=1,tag=10' },
    });
    expect(diffProperty(config, 'net0', undefined)).toEqual({ kind: 'none' });
  });

  it('merges the changes of several keys into one config update', () => {
    const m = mergeChanges(
      diffProperty(config, 'net0', 'virtio,bridge=vmbr1'),
      { kind: 'none' },
      diffProperty(config, 'ipconfig1', 'ip=dhcp'),
    );
    expect(m).toMatchObject({ kind: 'change', params: { net0: 'virtio,bridge=vmbr1', ipconfig1: 'ip=dhcp' } });
    expect(mergeChanges({ kind: 'none' })).toEqual({ kind: 'none' });
  });

  it('follows the additional-disk special cases', () => {
    const withDisk = { ...config, scsi1: 'local-lvm:vm-101-disk-1,size=10G' };
    expect(diffAdditionalDisk(config, 'scsi1', 'local-lvm', 0)).toEqual({ kind: 'none' });
    expect(diffAdditionalDisk(withDisk, 'scsi1', 'local-lvm', 0)).toEqual({
      kind: 'delete',
      key: 'scsi1',
      volume: 'local-lvm:vm-101-disk-1',
    });
    expect(diffAdditionalDisk(config, 'scsi1', 'local-lvm', 10)).toEqual({ kind: 'create', key: 'scsi1', value: 'local-lvm:10' });
    expect(diffAdditionalDisk(withDisk, 'scsi1', 'local-lvm', 10)).toEqual({ kind: 'none' });
  });

  it('diffs firewall options and the anti-spoofing IP set', () => {
    expect(diffFirewallOptions({ enable: 1, ipfilter: 1 }, { enable: 1, ipfilter: 1 })).toEqual({ kind: 'none' });
    expect(diffFirewallOptions({ enable: 0 }, { enable: 1 })).toMatchObject({ params: { enable: 1 } });
    expect(diffIpset(['192.0.2.10/32', '192.0.2.11'], ['192.0.2.10', '192.0.2.12'])).toEqual({
      add: ['192.0.2.12'],
      remove: ['192.0.2.11'],
    });
  });

  it('allocates the shortfall or releases the excess of an IP family', () => {
    expect(diffIpCount(['a', 'b'], 2)).toEqual({ kind: 'none' });
    expect(diffIpCount(['a'], 3)).toEqual({ kind: 'allocate', count: 2 });
    expect(diffIpCount(['a', 'b', 'c'], 1)).toEqual({ kind: 'release', ips: ['b', 'c'] });
    expect(diffIpCount(['a'], 0)).toEqual({ kind: 'release', ips: ['a'] });
  });
});

describe('VM identity', () => {
  const rec = { vmid: 101, name: 'vm-5546', uuid: 'AAAA-1', tags: ['pvebridge'] };
  const ours = { name: 'vm-5546', smbios1: 'uuid=aaaa-1', tags: 'pvebridge;web' };

  it('accepts the VM recorded at clone', () => expect(checkIdentity(rec, ours)).toEqual({ ok: true }));

  it.each([
    ['another name', { ...ours, name: 'someone-else' }],
    ['another smbios uuid', { ...ours, smbios1: 'uuid=bbbb-2' }],
    ['missing tag', { ...ours, tags: 'web' }],
  ])('refuses a VM with %s under the same VMID', (_why, cfg) => expect(checkIdentity(rec, cfg).ok).toBe(false));

  it('refuses when nothing but the VMID is known', () => expect(checkIdentity({ vmid: 101, name: null, uuid: null }, ours).ok).toBe(false));
});

describe('MAC of a NIC', () => {
  it.each([
    ['virtio=BC:24:11:AA:BB:CC,bridge=vmbr0', 'BC:24:11:AA:BB:CC'],
    ['model=virtio,macaddr=BC:24:11:AA:BB:CC,bridge=vmbr0', 'BC:24:11:AA:BB:CC'],
    ['virtio,bridge=vmbr0', undefined],
  ])('reads the MAC of %s', (nic, mac) => expect(macOfNic(nic)).toBe(mac));

  it.each([
    ['virtio=BC:24:11:00:00:01,bridge=vmbr1,tag=10', 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,tag=10'],
    ['virtio,bridge=vmbr0', 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0'],
    ['model=e1000,macaddr=BC:24:11:00:00:01', 'model=e1000,macaddr=BC:24:11:AA:BB:CC'],
  ])('puts the kept MAC into %s', (nic, out) => expect(withMac(nic, 'BC:24:11:AA:BB:CC')).toBe(out));

  it('leaves the NIC alone without a MAC to keep', () =>
    expect(withMac('virtio=BC:24:11:00:00:01', undefined)).toBe('virtio=BC:24:11:00:00:01'));
});
