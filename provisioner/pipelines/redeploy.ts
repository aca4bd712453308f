// The redeploy pipeline (spec §VM Management → Redeploy, offered while the VM is not ready):
// redeploy → redeploy_stopped → redeploy_removed → creation. Destroys the VM on Proxmox (only
// after checking it is ours), gives its IPs back to the pool once Proxmox confirmed it is gone,
// clears the VM log and the record's identity, and hands over to the deploy from scratch.
import { releaseServiceIps } from '../ipam/allocate.ts';
import { done, skip, type Pipeline, type Step, type StepResult } from '../engine/types.ts';
import { VMS } from '../vm-record.ts';
import { NotOurVm, assertOurs, locate, qemu, stopVm, taskOpts, type LCtx, type LifecycleEnv } from './lifecycle-steps.ts';

const RUNS = 'mod_pvebridge_vm_runs';
const STEPS = 'mod_pvebridge_vm_run_steps';

async function stop(ctx: LCtx): Promise<StepResult> {
  const where = await locate(ctx);
  if (where.gone) {
    await ctx.patch({ data: { vmGone: true } });
    return skip(`VM ${ctx.vm.vmid ?? '-'} not found in Proxmox`);
  }
  assertOurs(ctx, where.config); // never destroy a VM that only shares our VMID
  return stopVm(ctx);
}

async function destroy(ctx: LCtx): Promise<StepResult> {
  if (ctx.vm.data.vmGone && !ctx.vm.pendingUpid) return skip('VM already gone');
  if (!ctx.vm.pendingUpid) {
    const where = await locate(ctx);
    if (where.gone) return skip('VM already gone');
    assertOurs(ctx, where.config);
  }
  const vm = await qemu(ctx);
  await ctx.task('destroy', () => vm.destroy.send({ purge: true, 'destroy-unreferenced-disks': true }), await taskOpts(ctx, 'VM deletion'));
  return done(`VM ${ctx.vm.vmid} deleted`);
}

async function reset(ctx: LCtx): Promise<StepResult> {
  const where = await locate(ctx);
  if (!where.gone) {
    let ours = true;
    try {
      assertOurs(ctx, where.config);
    } catch (err) {
      if (!(err instanceof NotOurVm)) throw err;
      ours = false;
    }
    if (ours) throw new Error(`VM ${ctx.vm.vmid} still exists in Proxmox; not releasing its IPs`);
  }
  const { serviceId, vmid } = ctx.vm;
  const released = await ctx.db.transaction(async (trx) => {
    const n = await releaseServiceIps(trx, serviceId, { vmGone: true, vmid, confirmedAt: Date.now() });
    await trx('tblhosting').where({ id: serviceId }).update({ dedicatedip: '', assignedips: '' });
    // Logs reset: every earlier run goes; this run (the newest) stays to show the redeploy.
    const current = await trx(RUNS).where({ service_id: serviceId }).max('id as id').first();
    const old = trx(RUNS)
      .where({ service_id: serviceId })
      .andWhere('id', '<', Number(current?.id ?? 0))
      .select('id');
    await trx(STEPS).whereIn('run_id', old).delete();
    await trx(RUNS)
      .where({ service_id: serviceId })
      .andWhere('id', '<', Number(current?.id ?? 0))
      .delete();
    await trx(VMS).where({ service_id: serviceId }).update({ vmid: null, node: null, vm_name: null, vm_uuid: null, plan: null });
    return n;
  });
  const cleared = Object.fromEntries(Object.keys(ctx.vm.data).map((k) => [k, null]));
  await ctx.patch({ data: cleared });
  return done(`${released} IP(s) back to the pool, log cleared`);
}

const step = (from: string, to: string, label: string, run: (ctx: LCtx) => Promise<StepResult>): Step<LifecycleEnv> => ({
  from,
  to,
  label,
  run,
});

export const redeployPipeline: Pipeline<LifecycleEnv> = {
  action: 'redeploy',
  title: 'Redeploy',
  final: 'creation',
  nodeOf: (vm) => vm.node,
  steps: [
    step('redeploy', 'redeploy_stopped', 'Stop VM', stop),
    step('redeploy_stopped', 'redeploy_removed', 'Remove VM', destroy),
    step('redeploy_removed', 'creation', 'Release IPs + clear logs', reset),
  ],
};
