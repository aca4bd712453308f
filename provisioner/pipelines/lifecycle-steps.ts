// Building blocks shared by the lifecycle tables (change package, reinstall, terminate,
// redeploy): the environment they need beyond the deploy's, locating the VM, the identity check
// before destructive calls, stop, snapshot removal and destroy. Each Proxmox task goes through
// ctx.task, so a retry polls the stored UPID and never sends the task twice.
import { done, fail, skip, type StepContext, type StepResult } from '../engine/types.ts';
import { logActivity, terminationFailedText } from '../lifecycle/activity-log.ts';
import { checkIdentity } from '../lifecycle/identity.ts';
import { ProxmoxError, type VmConfig } from '../proxmox/index.ts';
import { VMS } from '../vm-record.ts';
import { qemu, taskOpts, type DeployEnv } from './deploy.ts';

/** Terminate's stop phase (spec §Terminate Process). Tests shrink them; these are the spec's. */
export interface TerminateTimings {
  /** Status poll interval while waiting for the stop. */
  pollMs: number;
  /** Graceful window after the stop request. */
  gracefulMs: number;
  /** A "still running" line this often. */
  heartbeatMs: number;
  /** Window after the force-stop; then DELETE anyway. */
  forceMs: number;
}

export const DEFAULT_TERMINATE_TIMINGS: TerminateTimings = { pollMs: 5_000, gracefulMs: 120_000, heartbeatMs: 15_000, forceMs: 60_000 };

export interface LifecycleEnv extends DeployEnv {
  /** Encrypts a new service password for tblhosting (WHMCS's scheme); reinstall needs it. */
  conceal?(plain: string): Promise<string>;
  terminateTimings?: Partial<TerminateTimings>;
}

export type LCtx = StepContext<LifecycleEnv>;

export { qemu, taskOpts };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Located = { gone: true } | { gone: false; node: string; config: VmConfig };

/**
 * Finds the VM by VMID in /cluster/resources (it may have been migrated) and reads its config.
 * `gone` only when the cluster answers and has no VM with that id.
 */
export async function locate(ctx: LCtx): Promise<Located> {
  const id = ctx.vm.vmid;
  if (id === null) return { gone: true };
  const pve = await ctx.env.pve(ctx.vm.serverId);
  const hit = (await pve.cluster.resources.get({ type: 'vm' })).find((r) => Number(r.vmid) === id);
  if (!hit?.node) return { gone: true };
  if (hit.node !== ctx.vm.node) await ctx.patch({ node: hit.node });
  try {
    return { gone: false, node: hit.node, config: await pve.nodes(hit.node).qemu(id).config.get() };
  } catch (err) {
    if (err instanceof ProxmoxError && err.kind === 'not_found') return { gone: true };
    throw err;
  }
}

/** Thrown when the VM behind our VMID is not the one we cloned. */
export class NotOurVm extends Error {}

export function assertOurs(ctx: LCtx, config: VmConfig): void {
  const r = checkIdentity({ vmid: ctx.vm.vmid ?? 0, name: ctx.vm.vmName, uuid: ctx.vm.vmUuid }, config);
  if (!r.ok) throw new NotOurVm(r.reason);
}

export async function powerStatus(ctx: LCtx): Promise<string> {
  return String((await (await qemu(ctx)).status.current.get()).status);
}

/** Stops a running VM (shutdown with force-stop after Proxmox's timeout); skip when stopped. */
export async function stopVm(ctx: LCtx): Promise<StepResult> {
  if ((await powerStatus(ctx)) === 'stopped' && !ctx.vm.pendingUpid) return skip('already stopped');
  const vm = await qemu(ctx);
  await ctx.task('shutdown', () => vm.status.shutdown.send({ forceStop: true, timeout: 60 }), await taskOpts(ctx, 'shutdown'));
  const status = await powerStatus(ctx);
  if (status !== 'stopped') throw new Error(`VM did not stop (status: ${status})`);
  return done('stopped');
}

export async function startVm(ctx: LCtx): Promise<StepResult> {
  if ((await powerStatus(ctx)) === 'running' && !ctx.vm.pendingUpid) return skip('already running');
  const vm = await qemu(ctx);
  await ctx.task('start', () => vm.status.start.send(), await taskOpts(ctx, 'start'));
  return done();
}

/** Deletes every snapshot (one task each, keyed by name so none is deleted twice). */
export async function removeSnapshots(ctx: LCtx): Promise<string[]> {
  const vm = await qemu(ctx);
  const names = (await vm.snapshot.get()).map((s) => s.name).filter((n) => n !== 'current');
  for (const name of names)
    await ctx.task(`snapshot:${name}`, () => vm.snapshot(name).delete.send(), await taskOpts(ctx, `snapshot ${name} deletion`));
  return names;
}

/** Moves the VM to error_terminate (only from the state this step runs in) with one FAILED entry. */
export async function failTerminate(ctx: LCtx, from: string, error: string): Promise<StepResult> {
  // The attempt's working data goes, so a terminate re-queued by an admin starts afresh.
  const data = { ...ctx.vm.data };
  for (const k of ['termStop', 'termStartedAt', 'vmGone', '_tasks']) delete data[k];
  const moved = await ctx
    .db(VMS)
    .where({ service_id: ctx.vm.serviceId, state: from })
    .update({
      state: 'error_terminate',
      last_error: error,
      data: JSON.stringify(data),
      pending_upid: null,
      pending_step: null,
      updated_at: Date.now(),
    });
  if (moved === 1) await logActivity(ctx.db, ctx.vm.clientId, terminationFailedText(ctx.vm.serviceId, error));
  ctx.say(`[terminate] FAILED: ${error} → error_terminate (admin attention required; no automatic retry)`);
  return fail(error);
}
