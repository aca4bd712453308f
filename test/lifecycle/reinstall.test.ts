import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { macOfNic } from '../../provisioner/lifecycle/mac.ts';
import { getVm, patchVm, queuePipelineState, setState } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { planSettings, SERVICE_PASSWORD } from '../provisioner/harness.ts';
import { allocations, lifecycleStack, sent, type LifecycleStack } from './support.ts';

describe.each(await testDialects())('reinstall and redeploy on %s', (dialect) => {
  let s: LifecycleStack;
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
  });
  afterAll(async () => s.close());

  it('re-clones from the chosen template keeping VMID, MAC, IPs and backups, with a new password and the ready email', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const vmid = vm.vmid!;
    const pve = await s.env.pve(vm.serverId);
    const before = { ...s.sim.state.vms.get(vmid)!.config };
    await pve.nodes(vm.node!).qemu(vmid).snapshot.run({ snapname: 'old' });
    await pve.nodes(vm.node!).vzdump.run({ vmid: String(vmid), storage: 'nfs-backup' });
    const backups = () => [...s.sim.state.volumes.values()].filter((v) => v.vmid === vmid && v.content === 'backup').map((v) => v.volid);
    expect(backups().length).toBe(1);
    const ipsBefore = await allocations(s, sid);
    const pwBefore = (await s.t.db('tblhosting').where({ id: sid }).first('password')).password;

    await patchVm(s.t.db, sid, { data: { reinstallTemplate: 9001 } });
    expect((await queuePipelineState(s.t.db, sid, 'reinstall', ['ready'])).queued).toBe(true);
    const mark = s.sim.requestLog.length;
    const lines: string[] = [];
    const runs = await s.runTo(sid, 'ready', (l) => lines.push(l));
    expect(runs.at(-1), runs.at(-1)?.message).toMatchObject({ state: 'ready' });

    const after = (await getVm(s.t.db, sid))!;
    expect(after.vmid).toBe(vmid);
    const c = s.sim.state.vms.get(vmid)!.config;
    expect(c.scsi0).toMatch(/^ceph-vm:/); // the new template's disk
    expect(macOfNic(c.net0!)).toBe(macOfNic(before.net0!));
    expect(c.net0).toBe(before.net0);
    expect(c.ipconfig0).toBe(before.ipconfig0);
    expect(c.name).toBe(before.name);
    expect(s.sim.state.vms.get(vmid)!.snapshots).toEqual({});
    expect(s.sim.state.vms.get(vmid)!.status).toBe('running');
    expect(backups().length).toBe(1);
    expect(await allocations(s, sid)).toEqual(ipsBefore);
    const pwAfter = (await s.t.db('tblhosting').where({ id: sid }).first('password')).password;
    expect(pwAfter).not.toBe(pwBefore);
    const plain = decryptWhmcsPassword(pwAfter, s.hash);
    expect(plain).not.toBe(SERVICE_PASSWORD);
    expect(plain).toMatch(/^.{16}$/);
    expect(s.whmcs.calls.filter((x) => x.id === String(sid)).map((x) => x.messagename)).toEqual([
      'puqProxmoxKVM VM is ready',
      'puqProxmoxKVM VM is ready',
    ]);
    expect(sent(s, 'DELETE', new RegExp(`/qemu/${vmid}$`), mark)).toBe(1);
    expect(sent(s, 'POST', /\/clone$/, mark)).toBe(1);
    expect(lines).toContain(`--- Reinstall complete: service=${sid} status=set_ip ---`);
  });

  it('waits while the VM is locked by a backup and goes on once the lock is gone', async () => {
    const vm = await s.deployReady(planSettings);
    s.sim.faults.set({ stuckLocks: [{ vmid: vm.vmid!, lock: 'backup' }] });
    await setState(s.t.db, vm.serviceId, 'reinstall');
    const o = await s.engine().run(vm.serviceId, undefined, { force: true });
    expect(o).toMatchObject({ result: 'waiting', state: 'reinstall', message: 'VM is locked (backup)' });
    expect(s.sim.state.vms.get(vm.vmid!)!.status).toBe('running');
    s.sim.faults.set({});
    expect((await s.runTo(vm.serviceId, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
  });

  it('redeploy destroys the VM, frees its IPs and log, and deploys afresh', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    await setState(s.t.db, sid, 'redeploy');
    const mark = s.sim.requestLog.length;
    const runs = await s.runTo(sid, 'ready');
    expect(runs.at(-1)).toMatchObject({ state: 'ready' });
    expect(sent(s, 'DELETE', new RegExp(`/qemu/${vm.vmid}$`), mark)).toBe(1);
    expect(sent(s, 'POST', /\/clone$/, mark)).toBe(1);
    const again = (await getVm(s.t.db, sid))!;
    expect(again.vmUuid).not.toBe(vm.vmUuid); // a new VM (the freed VMID may be reserved again)
    expect(s.sim.state.vms.get(again.vmid!)!.status).toBe('running');
    const runsLog = (await s.t.db('mod_pvebridge_vm_runs').where({ service_id: sid }).orderBy('id').select('action')) as Array<{
      action: string;
    }>;
    expect(runsLog[0]!.action).toBe('redeploy'); // the old deploy runs were cleared
  });
});
