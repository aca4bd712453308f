// The reinstall pipeline (spec §Reinstall; VM status reference: "reinstall … Cron converts to
// set_ip after removing the old VM"): reinstall → reinstall_stopped → reinstall_snapshots_removed
// → reinstall_removed → set_ip, then the deploy table clones again and configures the VM.
// Kept: VMID, IPv4/IPv6 (the allocation is untouched), MAC (recorded before removal, written back
// by the deploy's network step), VLAN/bridge, backups (the VM is removed without purge, and
// backup archives are never touched). New: the template chosen for the reinstall, a random
// password, and the "VM is ready" email with the new credentials.
import crypto from 'node:crypto';
import { done, skip, wait, type Pipeline, type Step, type StepResult } from '../engine/types.ts';
import { macOfNic } from '../lifecycle/mac.ts';
import { choosePlacement, templateVolumes } from '../placement.ts';
import { getProductSettings } from '../plan/product-settings.ts';
import { locateTemplate } from '../plan/template.ts';
import { isWindowsOstype, windowsAdmin, windowsEdition } from '../plan/windows.ts';
import { loadServiceOptions, resolvePlan } from '../plan/resolve.ts';
import { assertOurs, locate, qemu, removeSnapshots, stopVm, taskOpts, type LCtx, type LifecycleEnv } from './lifecycle-steps.ts';
import * as cfg from './vm-config.ts';

interface ReinstallData {
  /** Template VMID chosen for this reinstall (admin command: the plan's). */
  reinstallTemplate?: number;
  keepMac?: string;
  vmGone?: boolean;
}

const data = (ctx: LCtx) => ctx.vm.data as ReinstallData;

/** A random password with upper, lower, digit and symbol (cloud-init and Windows policies). */
export function newServicePassword(length = 16): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*-_=+'];
  const all = sets.join('');
  const chars = sets.map((s) => s[crypto.randomInt(s.length)]!);
  while (chars.length < length) chars.push(all[crypto.randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

// --- reinstall → reinstall_stopped: ours, not locked, MAC recorded, stopped

async function stop(ctx: LCtx): Promise<StepResult> {
  const where = await locate(ctx);
  if (where.gone) {
    await ctx.patch({ data: { vmGone: true } });
    return skip(`VM ${ctx.vm.vmid ?? '-'} not found in Proxmox`);
  }
  assertOurs(ctx, where.config);
  if (where.config.lock && !ctx.vm.pendingUpid) return wait(`VM is locked (${String(where.config.lock)})`, 5_000);
  const mac = macOfNic(String(where.config.net0 ?? ''));
  if (mac && !data(ctx).keepMac) await ctx.patch({ data: { keepMac: mac } });
  return stopVm(ctx);
}

// --- reinstall_stopped → reinstall_snapshots_removed

async function snapshots(ctx: LCtx): Promise<StepResult> {
  if (data(ctx).vmGone) return skip('VM already gone');
  const names = await removeSnapshots(ctx);
  return names.length ? done(`${names.length} removed: ${names.join(', ')}`) : skip('no snapshots');
}

// --- reinstall_snapshots_removed → reinstall_removed (no purge: backups and backup jobs stay)

async function remove(ctx: LCtx): Promise<StepResult> {
  if (data(ctx).vmGone && !ctx.vm.pendingUpid) return skip('VM already gone');
  if (!ctx.vm.pendingUpid) {
    const where = await locate(ctx);
    if (where.gone) return skip('VM already gone');
    assertOurs(ctx, where.config);
  }
  const vm = await qemu(ctx);
  await ctx.task('destroy', () => vm.destroy.send({ 'destroy-unreferenced-disks': true }), await taskOpts(ctx, 'VM removal'));
  return done(`VM ${ctx.vm.vmid} removed (backups kept)`);
}

// --- reinstall_removed → set_ip: the deploy's working data for a fresh clone with the same VMID

async function prepare(ctx: LCtx): Promise<StepResult> {
  if (!ctx.env.conceal) throw new Error('cannot store a new password: no WHMCS encryption key configured');
  const base = resolvePlan(await getProductSettings(ctx.db, ctx.vm.productId), await loadServiceOptions(ctx.db, ctx.vm.serviceId));
  const p = { ...base, templateVmid: data(ctx).reinstallTemplate ?? base.templateVmid };
  const pve = await ctx.env.pve(ctx.vm.serverId);
  const resources = await pve.cluster.resources.get();
  const { node: templateNode, config: tconfig } = await locateTemplate(pve, p.templateVmid, resources);
  const tpl = { node: templateNode };
  const diskKey = cfg.systemDiskKey(tconfig);
  if (!diskKey) throw new Error(`template ${p.templateVmid} has no system disk`);
  const templateStorage = cfg.volumeStorage(String(tconfig[diskKey]));
  const settings = await ctx.env.settings();
  const placement = choosePlacement({
    resources,
    template: { node: tpl.node, storage: templateStorage, volumes: templateVolumes(tconfig) },
    pinned: ctx.vm.node ?? p.targetNode, // the VM comes back where it was
    storage: p.systemDisk.storage,
    cloneType: p.cloneType,
    memoryMb: p.memoryMb,
    migrationEnabled: settings.migrationEnabled,
  });
  await ctx
    .db('tblhosting')
    .where({ id: ctx.vm.serviceId })
    .update({
      password: await ctx.env.conceal(newServicePassword()),
      // A Windows template logs in with the edition's admin account (ADR 0013).
      ...(isWindowsOstype(String(tconfig.ostype ?? '')) && {
        username: windowsAdmin(windowsEdition(String(tconfig.name ?? ''), String(tconfig.ostype)), p.osUsername),
      }),
    });
  await ctx.patch({
    plan: p as unknown as Record<string, unknown>,
    vmUuid: null,
    node: null,
    data: {
      templateNode: tpl.node,
      templateStorage,
      ostype: String(tconfig.ostype ?? 'l26'),
      systemDiskKey: diskKey,
      placement,
      additionalDiskKey: null,
      readyEmailSent: null,
      verifyAttempts: null,
      restarts: null,
      reinstallTemplate: null,
      vmGone: null,
    } as Record<string, unknown>,
  });
  return done(`template ${p.templateVmid}, VMID ${ctx.vm.vmid} kept, new password; ${placement.note}`);
}

const step = (from: string, to: string, label: string, run: (ctx: LCtx) => Promise<StepResult>): Step<LifecycleEnv> => ({
  from,
  to,
  label,
  run,
});

export const reinstallPipeline: Pipeline<LifecycleEnv> = {
  action: 'reinstall',
  title: 'Reinstall',
  final: 'set_ip',
  nodeOf: (vm) => vm.node,
  steps: [
    step('reinstall', 'reinstall_stopped', 'Stop VM', stop),
    step('reinstall_stopped', 'reinstall_snapshots_removed', 'Remove snapshots', snapshots),
    step('reinstall_snapshots_removed', 'reinstall_removed', 'Remove VM', remove),
    step('reinstall_removed', 'set_ip', 'Prepare redeploy', prepare),
  ],
};
