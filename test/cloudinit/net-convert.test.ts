// Guest networking checked by real cloud-init: the simulator renders the cloud-init drive Proxmox
// would generate (Cloudinit.pm), and `cloud-init devel net-convert` turns its network-config into
// what the guest applies (netplan, ENI, sysconfig). We assert address, default route and DNS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listPools } from '../../provisioner/ipam/index.ts';
import { setPoolRouting } from '../../provisioner/ipam/routing.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { Simulator } from '../../simulator/index.ts';
import type { CloudinitDrive } from '../../simulator/model/cloudinit.ts';
import { defaultScenario } from '../../simulator/model/default-scenario.ts';
import { deployStack, stackGateway, waitForState, type Stack } from '../provisioner/harness.ts';
import { apiFor, startTestSimulator } from '../simulator/harness.ts';
import { has } from '../support/tools.ts';
import { defaultRoutes, netConvert, netplanEth0 } from './support.ts';

const tool = has('cloud-init');

async function drive(sim: Simulator, vmid: number): Promise<CloudinitDrive> {
  const res = await fetch(`${sim.url}/__sim/cloudinit/${vmid}`, { headers: { Authorization: `PVEAPIToken=${sim.token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: CloudinitDrive }).data;
}

describe.skipIf(!tool)('Proxmox-generated network-config through real cloud-init (nocloud)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(async () => sim?.close());

  async function configure(ipconfig0: string, nameserver = '9.9.9.9 2620:fe::fe', searchdomain = 'example.net') {
    const api = apiFor(sim);
    const r = await api('PUT', '/nodes/pve2/qemu/101/config', { ipconfig0, nameserver, searchdomain, ide2: 'ceph-vm:cloudinit' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const d = await drive(sim, 101);
    const nocloud = !sim.state.vms.get(101)!.config.citype;
    expect(d).toMatchObject(nocloud ? { format: 'nocloud', label: 'cidata' } : { format: 'configdrive2', label: 'config-2' });
    const network = d.files[nocloud ? '/network-config' : '/openstack/content/0000']!;
    // qm cloudinit dump answers the same network config.
    const dump = await api<string>('GET', '/nodes/pve2/qemu/101/cloudinit/dump', { type: 'network' });
    expect(dump.body.data).toBe(network);
    return network;
  }

  it('IPv4: address, default route and DNS in netplan, ENI and sysconfig', async () => {
    const nc = await configure('ip=198.51.100.7/24,gw=198.51.100.1');
    const eth = netplanEth0(netConvert(nc, 'yaml', 'netplan'));
    expect(eth.addresses).toEqual(['198.51.100.7/24']);
    expect(defaultRoutes(eth)).toEqual([{ family: 4, via: '198.51.100.1', reachable: true }]);
    expect(eth.nameservers).toEqual({ addresses: ['9.9.9.9', '2620:fe::fe'], search: ['example.net'] });
    const eni = netConvert(nc, 'yaml', 'eni').files['etc/network/interfaces.d/50-cloud-init']!;
    expect(eni).toMatch(/iface eth0 inet static\n\s+address 198\.51\.100\.7\/24\n\s+gateway 198\.51\.100\.1/);
    expect(eni).toContain('dns-nameservers 9.9.9.9 2620:fe::fe');
    const sc = netConvert(nc, 'yaml', 'sysconfig').files;
    expect(sc['etc/sysconfig/network-scripts/ifcfg-eth0']).toMatch(/IPADDR=198\.51\.100\.7\n[\s\S]*NETMASK=255\.255\.255\.0/);
    expect(sc['etc/sysconfig/network-scripts/ifcfg-eth0']).toContain('GATEWAY=198.51.100.1');
    expect(sc['etc/resolv.conf']).toMatch(/nameserver 9\.9\.9\.9\nnameserver 2620:fe::fe\nsearch example\.net/);
  });

  it('IPv6: address, default route and DNS', async () => {
    const nc = await configure('ip6=2001:db8:7::7/64,gw6=2001:db8:7::1');
    const eth = netplanEth0(netConvert(nc, 'yaml', 'netplan'));
    expect(eth.addresses).toEqual(['2001:db8:7::7/64']);
    expect(defaultRoutes(eth)).toEqual([{ family: 6, via: '2001:db8:7::1', reachable: true }]);
    const sc = netConvert(nc, 'yaml', 'sysconfig').files['etc/sysconfig/network-scripts/ifcfg-eth0']!;
    expect(sc).toContain('IPV6ADDR=2001:db8:7::7/64');
    expect(sc).toContain('IPV6_DEFAULTGW=2001:db8:7::1');
  });

  it('both families on one NIC', async () => {
    const nc = await configure('ip=198.51.100.7/24,gw=198.51.100.1,ip6=2001:db8:7::7/64,gw6=2001:db8:7::1');
    const eth = netplanEth0(netConvert(nc, 'yaml', 'netplan'));
    expect(eth.addresses).toEqual(['198.51.100.7/24', '2001:db8:7::7/64']);
    expect(defaultRoutes(eth).map((r) => [r.family, r.via, r.reachable])).toEqual([
      [4, '198.51.100.1', true],
      [6, '2001:db8:7::1', true],
    ]);
    const eni = netConvert(nc, 'yaml', 'eni').files['etc/network/interfaces.d/50-cloud-init']!;
    expect(eni).toMatch(/iface eth0 inet6 static\n\s+address 2001:db8:7::7\/64\n\s+gateway 2001:db8:7::1/);
  });

  it('DHCP for both families', async () => {
    const nc = await configure('ip=dhcp,ip6=dhcp');
    const eth = netplanEth0(netConvert(nc, 'yaml', 'netplan'));
    expect(eth).toMatchObject({ dhcp4: true, dhcp6: true });
    expect(eth.addresses).toBeUndefined();
    const eni = netConvert(nc, 'yaml', 'eni').files['etc/network/interfaces.d/50-cloud-init']!;
    expect(eni).toMatch(/iface eth0 inet dhcp/);
    expect(netConvert(nc, 'yaml', 'sysconfig').files['etc/sysconfig/network-scripts/ifcfg-eth0']).toContain('BOOTPROTO=dhcp');
  });

  it("routed /32 through Proxmox's ipconfig: cloud-init 22.4 renders a bare gateway4 netplan cannot reach", async () => {
    const nc = await configure('ip=203.0.113.10/32,gw=192.0.2.1');
    expect(nc).toContain("netmask: '255.255.255.255'");
    const eth = netplanEth0(netConvert(nc, 'yaml', 'netplan'));
    expect(eth.addresses).toEqual(['203.0.113.10/32']);
    // The problem the routed pools solve: a default route whose gateway is off-link, no on-link flag.
    expect(defaultRoutes(eth)).toEqual([{ family: 4, via: '192.0.2.1', reachable: false }]);
  });

  it('configdrive2 (Linux): the ENI content, parsed by cloud-init, gives the same address and gateway', async () => {
    const api = apiFor(sim);
    await api('PUT', '/nodes/pve2/qemu/101/config', { citype: 'configdrive2' });
    await configure('ip=198.51.100.7/24,gw=198.51.100.1');
    const d = await drive(sim, 101);
    expect(d.label).toBe('config-2');
    expect(JSON.parse(d.files['/openstack/latest/meta_data.json']!)).toMatchObject({ network_config: { content_path: '/content/0000' } });
    const mac = /virtio=([0-9A-F:]{17})/i.exec(sim.state.vms.get(101)!.config.net0!)![1]!.toLowerCase();
    const eth = netplanEth0(netConvert(d.files['/openstack/content/0000']!, 'eni', 'netplan', mac));
    expect(eth.addresses).toEqual(['198.51.100.7/24']);
    expect(defaultRoutes(eth)).toEqual([{ family: 4, via: '198.51.100.1', reachable: true }]);
    await api('PUT', '/nodes/pve2/qemu/101/config', { delete: 'citype' });
  });
});

describe.skipIf(!tool)('routed pool: deploy writes a netplan snippet via cicustom, the guest gets on-link default routes', () => {
  let s: Stack | undefined;
  let dir: string;
  afterEach(async () => {
    await s?.close();
    s = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('IPv4 /32 and IPv6 /128 with gateways outside, reached on-link; DNS from the pool', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvb-snippets-'));
    const storages = [
      ...defaultScenario().storages,
      { id: 'snip-nfs', type: 'nfs' as const, shared: true, content: ['snippets'], totalGiB: 10, path: dir },
    ];
    s = await deployStack('sqlite', { scenario: { storages } });
    for (const pool of await listPools(s.t.db, s.seeded.serverId))
      await setPoolRouting(s.t.db, pool.id!, { mode: 'routed', snippetStorage: 'snip-nfs', snippetDir: dir });
    const { gw, call } = await stackGateway(s);
    try {
      const sid = s.seeded.serviceId!;
      await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
      await waitForState(s, sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      const config = s.sim.state.vms.get(vm.vmid!)!.config;
      expect(config.cicustom).toBe(`network=snip-nfs:snippets/pvebridge-${vm.vmid}-network.yaml`);
      expect(config.ipconfig0).toMatch(/^ip=192\.0\.2\.\d+\/32,gw=192\.0\.2\.1,ip6=2001:db8::[0-9a-f]+\/128,gw6=2001:db8::1$/);
      const d = await drive(s.sim, vm.vmid!);
      expect(d.files['/network-config']).toBe(fs.readFileSync(path.join(dir, 'snippets', `pvebridge-${vm.vmid}-network.yaml`), 'utf8'));
      const eth = netplanEth0(netConvert(d.files['/network-config']!, 'yaml', 'netplan'));
      const v4 = /ip=([\d.]+)\//.exec(config.ipconfig0!)![1]!;
      expect(eth.addresses).toEqual([`${v4}/32`, expect.stringMatching(/^2001:db8::[0-9a-f]+\/128$/)]);
      expect(defaultRoutes(eth)).toEqual([
        { family: 4, via: '192.0.2.1', reachable: true },
        { family: 6, via: '2001:db8::1', reachable: true },
      ]);
      expect(eth.routes!.every((r) => r['on-link'] === true)).toBe(true);
      expect(eth.nameservers).toEqual({ addresses: ['192.0.2.53', '2001:db8::53'], search: ['example.com'] });
    } finally {
      await gw.close();
    }
  });
});
