import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setState, getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { activity, allocations, lifecycleStack, sent, type LifecycleStack } from './support.ts';

describe.each(await testDialects())('terminate on %s', (dialect) => {
  let s: LifecycleStack;
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
  });
  afterAll(async () => s.close());

  it('stops, removes backups, deletes the VM with purge, then frees IPs and clears the service with one success entry', async () => {
    const vm = await s.deployReady();
    const sid = vm.serviceId;
    const vmid = vm.vmid!;
    const pve = await s.env.pve(vm.serverId);
    await pve.nodes(vm.node!).vzdump.run({ vmid: String(vmid), storage: 'nfs-backup', mode: 'snapshot' });
    expect([...s.sim.state.volumes.values()].some((v) => v.vmid === vmid && v.content === 'backup')).toBe(true);
    const ipsBefore = await allocations(s, sid);
    expect(ipsBefore.length).toBe(2);

    const mark = s.sim.requestLog.length;
    await setState(s.t.db, sid, 'terminate');
    const lines: string[] = [];
    const runs = await s.runTo(sid, 'remove', (l) => lines.push(l));
    expect(runs.at(-1)).toMatchObject({ result: 'success', state: 'remove' });

    expect(s.sim.state.vms.has(vmid)).toBe(false);
    expect([...s.sim.state.volumes.values()].filter((v) => v.vmid === vmid)).toEqual([]);
    expect(sent(s, 'DELETE', new RegExp(`/qemu/${vmid}$`), mark)).toBe(1);
    const del = s.sim.requestLog.slice(mark).find((e) => e.method === 'DELETE' && e.path.endsWith(`/qemu/${vmid}`))!;
    expect(del.params).toMatchObject({ purge: expect.anything() });
    expect(await allocations(s, sid)).toEqual([]);
    expect(await s.t.db('tblhosting').where({ id: sid }).first('dedicatedip', 'assignedips', 'domain')).toEqual({
      dedicatedip: '',
      assignedips: '',
      domain: '',
    });
    expect(await activity(s, sid)).toEqual([`Service ID: ${sid} - VM ${vmid} terminated successfully`]);
    expect(await getVm(s.t.db, sid)).toMatchObject({ state: 'remove', vmid: null, vmName: null, vmUuid: null });
    for (const l of [
      '[terminate] starting',
      `remote status: running, vmid: ${vmid}`,
      'stop request sent',
      'removing backups',
      'backups removed',
      'deleting DNS records',
      'VM deleted — success',
    ])
      expect(lines).toContain(l);
    expect(lines).toContain(`DELETE VM vmid=${vmid} node=${vm.node} purge=1`);
    expect(lines.some((l) => /^\[terminate\] done \(\d+\.\d\ds\) result=success$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe(`--- Terminate complete: service=${sid} status=remove ---`);
  });

  it('a failing DELETE ends in error_terminate with nothing cleaned, one FAILED entry and no automatic retry', async () => {
    const vm = await s.deployReady();
    const sid = vm.serviceId;
    s.sim.faults.set({
      taskFailures: [{ type: 'qmdestroy', message: "can't lock file '/var/lock/qemu-server/lock-x.conf' - got timeout" }],
    });
    await setState(s.t.db, sid, 'terminate');
    const runs = await s.runTo(sid, 'error_terminate');
    s.sim.faults.set({});
    expect(runs.at(-1)).toMatchObject({ result: 'error', state: 'error_terminate' });
    expect(s.sim.state.vms.has(vm.vmid!)).toBe(true);
    expect((await allocations(s, sid)).length).toBe(2);
    const svc = await s.t.db('tblhosting').where({ id: sid }).first('dedicatedip', 'domain');
    expect(svc.dedicatedip).not.toBe('');
    expect(svc.domain).not.toBe('');
    expect(await getVm(s.t.db, sid)).toMatchObject({ vmid: vm.vmid, vmName: vm.vmName });
    expect(await activity(s, sid)).toEqual([
      `Service ID: ${sid} - Service termination FAILED — admin attention required. Error: can't lock file '/var/lock/qemu-server/lock-x.conf' - got timeout`,
    ]);
    // No automatic retry: the engine has nothing to run in error_terminate, and writes nothing.
    const mark = s.sim.requestLog.length;
    expect(await s.engine().run(sid, undefined, { force: true })).toMatchObject({ result: 'idle', state: 'error_terminate' });
    expect(await s.engine().due(100)).not.toContain(sid);
    expect(s.sim.requestLog.length).toBe(mark);
    expect((await activity(s, sid)).length).toBe(1);

    // The admin fixes the cause and re-queues: the retry succeeds and IPs go back only now.
    await setState(s.t.db, sid, 'terminate');
    expect((await s.runTo(sid, 'remove')).at(-1)).toMatchObject({ state: 'remove' });
    expect(await allocations(s, sid)).toEqual([]);
    expect((await activity(s, sid)).at(-1)).toMatch(/terminated successfully$/);
  });

  it('refuses to touch a VM that now holds our VMID but is not ours', async () => {
    const vm = await s.deployReady();
    const sid = vm.serviceId;
    const pveVm = s.sim.state.vms.get(vm.vmid!)!;
    pveVm.config.name = 'someone-elses-vm';
    pveVm.config.smbios1 = 'uuid=11111111-2222-4333-8444-555555555555';
    const mark = s.sim.requestLog.length;
    await setState(s.t.db, sid, 'terminate');
    const runs = await s.runTo(sid, 'error_terminate');
    expect(runs.at(-1)).toMatchObject({ state: 'error_terminate' });
    expect(runs.at(-1)!.message).toMatch(/belongs to another VM/);
    expect(s.sim.state.vms.get(vm.vmid!)?.status).toBe('running');
    expect(sent(s, 'DELETE', /\/qemu\/\d+$/, mark) + sent(s, 'POST', /\/status\/(stop|shutdown)$/, mark)).toBe(0);
    expect((await allocations(s, sid)).length).toBe(2);
    expect((await activity(s, sid)).length).toBe(1);
  });

  it('force-stops a guest that ignores the shutdown, then deletes it', async () => {
    const vm = await s.deployReady();
    const sid = vm.serviceId;
    s.sim.faults.set({ taskFailures: [{ type: 'qmshutdown', message: 'guest did not shut down' }] });
    await setState(s.t.db, sid, 'terminate');
    const lines: string[] = [];
    const runs = await s.runTo(sid, 'remove', (l) => lines.push(l));
    s.sim.faults.set({});
    expect(runs.at(-1)).toMatchObject({ state: 'remove' });
    expect(lines.some((l) => /^still running, waited \d+s \/ 0s, status: running$/.test(l))).toBe(true);
    expect(lines).toContain('still running after 0s: force-stop sent');
    expect(sent(s, 'POST', new RegExp(`/qemu/${vm.vmid}/status/stop$`))).toBe(1);
  });
});
