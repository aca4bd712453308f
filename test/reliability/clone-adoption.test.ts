// Issue 18 defect 1: the clone request reached Proxmox but its reply never reached us (the
// gateway killed, the connection cut) — the UPID was never stored. The next attempt must find
// the clone Proxmox already has (our reserved VMID, our name) and adopt it, never clone again
// under a new VMID and leave an orphan. A loopback proxy drops the reply after the simulator did
// the work; the same for a start whose reply is lost (found in the node's task list).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVmRecord, getVm, setState } from '../../provisioner/vm-record.ts';
import { startDropProxy, type DropProxy } from '../../bench/chaos/drop-proxy.ts';
import { deployStack, stackRunner, waitForState, type Stack } from '../provisioner/harness.ts';

let s: Stack;
let proxy: DropProxy;
beforeAll(async () => {
  s = await deployStack('sqlite', { timeScale: 0.05 });
  proxy = await startDropProxy(s.sim.url);
  // The gateway reaches "Proxmox" through the proxy.
  await s.t.db('tblservers').where({ id: s.seeded.serverId }).update({ port: proxy.port });
});
afterAll(async () => {
  await proxy?.close();
  await s?.close();
});

const taskPosts = (re: RegExp) => s.sim.requestLog.filter((e) => e.method === 'POST' && re.test(e.path));

async function deployWithLostReply(rule: RegExp): Promise<number> {
  s.sim.requestLog.length = 0;
  proxy.setRules([{ method: 'POST', path: rule, times: 1 }]);
  const sid = await s.newService();
  await createVmRecord(s.t.db, { serviceId: sid, clientId: s.seeded.clientId, productId: s.seeded.productId, serverId: s.seeded.serverId });
  const runner = await stackRunner(s);
  runner.kick(sid);
  await waitForState(s, sid, 'ready', 30_000);
  await runner.stop();
  expect(proxy.dropped.some((d) => rule.test(d.path) && d.status === 200)).toBe(true);
  return sid;
}

const ourVms = (sid: number) => [...s.sim.state.vms.values()].filter((v) => String(v.config.description ?? '').includes(`service=${sid}`));

describe('a task whose reply was lost after Proxmox started it', () => {
  it('a clone is adopted under the reserved VMID: one clone sent, one VM, no orphan', async () => {
    const sid = await deployWithLostReply(/\/qemu\/9000\/clone$/);
    const vm = (await getVm(s.t.db, sid))!;
    const clones = taskPosts(/\/qemu\/9000\/clone$/).filter((e) => e.status === 200);
    expect(clones).toHaveLength(1);
    expect(Number(clones[0]!.params.newid)).toBe(vm.vmid);
    expect(ourVms(sid).map((v) => v.vmid)).toEqual([vm.vmid]);
  });

  it('a start is found in the node task list and not sent again', async () => {
    const sid = await deployWithLostReply(/\/status\/start$/);
    const vm = (await getVm(s.t.db, sid))!;
    expect(taskPosts(new RegExp(`/qemu/${vm.vmid}/status/start$`))).toHaveLength(1);
    expect(ourVms(sid)).toHaveLength(1);
    expect(s.sim.state.vms.get(vm.vmid!)?.status).toBe('running');
  });

  it("terminate's stop request is found in the node task list and not sent again", async () => {
    proxy.setRules([]);
    const sid = await deployWithLostReply(/\/qemu\/9000\/clone$/);
    const vmid = (await getVm(s.t.db, sid))!.vmid!;
    s.sim.requestLog.length = 0;
    proxy.setRules([{ method: 'POST', path: /\/status\/shutdown$/, times: 1 }]);
    await setState(s.t.db, sid, 'terminate');
    const runner = await stackRunner(s);
    runner.kick(sid);
    await waitForState(s, sid, 'remove', 30_000);
    await runner.stop();
    expect(proxy.dropped.some((d) => /\/status\/shutdown$/.test(d.path) && d.status === 200)).toBe(true);
    expect(taskPosts(new RegExp(`/qemu/${vmid}/status/(shutdown|stop)$`))).toHaveLength(1);
    expect(s.sim.state.vms.has(vmid)).toBe(false);
  });
});
