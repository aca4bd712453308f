// Windows guests on the simulator: configdrive2 for cloudbase-init (admin_pass in meta_data.json,
// stored unhashed like Proxmox does for Windows), the admin account by edition, no SSH keys,
// NetBIOS computer names, and password resets through the guest agent when it answers.
import { afterEach, describe, expect, it } from 'vitest';
import { createProxmoxClient } from '../../provisioner/proxmox/index.ts';
import { netbiosName, setGuestPassword, windowsAdmin, windowsEdition } from '../../provisioner/plan/windows.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { CloudinitDrive } from '../../simulator/model/cloudinit.ts';
import { defaultScenario } from '../../simulator/model/default-scenario.ts';
import { deployStack, SERVICE_PASSWORD, stackGateway, waitForState, type Stack } from './harness.ts';

const DESKTOP = {
  vmid: 9003,
  node: 'pve2',
  status: 'stopped' as const,
  config: {
    name: 'windows-11-cloudbase',
    template: 1,
    ostype: 'win11',
    cores: 4,
    memory: '4096',
    scsi0: 'ceph-vm:base-9003-disk-0,size=40G',
    ide2: 'ceph-vm:vm-9003-cloudinit,media=cdrom',
    net0: 'virtio=BC:24:11:90:03:00,bridge=vmbr0,firewall=1',
    agent: '1',
  },
};

describe('Windows rules', () => {
  it('tells Server from desktop editions by the template name (ostype win11 covers both)', () => {
    expect(windowsEdition('windows-2022-cloudbase', 'win11')).toBe('server');
    expect(windowsEdition('Win Server 2019 Datacenter', 'win10')).toBe('server');
    expect(windowsEdition('windows-11-cloudbase', 'win11')).toBe('desktop');
    expect(windowsEdition('win10-pro', 'win10')).toBe('desktop');
    expect(windowsAdmin('server', '')).toBe('Administrator');
    expect(windowsAdmin('desktop', '')).toBe('Admin');
    expect(windowsAdmin('desktop', 'owner')).toBe('owner');
  });

  it('makes NetBIOS computer names: first label, ≤ 15 characters, no dots or underscores, not all digits', () => {
    expect(netbiosName('customer-webserver-0042.example.com')).toBe('customer-webser');
    expect(netbiosName('my_host')).toBe('my-host');
    expect(netbiosName('12345')).toBe('W12345');
    expect(netbiosName('abcdefghijklmn-x')).toBe('abcdefghijklmn');
  });
});

describe('Windows deploys', () => {
  let s: Stack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function drive(vmid: number): Promise<CloudinitDrive> {
    const res = await fetch(`${s!.sim.url}/__sim/cloudinit/${vmid}`, { headers: { Authorization: `PVEAPIToken=${s!.sim.token}` } });
    return ((await res.json()) as { data: CloudinitDrive }).data;
  }

  it.each([
    [9002, 'Administrator'],
    [9003, 'Admin'],
  ])('template %i: configdrive2, admin %s, password as admin_pass, no SSH keys, hostname ≤ 15', async (template, admin) => {
    s = await deployStack('sqlite', { scenario: { vms: [...defaultScenario().vms, DESKTOP] }, settings: { osTemplate: template } });
    const sid = s.seeded.serviceId!;
    const { gw, call } = await stackGateway(s);
    try {
      await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
      await waitForState(s, sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      expect((await s.t.db('tblhosting').where({ id: sid }).first('username')).username).toBe(admin);
      const config = s.sim.state.vms.get(vm.vmid!)!.config;
      expect(config.ciuser).toBe(admin);
      expect(config.sshkeys).toBeUndefined();
      const d = await drive(vm.vmid!);
      expect(d).toMatchObject({ format: 'configdrive2', label: 'config-2' });
      const meta = JSON.parse(d.files['/openstack/latest/meta_data.json']!) as Record<string, unknown>;
      expect(meta.admin_pass).toBe(SERVICE_PASSWORD);
      expect(meta.public_keys).toBeUndefined();
      const host = /^hostname: (.+)$/m.exec(d.files['/openstack/latest/user_data']!)![1]!;
      expect(host.length).toBeLessThanOrEqual(15);
      expect(host).toMatch(/^[A-Za-z0-9-]+$/);
      expect(d.files['/openstack/content/0000']).toMatch(/iface eth0 inet static\n\s+address 192\.0\.2\.\d+\n\s+netmask 255\.255\.255\.0/);
    } finally {
      await gw.close();
    }
  });

  it('a password reset goes through the guest agent when it answers, else into cipassword', async () => {
    s = await deployStack('sqlite');
    const pve = createProxmoxClient({ baseUrl: s.sim.baseUrl, tokenId: s.sim.tokenId, secret: s.sim.secret, pollIntervalMs: 20 });
    try {
      const vm = s.sim.state.vms.get(100)!; // running, agent on
      vm.config.ostype = 'win11';
      vm.startedAt = Date.now() - 60_000;
      expect(await setGuestPassword(pve, 'pve1', 100, 'Administrator', 'N3w-pass!')).toBe('agent');
      expect(vm.agentPasswords).toEqual(['Administrator']);
      vm.config.agent = '0'; // no guest agent configured: Proxmox refuses the agent call
      expect(await setGuestPassword(pve, 'pve1', 100, 'Administrator', 'Other-pass1')).toBe('cloudinit');
      expect(vm.config.cipassword).toBe('Other-pass1'); // Proxmox keeps Windows passwords unhashed
      expect(await setGuestPassword(pve, 'pve2', 101, 'root', 'Linux-pass1')).toBe('cloudinit'); // stopped
      expect(s.sim.state.vms.get(101)!.config.cipassword).toMatch(/^\$5\$/);
    } finally {
      await pve.close();
    }
  });
});

describe('reinstall onto a Windows template', () => {
  it('switches the login to the edition admin and renders configdrive2 for cloudbase-init', async () => {
    const { lifecycleStack } = await import('../lifecycle/support.ts');
    const { patchVm, queuePipelineState } = await import('../../provisioner/vm-record.ts');
    const { planSettings } = await import('./harness.ts');
    const s = await lifecycleStack('sqlite', { scenario: { vms: [...defaultScenario().vms, DESKTOP] } });
    try {
      const vm = await s.deployReady(planSettings);
      expect((await s.t.db('tblhosting').where({ id: vm.serviceId }).first('username')).username).not.toBe('Admin');
      await patchVm(s.t.db, vm.serviceId, { data: { reinstallTemplate: 9003 } });
      expect((await queuePipelineState(s.t.db, vm.serviceId, 'reinstall', ['ready'])).queued).toBe(true);
      const runs = await s.runTo(vm.serviceId, 'ready');
      expect(runs.at(-1), runs.at(-1)?.message).toMatchObject({ state: 'ready' });
      expect((await s.t.db('tblhosting').where({ id: vm.serviceId }).first('username')).username).toBe('Admin');
      const res = await fetch(`${s.sim.url}/__sim/cloudinit/${vm.vmid}`, { headers: { Authorization: `PVEAPIToken=${s.sim.token}` } });
      const d = ((await res.json()) as { data: CloudinitDrive }).data;
      expect(d.format).toBe('configdrive2');
      expect(s.sim.state.vms.get(vm.vmid!)!.config.ciuser).toBe('Admin');
    } finally {
      await s.close();
    }
  });
});
