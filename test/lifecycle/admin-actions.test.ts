import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getVm, setState } from '../../provisioner/vm-record.ts';
import { planSettings, stackGateway, waitForState } from '../provisioner/harness.ts';
import { testDialects } from '../support/db.ts';
import { allocations, FAST_TERMINATE, lifecycleStack, sent, type LifecycleStack } from './support.ts';

const admin = { type: 'admin', id: 1 };

describe.each(await testDialects())('admin VM actions through the gateway on %s', (dialect) => {
  let s: LifecycleStack;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  const post = async (sid: number, action: string, body: Record<string, unknown> = {}) => {
    const res = await gw.call(`/v1/admin/vms/${sid}/${action}`, { actor: admin, ...body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
    gw = await stackGateway(s, { terminateTimings: FAST_TERMINATE });
  });
  afterAll(async () => {
    await gw.gw.close();
    await s.close();
  });

  it('Delete Record is refused for a live VM and removes only our row in error_terminate, without Proxmox', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    expect((await post(sid, 'delete-record')).status).toBe(409);
    expect(await getVm(s.t.db, sid)).toBeDefined();
    await setState(s.t.db, sid, 'error_terminate');
    const svcBefore = await s.t.db('tblhosting').where({ id: sid }).first();
    const mark = s.sim.requestLog.length;
    expect(await post(sid, 'delete-record')).toEqual({ status: 200, body: { deleted: true } });
    expect(await getVm(s.t.db, sid)).toBeUndefined();
    expect(await s.t.db('tblhosting').where({ id: sid }).first()).toEqual(svcBefore);
    expect(s.sim.state.vms.has(vm.vmid!)).toBe(true);
    expect(s.sim.requestLog.length).toBe(mark);
  });

  it('Reset to remove touches nothing; reset to terminate re-runs the termination; unknown states are refused', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    expect((await post(sid, 'reset', { state: 'clone' })).status).toBe(400);
    await setState(s.t.db, sid, 'error_terminate');
    const mark = s.sim.requestLog.length;
    expect(await post(sid, 'reset', { state: 'remove' })).toEqual({ status: 200, body: { state: 'remove' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.sim.requestLog.length).toBe(mark);
    expect((await allocations(s, sid)).length).toBe(2);
    expect((await post(sid, 'reset', { state: 'terminate' })).status).toBe(200);
    await waitForState(s, sid, 'remove');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.sim.state.vms.has(vm.vmid!)).toBe(false);
    expect(await allocations(s, sid)).toEqual([]);
  });

  it('Redeploy is refused while ready and rebuilds a VM stuck mid-deploy', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    expect((await post(sid, 'redeploy')).status).toBe(409);
    await setState(s.t.db, sid, 'set_network');
    const mark = s.sim.requestLog.length;
    expect(await post(sid, 'redeploy')).toEqual({ status: 200, body: { state: 'redeploy' } });
    await waitForState(s, sid, 'ready');
    const after = (await getVm(s.t.db, sid))!;
    expect(after.vmUuid).not.toBe(vm.vmUuid);
    expect(sent(s, 'DELETE', new RegExp(`/qemu/${vm.vmid}$`), mark)).toBe(1);
    expect(s.sim.state.vms.get(after.vmid!)!.status).toBe('running');
  });

  it('a client reinstall needs REINSTALL typed exactly, an offered template, ownership and no lock', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    await s.t.db('tblhosting').where({ id: sid }).update({ domainstatus: 'Active' });
    const client = { type: 'client', id: s.seeded.clientId };
    const reinstall = (body: Record<string, unknown>) =>
      gw
        .call(`/v1/admin/vms/${sid}/reinstall`, body)
        .then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    expect((await reinstall({ actor: client, confirm: 'reinstall' })).status).toBe(400);
    expect((await reinstall({ actor: { type: 'client', id: s.seeded.clientId + 999 }, confirm: 'REINSTALL' })).status).toBe(403);
    expect((await reinstall({ actor: client, confirm: 'REINSTALL', template: 9002 })).status).toBe(400);
    s.sim.faults.set({ stuckLocks: [{ vmid: vm.vmid!, lock: 'snapshot' }] });
    const locked = await reinstall({ actor: client, confirm: 'REINSTALL' });
    s.sim.faults.set({});
    expect(locked.status).toBe(409);
    expect(JSON.stringify(locked.body)).toMatch(/locked by another operation \(snapshot\)/);
    expect((await getVm(s.t.db, sid))!.state).toBe('ready');

    const net0 = s.sim.state.vms.get(vm.vmid!)!.config.net0;
    expect(await reinstall({ actor: client, confirm: 'REINSTALL' })).toEqual({ status: 200, body: { state: 'reinstall', template: 9000 } });
    await new Promise((r) => setTimeout(r, 50));
    await waitForState(s, sid, 'ready');
    expect(s.sim.state.vms.get(vm.vmid!)!.config.net0).toBe(net0);
  });

  it('suspend stops a running VM and unsuspend starts it again; both are idempotent', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const params = { actor: { type: 'system' }, params: { serviceid: sid } };
    const pve = await s.env.pve(vm.serverId);
    // The simulator advances its tasks when asked, as a client polling Proxmox would.
    const power = async () => (await pve.nodes(vm.node!).qemu(vm.vmid!).status.current.get()).status;
    const settle = async (status: string) => {
      for (let i = 0; i < 200 && (await power()) !== status; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await power()).toBe(status);
    };
    const mark = s.sim.requestLog.length;
    expect((await gw.call('/v1/whmcs/SuspendAccount', params)).status).toBe(200);
    await settle('stopped');
    expect((await gw.call('/v1/whmcs/SuspendAccount', params)).status).toBe(200);
    expect(sent(s, 'POST', /\/status\/stop$/, mark)).toBe(1);
    expect((await gw.call('/v1/whmcs/UnsuspendAccount', params)).status).toBe(200);
    await settle('running');
    expect((await gw.call('/v1/whmcs/UnsuspendAccount', params)).status).toBe(200);
    expect(sent(s, 'POST', /\/status\/start$/, mark)).toBe(1);
  });
  it('TerminateAccount returns at once and the pipeline removes the VM in the background', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const t0 = Date.now();
    const res = await gw.call('/v1/whmcs/TerminateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'success' });
    expect(Date.now() - t0).toBeLessThan(1000);
    await waitForState(s, sid, 'remove');
    expect(s.sim.state.vms.has(vm.vmid!)).toBe(false);
    expect(await allocations(s, sid)).toEqual([]);
    const entries = await s.t.db('tblactivitylog').where('description', 'like', `Service ID: ${sid} -%`);
    expect(entries.map((e) => e.description)).toEqual([`Service ID: ${sid} - VM ${vm.vmid} terminated successfully`]);
  });
});
