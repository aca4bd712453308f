// Module API calls that reach Proxmox, against the simulator over TLS (CA pinned through the
// server's access hash, token secret decrypted from tblservers with WHMCS's scheme).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { testDialects } from '../support/db.ts';
import { admin, client, moduleApi, putVm, system, vmRow, type ModuleApi } from './module-api-support.ts';

const dialects = await testDialects();
const TOKEN = 'root@pam!pvebridge=5f1c3a9e-0000-4000-8000-00000000c0de';

describe.each(dialects)('module API with Proxmox (simulator) on %s', (dialect) => {
  let sim: Simulator;
  let api: ModuleApi;
  beforeEach(async () => {
    sim = await startSimulator({ token: TOKEN, timeScale: 0.01, tls: true });
  });
  afterEach(async () => {
    await api?.drop();
    await sim?.close();
  });

  const serverRow = () => ({
    hostname: '127.0.0.1',
    port: Number(new URL(sim.url).port),
    username: sim.tokenId,
    secure: 'on',
    accesshash: sim.ca,
  });
  const setup = async () => {
    api = await moduleApi(dialect, { tokenSecret: sim.secret, server: serverRow(), product: { configoption2: '9000' } });
    await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Active' });
    return api;
  };
  const svc = () => ({ serviceid: api.seeded.serviceId });
  const powerRequests = () => sim.requestLog.filter((r) => r.method === 'POST' && /\/status\/(start|stop)$/.test(r.path));
  /** Lets the simulated tasks finish (the simulator completes due tasks when it advances). */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 100));
    sim.state.advance();
  };

  it('stops a running VM on Suspend and starts it again on Unsuspend once ready', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    expect((await api.call('SuspendAccount', { actor: system, params: svc() })).body).toEqual({ result: 'success' });
    await settle();
    expect(sim.state.vms.get(100)!.status).toBe('stopped');
    expect((await api.call('UnsuspendAccount', { actor: system, params: svc() })).body).toEqual({ result: 'success' });
    await settle();
    expect(sim.state.vms.get(100)!.status).toBe('running');
  });

  it('leaves a stopped VM alone on Suspend, and a VM that is not ready alone on Unsuspend', async () => {
    await setup();
    await putVm(api, 'set_firewall', { vmid: 101, node: 'pve2' });
    const before = powerRequests().length;
    expect((await api.call('SuspendAccount', { actor: system, params: svc() })).status).toBe(200);
    expect((await api.call('UnsuspendAccount', { actor: system, params: svc() })).status).toBe(200);
    expect(powerRequests().length).toBe(before);
    expect(sim.state.vms.get(101)!.status).toBe('stopped');
  });

  it('sends a stop on Terminate and queues terminate without waiting for it', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    sim.state.vms.get(100)!.status = 'running';
    expect((await api.call('TerminateAccount', { actor: admin, params: svc() })).body).toEqual({ result: 'success' });
    expect((await vmRow(api)).state).toBe('terminate');
    await settle();
    expect(powerRequests().some((r) => r.path === '/nodes/pve1/qemu/100/status/stop')).toBe(true);
  });

  it('refuses Start on a running VM and Stop on a stopped one, with clear messages', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    sim.state.vms.get(100)!.status = 'running';
    const start = await api.call('Start', { actor: admin, params: svc() });
    expect(start.status).toBe(409);
    expect(start.body.error.message).toBe('The VM is already running');
    expect((await api.call('Stop', { actor: admin, params: svc() })).body).toEqual({ result: 'success' });
    await settle();
    expect(sim.state.vms.get(100)!.status).toBe('stopped');
    expect((await api.call('Stop', { actor: admin, params: svc() })).body.error.message).toBe('The VM is not running (it is stopped)');
  });

  it('lets the owning client start the VM when the product allows it', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 101, node: 'pve2', vm_name: 'db-101' });
    sim.state.vms.get(101)!.status = 'stopped';
    expect((await api.call('Start', { actor: client(api.seeded.clientId), params: svc() })).body).toEqual({ result: 'success' });
    await settle();
    expect(sim.state.vms.get(101)!.status).toBe('running');
  });

  it('refuses commands marked ** on a running VM and runs them on a stopped one', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    sim.state.vms.get(100)!.status = 'running';
    for (const fn of ['Reinstall', 'SetCPURAM', 'SetCloudinit', 'VMRemove']) {
      const res = await api.call(fn, { actor: admin, params: svc() });
      expect(res.status, fn).toBe(409);
      expect(res.body.error.message, fn).toMatch(/needs a stopped VM, and the VM is running: stop it first/);
    }
    expect((await vmRow(api)).state).toBe('ready');
    sim.state.vms.get(100)!.status = 'stopped';
    expect((await api.call('SetCPURAM', { actor: admin, params: svc() })).status).toBe(200);
    expect((await vmRow(api)).state).toBe('migrated');
    await api.t.db('mod_pvebridge_vms').update({ state: 'ready' });
    expect((await api.call('Reinstall', { actor: admin, params: svc() })).status).toBe(200);
    expect((await vmRow(api)).state).toBe('reinstall');
  });

  it('removes a stopped VM, but not one whose name is not the one recorded for the service', async () => {
    await setup();
    await putVm(api, 'ready', { vmid: 101, node: 'pve2', vm_name: 'someone-else' });
    const res = await api.call('VMRemove', { actor: admin, params: svc() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/refusing to delete a VM that is not this service's/);
    expect(sim.state.vms.has(101)).toBe(true);
    await api.t.db('mod_pvebridge_vms').update({ vm_name: 'db-101' });
    expect((await api.call('VMRemove', { actor: admin, params: svc() })).status).toBe(200);
    expect((await vmRow(api)).state).toBe('remove');
    await settle();
    expect(sim.state.vms.has(101)).toBe(false);
  });

  it('fills the product dropdowns from the cluster', async () => {
    await setup();
    const params = { pid: api.seeded.productId };
    const nodes = (await api.call('LoaderNodes', { actor: admin, params })).body.options;
    expect(nodes).toEqual({ automatically: 'Automatically (most free resources)', pve1: 'pve1', pve2: 'pve2', pve3: 'pve3' });
    const templates = (await api.call('LoaderTemplates', { actor: admin, params })).body.options;
    expect(Object.keys(templates).sort()).toEqual(['9000', '9001', '9002']);
    expect(templates['9000']).toMatch(/debian-12-cloudinit \(pve1\)/);
    const storages = (await api.call('LoaderStorages', { actor: admin, params })).body.options;
    expect(storages).toEqual({ '': 'auto (from template)', 'local-lvm': 'local-lvm', 'ceph-vm': 'ceph-vm' });
    expect((await api.call('LoaderBridges', { actor: admin, params })).body.options).toEqual({ vmbr0: 'vmbr0' });
  });

  describe('TestConnection', () => {
    const form = () => ({
      serverid: api.seeded.serverId,
      serverhostname: '127.0.0.1',
      serverport: new URL(sim.url).port,
      serversecure: 'on',
      serverusername: sim.tokenId,
      serverpassword: sim.secret,
      serveraccesshash: sim.ca,
    });

    it('succeeds with the saved server (secret decrypted from tblservers) and with the form values', async () => {
      await setup();
      expect((await api.call('TestConnection', { actor: admin, params: { serverid: api.seeded.serverId } })).body).toEqual({
        success: true,
        error: '',
      });
      expect((await api.call('TestConnection', { actor: admin, params: { ...form(), serverid: 0 } })).body).toEqual({
        success: true,
        error: '',
      });
    });

    it('says the gateway lacks the WHMCS encryption key when it cannot read the saved secret', async () => {
      api = await moduleApi(dialect, { tokenSecret: sim.secret, server: serverRow() }, { PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: '' });
      const res = await api.call('TestConnection', { actor: admin, params: { serverid: api.seeded.serverId } });
      expect(res.body).toEqual({ success: false, error: expect.stringMatching(/PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH is not set/) });
    });

    it('names a rejected token', async () => {
      await setup();
      const res = await api.call('TestConnection', { actor: admin, params: { ...form(), serverpassword: 'wrong' } });
      expect(res.body.success).toBe(false);
      expect(res.body.error).toMatch(/rejected the API token root@pam!pvebridge/);
    });

    it('names an unreachable server', async () => {
      await setup();
      const res = await api.call('TestConnection', { actor: admin, params: { ...form(), serverport: '1' } });
      expect(res.body.success).toBe(false);
      expect(res.body.error).toMatch(/not reachable at https:\/\/127\.0\.0\.1:1\/api2\/json/);
    });

    it('names a username that is not a token id', async () => {
      await setup();
      const res = await api.call('TestConnection', { actor: admin, params: { ...form(), serverusername: 'root@pam' } });
      expect(res.body.error).toMatch(/must be a Proxmox API token id \(user@realm!tokenid\)/);
    });

    it('names the privileges the token lacks on nodes and storages', async () => {
      await setup();
      const original = sim.scenario.permissions;
      const all = original['/']!;
      const { 'Sys.Audit': _sys, 'Datastore.AllocateSpace': _space, ...rest } = all;
      sim.state.scenario.permissions = { '/': rest, '/nodes/pve2': { 'Sys.Audit': 1 } };
      try {
        const res = await api.call('TestConnection', { actor: admin, params: { serverid: api.seeded.serverId } });
        expect(res.body.success).toBe(false);
        expect(res.body.error).toMatch(
          /lacks: Sys\.Audit on \/nodes\/pve1; Sys\.Audit on \/nodes\/pve3; Datastore\.AllocateSpace on \/storage\/local;/,
        );
        expect(res.body.error).not.toMatch(/\/nodes\/pve2/);
      } finally {
        sim.state.scenario.permissions = original;
      }
    });
  });
});
