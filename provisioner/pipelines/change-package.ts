// The change-package pipeline (spec §Change Package): change_package → cp_update_ip → cp_stop →
// cp_cpu_ram → cp_system_disk_size → cp_system_disk_bandwidth → cp_additional_disk →
// cp_additional_disk_size → cp_additional_disk_bandwidth → cp_network → cp_firewall → cp_start →
// ready. Every cp_* step compares the VM's live config with the new plan and skips with
// `no change` when they match; only the stop and the start always run. Disks only grow.
import { done, skip, wait, type Pipeline, type Step, type StepResult } from '../engine/types.ts';
import { dnsSummary, dnsTargetOf } from '../dns/index.ts';
import { logModuleCall } from '../lifecycle/activity-log.ts';
import {
  diffAdditionalDisk,
  diffCpuRam,
  diffDiskSize,
  diffFirewallOptions,
  diffIpset,
  diffProperty,
  mergeChanges,
  type ConfigChange,
} from '../lifecycle/config-diff.ts';
import { SHRINK_REASON } from '../lifecycle/disk-size.ts';
import { currentNetAssignment, finishIpRelease, resizeServiceIps } from '../lifecycle/ip-resize.ts';
import type { NetAssignment } from '../ipam/allocate.ts';
import { getProductSettings } from '../plan/product-settings.ts';
import { loadServiceOptions, resolvePlan, type DiskPlan, type Plan } from '../plan/resolve.ts';
import type { VmConfig } from '../proxmox/index.ts';
import { VMS } from '../vm-record.ts';
import {
  assertOurs,
  locate,
  powerStatus,
  qemu,
  removeSnapshots,
  startVm,
  stopVm,
  taskOpts,
  type LCtx,
  type LifecycleEnv,
} from './lifecycle-steps.ts';
import * as cfg from './vm-config.ts';

/** What the deploy left on the record that a package change reads and updates. */
interface CpData {
  systemDiskKey: string;
  additionalDiskKey?: string;
  fqdn: string;
  net: NetAssignment;
  cpVerifyAttempts?: number;
  upgradeEmailSent?: boolean;
}

const data = (ctx: LCtx) => ctx.vm.data as unknown as CpData;
const plan = (ctx: LCtx) => ctx.vm.plan as unknown as Plan;
const IPSET = 'ipfilter-net0';

async function config(ctx: LCtx): Promise<VmConfig> {
  return (await qemu(ctx)).config.get();
}

async function apply(ctx: LCtx, change: ConfigChange): Promise<StepResult> {
  if (change.kind === 'none') return skip('no change');
  await (await qemu(ctx)).config.put(change.params);
  return done(change.summary);
}

/** Makes the anti-spoofing IP set hold exactly the VM's addresses (nothing when it does not apply). */
async function syncIpset(ctx: LCtx): Promise<string[]> {
  const p = plan(ctx);
  const net = data(ctx).net;
  const fw = (await qemu(ctx)).firewall;
  const exists = (await fw.ipset.get()).some((s) => s.name === IPSET);
  const wanted = cfg.antiSpoofingApplies(p, net) ? [...net.ipv4, ...net.ipv6].map((e) => e.address) : [];
  if (!exists && wanted.length === 0) return [];
  if (!exists) await fw.ipset.post({ name: IPSET, comment: 'pvebridge anti-spoofing' });
  const { add, remove } = diffIpset(
    (await fw.ipset(IPSET).get()).map((e) => e.cidr),
    wanted,
  );
  for (const cidr of add) await fw.ipset(IPSET).post({ cidr });
  for (const cidr of remove) await fw.ipset(IPSET).cidr(cidr).delete();
  return [...add.map((a) => `+${a}`), ...remove.map((r) => `-${r}`)];
}

// --- change_package → cp_update_ip: new plan, IP count, IP set, DNS

async function updateIp(ctx: LCtx): Promise<StepResult> {
  const where = await locate(ctx);
  if (where.gone) throw new Error(`VM ${ctx.vm.vmid ?? '-'} not found in Proxmox: redeploy or reset the VM status`);
  assertOurs(ctx, where.config);
  const svc = await ctx.db('tblhosting').where({ id: ctx.vm.serviceId }).first('packageid');
  const productId = Number(svc?.packageid ?? ctx.vm.productId);
  const p = resolvePlan(await getProductSettings(ctx.db, productId), await loadServiceOptions(ctx.db, ctx.vm.serviceId));
  if (productId !== ctx.vm.productId) await ctx.db(VMS).where({ service_id: ctx.vm.serviceId }).update({ product_id: productId });
  await ctx.patch({ plan: p as unknown as Record<string, unknown>, data: { cpVerifyAttempts: 0, upgradeEmailSent: false } });
  const r = await resizeServiceIps(ctx.db, {
    serviceId: ctx.vm.serviceId,
    serverId: ctx.vm.serverId,
    ipv4Count: p.network.dhcpIpv4 ? 0 : p.network.ipv4Count,
    ipv6Count: p.network.dhcpIpv6 ? 0 : p.network.ipv6Count,
  });
  const old = data(ctx).net;
  const net = await currentNetAssignment(ctx.db, ctx.vm.serverId, ctx.vm.serviceId, {
    bridge: old?.bridge ?? p.network.bridge,
    vlan: old?.vlan ?? p.network.vlan,
  });
  await ctx.patch({ data: { net } as unknown as Record<string, unknown> });
  const ipset = await syncIpset(ctx);
  // Removed addresses lose their records, added ones get them (a sync against the new list).
  const dns = await ctx.env.dns.sync(await dnsTargetOf(ctx.db, ctx.vm), ctx.say);
  const dnsLines = dns.lines.length ? `\n${dns.lines.join('\n')}` : '';
  if (r.added.length + r.releasing.length + ipset.length === 0)
    return dns.lines.length ? done(`no change; DNS ${dnsSummary(dns)}${dnsLines}`) : skip('no change');
  const parts = [...r.added.map((a) => `+${a}`), ...r.releasing.map((a) => `-${a}`)];
  return done(
    `IPs ${parts.join(' ') || 'unchanged'}; IP set ${ipset.join(' ') || 'unchanged'}; DNS ${dns.lines.length ? dnsSummary(dns) : 'nothing to do'}${dnsLines}`,
  );
}

// --- disks

async function resizeDisk(ctx: LCtx, key: string | undefined, sizeGb: number, rejected: string): Promise<StepResult> {
  if (!key || sizeGb <= 0) return skip('no change');
  const d = diffDiskSize(await config(ctx), key, sizeGb);
  if (d.kind === 'same') return skip('no change');
  if (d.kind === 'unknown') throw new Error(d.reason);
  if (d.kind === 'shrink') {
    await logModuleCall(
      ctx.db,
      rejected,
      { serviceId: ctx.vm.serviceId, vmid: ctx.vm.vmid, disk: key, requestedGb: sizeGb },
      `skip — ${SHRINK_REASON}`,
    );
    return skip(SHRINK_REASON);
  }
  const vm = await qemu(ctx);
  await ctx.task('resize', () => vm.resize.send({ disk: key, size: d.size }), await taskOpts(ctx, 'resize'));
  return done(`${key} → ${d.size}`);
}

async function diskLimits(ctx: LCtx, key: string | undefined, disk: DiskPlan): Promise<StepResult> {
  if (!key) return skip('no change');
  const c = await config(ctx);
  if (c[key] === undefined) return skip('no change');
  return apply(ctx, diffProperty(c, key, cfg.withIoLimits(String(c[key]), disk)));
}

async function additionalDisk(ctx: LCtx): Promise<StepResult> {
  const p = plan(ctx);
  const c = await config(ctx);
  const d = data(ctx);
  const key = d.additionalDiskKey ?? (p.additionalDisk.sizeGb > 0 ? cfg.nextDiskKey(c, d.systemDiskKey) : undefined);
  const storage = p.additionalDisk.storage ?? cfg.volumeStorage(String(c[d.systemDiskKey]));
  const action = diffAdditionalDisk(c, key, storage, p.additionalDisk.sizeGb);
  if (action.kind === 'none') return skip('no change');
  if (action.kind === 'create') {
    await ctx.patch({ data: { additionalDiskKey: action.key } }); // before the disk exists: a retry finds it
    await (await qemu(ctx)).config.put({ [action.key]: action.value });
    return done(`${action.key} = ${action.value} GB`);
  }
  // Additional Disk = 0 with a disk: snapshots first (Proxmox requires it), then detach + purge.
  const snaps = await removeSnapshots(ctx);
  await (await qemu(ctx)).config.put({ delete: action.key, force: 1 });
  await logModuleCall(
    ctx.db,
    'additional_disk_deleted',
    { serviceId: ctx.vm.serviceId, vmid: ctx.vm.vmid, disk: action.key, volume: action.volume },
    'deleted',
  );
  await ctx.patch({ data: { additionalDiskKey: null } });
  return done(`${action.key} (${action.volume}) deleted${snaps.length ? `, ${snaps.length} snapshot(s) removed` : ''}`);
}

const additionalKey = (ctx: LCtx) => (plan(ctx).additionalDisk.sizeGb > 0 ? data(ctx).additionalDiskKey : undefined);

// --- network, firewall

async function network(ctx: LCtx): Promise<StepResult> {
  const c = await config(ctx);
  const p = plan(ctx);
  const net = data(ctx).net;
  return apply(
    ctx,
    mergeChanges(
      diffProperty(c, 'net0', cfg.net0For(String(c.net0 ?? 'virtio'), p, net)),
      diffProperty(c, 'ipconfig0', cfg.ipconfig0For(p, net)),
      diffProperty(c, 'nameserver', cfg.nameserversOf(net)),
    ),
  );
}

async function firewall(ctx: LCtx): Promise<StepResult> {
  const fw = (await qemu(ctx)).firewall;
  const opts = diffFirewallOptions(await fw.options.get(), cfg.firewallOptions(plan(ctx)));
  if (opts.kind === 'change') await fw.options.put(opts.params);
  const ipset = await syncIpset(ctx);
  // The VM no longer carries the excess addresses: now they may go back to the pool.
  const released = await finishIpRelease(ctx.db, ctx.vm.serviceId);
  if (opts.kind === 'none' && ipset.length === 0 && released === 0) return skip('no change');
  return done(
    [
      opts.kind === 'change' ? opts.summary : '',
      ipset.length ? `IP set ${ipset.join(' ')}` : '',
      released ? `${released} IP(s) back to the pool` : '',
    ]
      .filter(Boolean)
      .join('; '),
  );
}

// --- cp_start → ready

const VERIFY_ATTEMPTS = 5;

async function verifyAndEmail(ctx: LCtx): Promise<StepResult> {
  const status = await powerStatus(ctx);
  if (status !== 'running') {
    const n = (data(ctx).cpVerifyAttempts ?? 0) + 1;
    await ctx.patch({ data: { cpVerifyAttempts: n } });
    if (n < VERIFY_ATTEMPTS) return wait(`VM not running yet (status: ${status}), check ${n}/${VERIFY_ATTEMPTS}`, 1000 * n);
    throw new Error(`VM failed to start (status: ${status}). Will retry.`);
  }
  const template = (await getProductSettings(ctx.db, ctx.vm.productId)).emailUpgrade;
  if (data(ctx).upgradeEmailSent || !template) return done('running');
  if (!ctx.env.email.configured) return done('running; email skipped: no WHMCS API configured');
  await ctx.env.email.send(template, ctx.vm.serviceId);
  await ctx.patch({ data: { upgradeEmailSent: true } });
  return done(`running; "${template}" sent`);
}

const step = (from: string, to: string, label: string, run: (ctx: LCtx) => Promise<StepResult>): Step<LifecycleEnv> => ({
  from,
  to,
  label,
  run,
});

export const changePackagePipeline: Pipeline<LifecycleEnv> = {
  action: 'change_package',
  title: 'ChangePackage',
  final: 'ready',
  nodeOf: (vm) => vm.node,
  steps: [
    step('change_package', 'cp_update_ip', 'Update IP + DNS + Firewall', updateIp),
    step('cp_update_ip', 'cp_stop', 'Stop VM', stopVm),
    step('cp_stop', 'cp_cpu_ram', 'Set CPU & RAM', async (c) => apply(c, diffCpuRam(await config(c), plan(c)))),
    step('cp_cpu_ram', 'cp_system_disk_size', 'Resize system disk', (c) =>
      resizeDisk(c, data(c).systemDiskKey, plan(c).systemDisk.sizeGb, 'system_disk_shrink_rejected'),
    ),
    step('cp_system_disk_size', 'cp_system_disk_bandwidth', 'Set system disk I/O', (c) =>
      diskLimits(c, data(c).systemDiskKey, plan(c).systemDisk),
    ),
    step('cp_system_disk_bandwidth', 'cp_additional_disk', 'Create additional disk', additionalDisk),
    step('cp_additional_disk', 'cp_additional_disk_size', 'Resize additional disk', (c) =>
      resizeDisk(c, additionalKey(c), plan(c).additionalDisk.sizeGb, 'additional_disk_shrink_rejected'),
    ),
    step('cp_additional_disk_size', 'cp_additional_disk_bandwidth', 'Set additional disk I/O', (c) =>
      diskLimits(c, additionalKey(c), plan(c).additionalDisk),
    ),
    step('cp_additional_disk_bandwidth', 'cp_network', 'Configure network', network),
    step('cp_network', 'cp_firewall', 'Configure firewall', firewall),
    step('cp_firewall', 'cp_start', 'Start VM', startVm),
    step('cp_start', 'ready', 'Verify VM', verifyAndEmail),
  ],
};
