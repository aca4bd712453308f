// The terminate pipeline (spec §Terminate Process, async since v3.2): terminate → [stop VM] →
// [remove backups] → [delete DNS] → [DELETE VM] → [clean DB] → remove; on error → error_terminate.
// The spec runs the phases in one handler; here each phase is a step with its own state
// (terminate_stopped, terminate_backups_removed, terminate_dns_deleted, terminate_deleted) so an
// interrupted terminate resumes at its phase and the DELETE task is polled, never re-sent.
// Only DELETE can fail the terminate; backups and DNS are best effort. Nothing is cleaned and no
// IP returns to the pool before Proxmox confirmed the VM is gone (invariant 5).
import { done, skip, wait, type Pipeline, type Step, type StepResult } from '../engine/types.ts';
import { StepWait } from '../engine/engine.ts';
import { errorText } from '../engine/format.ts';
import { dnsStepResult } from '../dns/index.ts';
import { releaseServiceIps } from '../ipam/allocate.ts';
import { logActivity, terminatedText } from '../lifecycle/activity-log.ts';
import { VMS } from '../vm-record.ts';
import {
  DEFAULT_TERMINATE_TIMINGS,
  NotOurVm,
  assertOurs,
  failTerminate,
  locate,
  powerStatus,
  qemu,
  sleep,
  taskOpts,
  type LCtx,
  type LifecycleEnv,
  type TerminateTimings,
} from './lifecycle-steps.ts';

interface TerminateData {
  termStartedAt?: number;
  termStop?: { requestedAt: number; upid?: string; forcedAt?: number; forceUpid?: string };
  /** Proxmox has no VM with our VMID (never cloned, deleted by hand, or our DELETE finished). */
  vmGone?: boolean;
  terminateLogged?: boolean;
}

const data = (ctx: LCtx) => ctx.vm.data as TerminateData;
const timings = (ctx: LCtx): TerminateTimings => ({ ...DEFAULT_TERMINATE_TIMINGS, ...ctx.env.terminateTimings });
const secs = (ms: number) => Math.round(ms / 1000);

/** Identity mismatch → error_terminate; anything else propagates (a transient error retries). */
async function guarded(ctx: LCtx, from: string, run: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof NotOurVm) return failTerminate(ctx, from, err.message);
    throw err;
  }
}

/**
 * A stop send whose intent is stored. On a resumed attempt (the earlier reply was lost) the
 * node's task list is asked first and a task on this VM since the intent is adopted, not re-sent.
 */
async function adoptOrSend(ctx: LCtx, resumed: boolean, since: number, known: string[], send: () => Promise<string>) {
  if (resumed) {
    const found = await (await taskOpts(ctx, 'stop')).recover!({ since, known });
    if (typeof found === 'object') return found.upid;
  }
  return send();
}

// --- terminate → terminate_stopped: stop request, poll, force-stop, then DELETE anyway

async function stopPhase(ctx: LCtx): Promise<StepResult> {
  if (!data(ctx).termStartedAt) await ctx.patch({ data: { termStartedAt: Date.now() } });
  ctx.say('[terminate] starting');
  const where = await locate(ctx);
  if (where.gone) {
    await ctx.patch({ data: { vmGone: true } });
    return skip(`VM ${ctx.vm.vmid ?? '-'} not found in Proxmox`);
  }
  assertOurs(ctx, where.config);
  const vm = await qemu(ctx);
  const t = timings(ctx);
  let status = await powerStatus(ctx);
  ctx.say(`remote status: ${status}, vmid: ${ctx.vm.vmid}`);
  if (status === 'stopped') return skip('already stopped');
  let st = data(ctx).termStop;
  const resumed = !!st && !st.upid; // an earlier send left its intent but no UPID (reply lost, crash)
  if (!st) {
    st = { requestedAt: Date.now() };
    await ctx.patch({ data: { termStop: st } }); // the intent first (engine/recover.ts)
  }
  if (!st.upid) {
    st = { ...st, upid: await adoptOrSend(ctx, resumed, st.requestedAt, [], () => vm.status.shutdown.send()) };
    await ctx.patch({ data: { termStop: st } });
    ctx.say('stop request sent');
  }
  let beat = Date.now();
  while (true) {
    const now = Date.now();
    const waited = now - st.requestedAt;
    if (!st.forceUpid && (st.forcedAt || waited >= t.gracefulMs)) {
      const again: boolean = !!st.forcedAt;
      if (!again) await ctx.patch({ data: { termStop: (st = { ...st, forcedAt: now }) } });
      const known: string[] = st.upid ? [st.upid] : [];
      st = { ...st, forceUpid: await adoptOrSend(ctx, again, st.forcedAt!, known, () => vm.status.stop.send()) };
      await ctx.patch({ data: { termStop: st } });
      ctx.say(`still running after ${secs(t.gracefulMs)}s: force-stop sent`);
    }
    if (st.forcedAt && now - st.forcedAt >= t.forceMs)
      return done(`still ${status} after force-stop + ${secs(t.forceMs)}s — DELETE anyway (purge=1)`);
    if (now - beat >= t.heartbeatMs) {
      beat = now;
      ctx.say(`still running, waited ${secs(waited)}s / ${secs(t.gracefulMs)}s, status: ${status}`);
    }
    if (now + t.pollMs >= ctx.deadline) return wait(`VM still stopping (waited ${secs(waited)}s)`, t.pollMs);
    await sleep(t.pollMs);
    status = await powerStatus(ctx);
    if (status === 'stopped') return done(`stopped after ~${secs(Date.now() - st.requestedAt)}s`);
  }
}

// --- terminate_stopped → terminate_backups_removed (best effort)

async function removeBackups(ctx: LCtx): Promise<StepResult> {
  if (data(ctx).vmGone) return skip('VM already gone');
  ctx.say('removing backups');
  const pve = await ctx.env.pve(ctx.vm.serverId);
  const node = pve.nodes(ctx.vm.node!);
  const id = ctx.vm.vmid!;
  let removed = 0;
  let errors = 0;
  for (const s of await node.storage.get({ content: 'backup' })) {
    const items = await node
      .storage(s.storage)
      .content.get({ content: 'backup', vmid: id })
      .catch((err: unknown) => {
        errors++;
        ctx.say(`  · backups on ${s.storage}: ${errorText(err)} (ignored)`);
        return [] as Array<{ volid: string }>;
      });
    for (const b of items) {
      try {
        await ctx.task(
          `backup:${b.volid}`,
          () => node.storage(s.storage).content(b.volid).delete.send(),
          await taskOpts(ctx, 'backup deletion'),
        );
        removed++;
      } catch (err) {
        if (err instanceof StepWait) throw err;
        errors++;
        ctx.say(`  · ${b.volid}: ${errorText(err)} (ignored)`);
      }
    }
  }
  ctx.say('backups removed');
  if (removed + errors === 0) return skip('no backups');
  return done(`${removed} removed${errors ? `, ${errors} errors ignored` : ''}`);
}

// --- terminate_backups_removed → terminate_dns_deleted (best effort, invariant 6)

/** Deletes every record we created for the service, before cleanUp clears the VM's identity. */
async function deleteDns(ctx: LCtx): Promise<StepResult> {
  ctx.say('deleting DNS records');
  try {
    return dnsStepResult(await ctx.env.dns.removeAll(ctx.vm.serviceId, ctx.say));
  } catch (err) {
    return done(`DNS deletion failed (ignored): ${errorText(err)}`);
  }
}

// --- terminate_dns_deleted → terminate_deleted: the only phase that can fail the terminate

async function deleteVm(ctx: LCtx): Promise<StepResult> {
  const from = 'terminate_dns_deleted';
  if (data(ctx).vmGone && !ctx.vm.pendingUpid) return skip('VM already gone');
  try {
    if (!ctx.vm.pendingUpid) {
      const where = await locate(ctx);
      if (where.gone) {
        await ctx.patch({ data: { vmGone: true } });
        return skip('VM already gone');
      }
      assertOurs(ctx, where.config);
    }
    const vm = await qemu(ctx);
    ctx.say(`DELETE VM vmid=${ctx.vm.vmid} node=${ctx.vm.node} purge=1`);
    await ctx.task(
      'destroy',
      () => vm.destroy.send({ purge: true, 'destroy-unreferenced-disks': true }),
      await taskOpts(ctx, 'VM deletion'),
    );
  } catch (err) {
    // Sent but not yet confirmed (a poll failed, or the reply was lost: pendingStep without a
    // UPID, engine/recover.ts): retry — by polling or by asking Proxmox — not a failure.
    if (err instanceof StepWait || ctx.vm.pendingUpid || ctx.vm.pendingStep) throw err;
    return failTerminate(ctx, from, errorText(err));
  }
  await ctx.patch({ data: { vmGone: true } });
  ctx.say('VM deleted — success');
  return done(`VM ${ctx.vm.vmid} deleted`);
}

// --- terminate_deleted → remove: clean up, only after Proxmox confirmed the VM is gone

async function cleanUp(ctx: LCtx): Promise<StepResult> {
  const where = await locate(ctx);
  if (!where.gone) {
    // Another VM may have taken the VMID since: only ours counts as "still there".
    try {
      assertOurs(ctx, where.config);
      throw new Error(`VM ${ctx.vm.vmid} still exists in Proxmox; not cleaning up`);
    } catch (err) {
      if (!(err instanceof NotOurVm)) throw err;
    }
  }
  const { serviceId, vmid, clientId } = ctx.vm;
  const logged = data(ctx).terminateLogged === true;
  await ctx.db.transaction(async (trx) => {
    await releaseServiceIps(trx, serviceId, { vmGone: true, vmid, confirmedAt: Date.now() });
    await trx('tblhosting').where({ id: serviceId }).update({ dedicatedip: '', assignedips: '', domain: '' });
    if (!logged) await logActivity(trx, clientId, terminatedText(serviceId, vmid));
    const row = await trx(VMS).where({ service_id: serviceId }).first('data');
    const d = { ...(JSON.parse(String(row?.data ?? '{}')) as Record<string, unknown>), terminateLogged: true };
    await trx(VMS)
      .where({ service_id: serviceId })
      .update({ vmid: null, node: null, vm_name: null, vm_uuid: null, data: JSON.stringify(d), updated_at: Date.now() });
  });
  await ctx.patch({}); // re-read what the transaction wrote
  const took = data(ctx).termStartedAt ? ((Date.now() - data(ctx).termStartedAt!) / 1000).toFixed(2) : '?';
  ctx.say(`[terminate] done (${took}s) result=success`);
  return done(`IPs released, WHMCS service fields cleared`);
}

const step = (from: string, to: string, label: string, run: (ctx: LCtx) => Promise<StepResult>): Step<LifecycleEnv> => ({
  from,
  to,
  label,
  run,
});

export const terminatePipeline: Pipeline<LifecycleEnv> = {
  action: 'terminate',
  title: 'Terminate',
  final: 'remove',
  nodeOf: (vm) => vm.node,
  steps: [
    step('terminate', 'terminate_stopped', 'Stop VM', (c) => guarded(c, 'terminate', () => stopPhase(c))),
    step('terminate_stopped', 'terminate_backups_removed', 'Remove backups', removeBackups),
    step('terminate_backups_removed', 'terminate_dns_deleted', 'Delete DNS records', deleteDns),
    step('terminate_dns_deleted', 'terminate_deleted', 'DELETE VM', deleteVm),
    step('terminate_deleted', 'remove', 'Clean up', cleanUp),
  ],
};
