// Faults at every step of the lifecycle tables: the run pauses at the state before the step,
// the next run resumes there and reaches the end, no Proxmox task is sent twice, and no IP goes
// back to the pool before Proxmox confirmed the VM is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { Engine, type Pipeline } from '../../provisioner/engine/index.ts';
import { changePackagePipeline } from '../../provisioner/pipelines/change-package.ts';
import { deployPipeline } from '../../provisioner/pipelines/deploy.ts';
import { reinstallPipeline } from '../../provisioner/pipelines/reinstall.ts';
import { terminatePipeline } from '../../provisioner/pipelines/terminate.ts';
import type { PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { getVm, setState } from '../../provisioner/vm-record.ts';
import type { Faults } from '../../simulator/model/types.ts';
import { fastRuntime, planSettings } from '../provisioner/harness.ts';
import { testDialects } from '../support/db.ts';
import { allocations, lifecycleStack, sent, type LifecycleStack } from './support.ts';

const err = (path: string, method?: string): Faults => ({
  errors: [{ path, ...(method && { method }), times: 1, status: 500, message: 'simulated failure (fault injection)' }],
});
const taskPoll = (type: string) => err(`/tasks/[^/]*${type}[^/]*/status$`, 'GET');

type Fault = { faults?: Faults; email?: boolean };

const cpFaults: Record<string, Fault> = {
  change_package: { faults: err('^/cluster/resources$') },
  cp_update_ip: { faults: taskPoll('qmshutdown') }, // shutdown sent: the retry polls it
  cp_stop: { faults: err('/qemu/\\d+/config$', 'PUT') },
  cp_cpu_ram: { faults: taskPoll('resize') },
  cp_system_disk_size: { faults: err('/qemu/\\d+/config$', 'PUT') },
  cp_system_disk_bandwidth: { faults: err('/qemu/\\d+/config$', 'GET') },
  cp_additional_disk: { faults: taskPoll('resize') },
  cp_additional_disk_size: { faults: err('/qemu/\\d+/config$', 'PUT') },
  cp_additional_disk_bandwidth: { faults: err('/qemu/\\d+/config$', 'PUT') },
  cp_network: { faults: err('/firewall/options$', 'PUT') },
  cp_firewall: { faults: taskPoll('qmstart') },
  cp_start: { email: true },
};

const termFaults: Record<string, Fault> = {
  terminate: { faults: err('^/cluster/resources$') },
  terminate_dns_deleted: { faults: taskPoll('qmdestroy') }, // DELETE sent: poll again, not error_terminate
  terminate_deleted: { faults: err('^/cluster/resources$') },
};

const reinstallFaults: Record<string, Fault> = {
  reinstall: { faults: err('^/cluster/resources$') },
  reinstall_stopped: { faults: err('/snapshot$', 'GET') },
  reinstall_snapshots_removed: { faults: taskPoll('qmdestroy') },
  reinstall_removed: { faults: err('^/cluster/resources$') },
};

/** A package change that touches every step. */
const base = { ...planSettings, fwDhcp: true };
const bigChange = {
  ...planSettings,
  cpu: 4,
  systemDiskSize: 30,
  systemDiskMbpsRd: 200,
  additionalDiskSize: 20,
  additionalDiskMbpsWr: 0,
  bandwidth: 80,
  ipv4Count: 2,
  fwDhcp: false,
};

describe.each(await testDialects())('lifecycle steps resume after a fault on %s', (dialect) => {
  let s: LifecycleStack;
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
  });
  afterAll(async () => s.close());

  /** An engine where `p` has only its first `n` steps: a run stops at the n-th step's state. */
  const truncated = (p: Pipeline<PipelineEnv>, n: number) =>
    new Engine<PipelineEnv>({
      db: s.t.db,
      env: s.env,
      pipelines: [deployPipeline, { ...p, steps: p.steps.slice(0, n) }],
      owner: `t-${Math.random()}`,
      log: silentLogger,
      ...fastRuntime.engine,
    });

  async function faultAt(p: Pipeline<PipelineEnv>, i: number, fault: Fault, start: string, sid: number) {
    const from = p.steps[i]!.from;
    await setState(s.t.db, sid, start);
    if (i > 0) {
      for (let k = 0; k < 20 && (await getVm(s.t.db, sid))!.state !== from; k++) await truncated(p, i).run(sid, undefined, { force: true });
      expect((await getVm(s.t.db, sid))!.state).toBe(from);
    }
    if (fault.faults) s.sim.faults.set(fault.faults);
    if (fault.email) s.whmcs.failNext(1);
    const lines: string[] = [];
    const failed = await s.engine().run(sid, (l) => lines.push(l), { force: true });
    s.sim.faults.set({});
    expect(failed, lines.join('\n')).toMatchObject({ result: 'error', state: from });
    expect(lines.at(-1)).toBe(`--- ${p.title} paused: waiting at (${from}) ---`);
    return from;
  }

  it.each(changePackagePipeline.steps.map((st, i) => [st.label, st.from, i] as const))(
    'change package, %s: a fault pauses at %s and the next run resumes',
    async (_l, from, i) => {
      await s.setProduct(base);
      const vm = await s.deployReady();
      await s.setProduct(bigChange);
      const mark = s.sim.requestLog.length;
      await faultAt(changePackagePipeline, i, cpFaults[from]!, 'change_package', vm.serviceId);
      expect((await s.runTo(vm.serviceId, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
      const c = s.sim.state.vms.get(vm.vmid!)!.config;
      expect(c).toMatchObject({ cores: '4' });
      expect(c.scsi0).toMatch(/size=30G/);
      expect(c.scsi1).toMatch(/size=20G/);
      expect(c.net0).toMatch(/rate=80/);
      expect(s.sim.state.vms.get(vm.vmid!)!.firewall.options).toMatchObject({ dhcp: 0 });
      expect((await allocations(s, vm.serviceId)).length).toBe(3);
      expect(sent(s, 'POST', /\/status\/(shutdown|stop)$/, mark)).toBe(1);
      expect(sent(s, 'POST', /\/status\/start$/, mark)).toBe(1);
      expect(sent(s, 'PUT', /\/resize$/, mark)).toBe(2);
    },
  );

  it.each(
    terminatePipeline.steps
      .filter((st) => termFaults[st.from])
      .map((st) => [st.label, st.from, terminatePipeline.steps.indexOf(st)] as const),
  )('terminate, %s: a fault pauses at %s, IPs stay until the VM is gone, the next run finishes', async (_l, from, i) => {
    await s.setProduct(base);
    const vm = await s.deployReady();
    const mark = s.sim.requestLog.length;
    await faultAt(terminatePipeline, i, termFaults[from]!, 'terminate', vm.serviceId);
    expect((await allocations(s, vm.serviceId)).length).toBe(2);
    expect((await s.runTo(vm.serviceId, 'remove')).at(-1)).toMatchObject({ state: 'remove' });
    expect(s.sim.state.vms.has(vm.vmid!)).toBe(false);
    expect(await allocations(s, vm.serviceId)).toEqual([]);
    expect(sent(s, 'DELETE', new RegExp(`/qemu/${vm.vmid}$`), mark)).toBe(1);
    expect(sent(s, 'POST', /\/status\/shutdown$/, mark)).toBeLessThanOrEqual(1);
    const entries = await s.t.db('tblactivitylog').where('description', 'like', `Service ID: ${vm.serviceId} -%`);
    expect(entries.map((e) => e.description)).toEqual([`Service ID: ${vm.serviceId} - VM ${vm.vmid} terminated successfully`]);
  });

  it.each(reinstallPipeline.steps.map((st, i) => [st.label, st.from, i] as const))(
    'reinstall, %s: a fault pauses at %s and the next run resumes',
    async (_l, from, i) => {
      await s.setProduct(base);
      const vm = await s.deployReady();
      const net0 = s.sim.state.vms.get(vm.vmid!)!.config.net0;
      const pve = await s.env.pve(vm.serverId);
      await pve.nodes(vm.node!).qemu(vm.vmid!).snapshot.run({ snapname: 'one' });
      const mark = s.sim.requestLog.length;
      await faultAt(reinstallPipeline, i, reinstallFaults[from]!, 'reinstall', vm.serviceId);
      expect((await s.runTo(vm.serviceId, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
      expect(s.sim.state.vms.get(vm.vmid!)!.config.net0).toBe(net0);
      expect(sent(s, 'DELETE', new RegExp(`/qemu/${vm.vmid}$`), mark)).toBe(1);
      expect(sent(s, 'DELETE', /\/snapshot\/one$/, mark)).toBe(1);
      expect(sent(s, 'POST', /\/clone$/, mark)).toBe(1);
    },
  );
});
