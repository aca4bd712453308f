// The deploy pipeline (spec §Deploy Process): creation → set_ip → clone → set_dns → migrated →
// set_cpu_ram → set_system_disk_size → set_system_disk_bandwidth → set_created_additional_disk →
// set_additional_disk_size → set_additional_disk_bandwidth → set_network → set_firewall →
// set_cloudinit → starting → ready. A state names the last completed step. Each step does one
// small, idempotent piece: it checks what Proxmox already has and skips when nothing changes.
import crypto from 'node:crypto';
import type { Db } from '../../common/db/connect.ts';
import { StepWait } from '../engine/engine.ts';
import { done, skip, wait, type Pipeline, type Step, type StepContext, type TaskOptions, type TaskRecovery } from '../engine/types.ts';
import { dnsStepResult, dnsTargetOf, type DnsLayer } from '../dns/index.ts';
import type { EmailSender } from '../email.ts';
import { allocateServiceIps, withServerLock, type NetAssignment } from '../ipam/allocate.ts';
import { resizeDecision, parseSize } from '../lifecycle/disk-size.ts';
import { getOption, parsePropertyString } from '../lifecycle/property-string.ts';
import { withMac } from '../lifecycle/mac.ts';
import { choosePlacement, templateVolumes, type Placement } from '../placement.ts';
import type { GlobalSettings } from '../plan/global-settings.ts';
import { vmNames, reserveVmid } from '../plan/naming.ts';
import { getProductSettings } from '../plan/product-settings.ts';
import { locateTemplate } from '../plan/template.ts';
import { netbiosName, windowsAdmin, windowsEdition } from '../plan/windows.ts';
import { loadServiceOptions, resolvePlan, type DiskPlan, type Plan } from '../plan/resolve.ts';
import { encodeSshKeys, ProxmoxError, type ProxmoxClient, type VmConfig } from '../proxmox/index.ts';
import { VMS, type VmRecord } from '../vm-record.ts';
import { customerSshKeys, routedGuest } from './guest-config.ts';
import { proxmoxTaskOptions } from './task-wait.ts';
import * as cfg from './vm-config.ts';

export interface DeployEnv {
  db: Db;
  pve(serverId: number): Promise<ProxmoxClient>;
  settings(): Promise<GlobalSettings>;
  email: EmailSender;
  dns: DnsLayer;
  /** Decrypts tblhosting.password (WHMCS's scheme). */
  reveal(cipher: string): Promise<string>;
  /** Longest pause between task status polls. */
  pollIntervalMs: number;
}

/** What the deploy keeps on the VM record between steps. */
interface DeployData {
  templateNode: string;
  templateStorage: string;
  ostype: string;
  systemDiskKey: string;
  placement: Placement;
  hostname: string;
  fqdn: string;
  net: NetAssignment;
  additionalDiskKey?: string;
  verifyAttempts?: number;
  restarts?: number;
  readyEmailSent?: boolean;
  /** MAC of net0 to keep (reinstall re-clones, and a clone always gets new MACs). */
  keepMac?: string;
}

type Ctx = StepContext<DeployEnv>;

export const DEPLOY_STATES = [
  'creation',
  'set_ip',
  'clone',
  'set_dns',
  'migrated',
  'set_cpu_ram',
  'set_system_disk_size',
  'set_system_disk_bandwidth',
  'set_created_additional_disk',
  'set_additional_disk_size',
  'set_additional_disk_bandwidth',
  'set_network',
  'set_firewall',
  'set_cloudinit',
  'starting',
  'ready',
] as const;

const data = (ctx: Ctx) => ctx.vm.data as unknown as DeployData;
const plan = (ctx: Ctx) => ctx.vm.plan as unknown as Plan;
const pveOf = (ctx: Ctx) => ctx.env.pve(ctx.vm.serverId);
const vmid = (ctx: Ctx) => ctx.vm.vmid!;
const isWindows = (ostype: string) => /^(win|w2k)/.test(ostype);

export async function qemu(ctx: Ctx) {
  return (await pveOf(ctx)).nodes(ctx.vm.node!).qemu(vmid(ctx));
}

async function currentConfig(ctx: Ctx): Promise<VmConfig> {
  return (await qemu(ctx)).config.get();
}

/** Task options for ctx.task: polls the stored UPID through the client, never re-sends. */
export async function taskOpts(ctx: Ctx, what: string, timeoutMs?: number): Promise<TaskOptions> {
  const s = await ctx.env.settings();
  const pve = await pveOf(ctx);
  return {
    ...proxmoxTaskOptions(pve, what, timeoutMs ?? s.heavyTimeout * 1000, ctx.env.pollIntervalMs),
    recover: (o) => taskOnVm(pve, ctx.vm.node, ctx.vm.vmid, o),
  };
}

/** Margin for Proxmox's clock (UPID start times have one-second resolution) against ours. */
const CLOCK_MARGIN_S = 5;

/**
 * A lost send found again in the node's task list: a task on this VM, started since the send,
 * not one this step already finished. We hold the VM's lease, so no other runner of ours sends
 * tasks for it meanwhile.
 */
async function taskOnVm(pve: ProxmoxClient, node: string | null, id: number | null, o: { since: number; known: string[] }) {
  if (!node || id === null) return 'absent' as const;
  const list = await pve.nodes(node).tasks.get({ vmid: id, source: 'all', limit: 50 });
  const from = Math.floor(o.since / 1000) - CLOCK_MARGIN_S;
  const ours = list.filter((t) => t.starttime >= from && !o.known.includes(t.upid)).sort((a, b) => a.starttime - b.starttime);
  return ours[0] ? { upid: ours[0].upid } : ('absent' as const);
}

async function patchData(ctx: Ctx, patch: Partial<DeployData>): Promise<void> {
  await ctx.patch({ data: patch as Record<string, unknown> });
}

/** Memory of this server's VMs placed on each node but not yet started (spreads a burst). */
async function reservedMemory(db: Db, serverId: number): Promise<Record<string, number>> {
  const rows = (await db(VMS)
    .where({ server_id: serverId })
    .whereIn('state', DEPLOY_STATES.slice(0, -2) as unknown as string[])
    .whereNotNull('placed_node')
    .groupBy('placed_node')
    .select('placed_node')
    .sum({ mb: 'placed_memory_mb' })) as Array<{ placed_node: string; mb: number | string }>;
  return Object.fromEntries(rows.map((r) => [r.placed_node, Number(r.mb)]));
}

// --- creation → set_ip: plan, template, node, names, addresses (VMNexor: validate before cloning)

/** Where each template lives, so a burst of deploys does not list every VM of the cluster each. */
const templateNodes = new Map<string, string>();

async function findTemplate(pve: ProxmoxClient, serverId: number, vmid: number): Promise<{ node: string; config: VmConfig }> {
  const key = `${serverId}/${vmid}`;
  const cached = templateNodes.get(key);
  if (cached) {
    try {
      const config = await pve.nodes(cached).qemu(vmid).config.get();
      if (Number(config.template) === 1) return { node: cached, config };
    } catch (err) {
      if (!(err instanceof ProxmoxError && err.kind === 'not_found')) throw err;
    }
    templateNodes.delete(key); // moved or gone: look it up again
  }
  const found = await locateTemplate(pve, vmid); // status-unknown entries: the config decides
  templateNodes.set(key, found.node);
  return found;
}

async function allocate(ctx: Ctx) {
  const { db } = ctx;
  const p = resolvePlan(await getProductSettings(db, ctx.vm.productId), await loadServiceOptions(db, ctx.vm.serviceId));
  const pve = await pveOf(ctx);
  const [nodes, storages] = await Promise.all([
    pve.cluster.resources.get({ type: 'node' }),
    pve.cluster.resources.get({ type: 'storage' }),
  ]);
  const resources = [...nodes, ...storages];
  const { node: templateNode, config: tconfig } = await findTemplate(pve, ctx.vm.serverId, p.templateVmid);
  const diskKey = cfg.systemDiskKey(tconfig);
  if (!diskKey) throw new Error(`template ${p.templateVmid} has no system disk`);
  const settings = await ctx.env.settings();
  // One placement at a time per server, so a burst of deploys sees each other's reservations.
  const placement = await withServerLock(db, ctx.vm.serverId, async (trx) => {
    const chosen = choosePlacement({
      resources,
      template: { node: templateNode, storage: cfg.volumeStorage(String(tconfig[diskKey])), volumes: templateVolumes(tconfig) },
      pinned: p.targetNode,
      storage: p.systemDisk.storage,
      cloneType: p.cloneType,
      memoryMb: p.memoryMb,
      migrationEnabled: settings.migrationEnabled,
      reservedMb: await reservedMemory(trx, ctx.vm.serverId),
    });
    await trx(VMS).where({ service_id: ctx.vm.serviceId }).update({ placed_node: chosen.target, placed_memory_mb: p.memoryMb });
    return chosen;
  });
  const names = vmNames(p.vmNameRule, { clientId: ctx.vm.clientId, serviceId: ctx.vm.serviceId }, p.mainDomain);
  const net = await allocateServiceIps(db, {
    serviceId: ctx.vm.serviceId,
    serverId: ctx.vm.serverId,
    ipv4Count: p.network.dhcpIpv4 ? 0 : p.network.ipv4Count,
    ipv6Count: p.network.dhcpIpv6 ? 0 : p.network.ipv6Count,
    bridge: p.network.bridge,
    vlan: p.network.vlan,
    autoBridgeVlan: p.network.autoBridgeVlan,
  });
  const ostype = String(tconfig.ostype ?? 'l26');
  // Proxmox rejects the whole config call on one bad key line; say which line, before cloning.
  await customerSshKeys(db, ctx.vm.serviceId, ctx.vm.productId, ostype);
  const windows = isWindows(ostype);
  // Windows: the admin account by edition; computer names are NetBIOS names (≤ 15 characters).
  const username = windows
    ? windowsAdmin(windowsEdition(String(tconfig.name ?? ''), ostype), p.osUsername)
    : p.osUsername || `u${crypto.randomBytes(4).toString('hex')}`;
  if (windows) Object.assign(names, { vmName: netbiosName(names.vmName), hostname: netbiosName(names.hostname) });
  const svc = await db('tblhosting').where({ id: ctx.vm.serviceId }).first('username');
  await db('tblhosting')
    .where({ id: ctx.vm.serviceId })
    .update({ domain: names.fqdn, ...(!windows && !p.osUsername && svc?.username ? {} : { username }) });
  await ctx.patch({
    plan: p as unknown as Record<string, unknown>,
    vmName: names.vmName,
    data: {
      templateNode,
      templateStorage: cfg.volumeStorage(String(tconfig[diskKey])),
      ostype,
      systemDiskKey: diskKey,
      placement,
      hostname: names.hostname,
      fqdn: names.fqdn,
      net,
    } as unknown as Record<string, unknown>,
  });
  const ips = [...net.ipv4, ...net.ipv6].map((e) => e.address);
  return done(`${ips.length ? ips.join(', ') : 'DHCP'} on ${net.bridge}${net.vlan ? `/${net.vlan}` : ''}; ${placement.note}`);
}

// --- set_ip → clone

/**
 * The VMID of this deploy: reserved in our DB (unique per server), then checked free in Proxmox
 * (/cluster/nextid?vmid=N; it reserves nothing). An id Proxmox already uses is skipped; after a
 * few, the cluster's VM list is read once to skip them all.
 */
async function reserveFreeVmid(ctx: Ctx, pve: ProxmoxClient, first: number): Promise<number> {
  // A clone sent (even one whose reply was lost: pendingStep without UPID) keeps its VMID.
  const started =
    ctx.vm.pendingUpid || ctx.vm.pendingStep === CLONE_TAG || (ctx.vm.data._tasks as Record<string, string> | undefined)?.[CLONE_TAG];
  if (ctx.vm.vmid !== null && started) return ctx.vm.vmid;
  const taken = new Set<number>();
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = ctx.vm.vmid ?? (await reserveVmid(ctx.db, ctx.vm.serviceId, ctx.vm.serverId, first, taken));
    if (ctx.vm.vmid === null) await ctx.patch({ vmid: id });
    try {
      await pve.cluster.nextid.get({ vmid: id });
      return id;
    } catch (err) {
      if (!(err instanceof ProxmoxError && err.kind === 'parameter')) throw err;
    }
    taken.add(id);
    await ctx.patch({ vmid: null });
    if (attempt === 2) for (const r of await pve.cluster.resources.get({ type: 'vm' })) if (r.vmid) taken.add(Number(r.vmid));
  }
  throw new Error(`no free VMID from ${first} after 20 attempts`);
}

const CLONE_TAG = 'set_ip:clone';

/**
 * A clone whose reply was lost, found by its VMID (reserved for us before the send): our VM,
 * locked while the clone runs, then with our name and description. A VM under that id that is
 * not ours means the send never created it: the reservation moves on (and the clone is sent).
 */
async function findClone(ctx: Ctx, pve: ProxmoxClient, node: string, description: string): Promise<TaskRecovery> {
  const id = ctx.vm.vmid!;
  let conf: VmConfig;
  try {
    conf = await pve.nodes(node).qemu(id).config.get();
  } catch (err) {
    if (err instanceof ProxmoxError && err.kind === 'not_found') return 'absent';
    throw err;
  }
  if (conf.lock === 'clone') return 'running';
  if (conf.name === (ctx.vm.vmName ?? undefined) && String(conf.description ?? '').includes(description)) return 'done';
  await ctx.patch({ vmid: null, pendingStep: null, data: { _intent: null } });
  throw new StepWait(`VMID ${id} is used by a VM that is not ours: reserving another`);
}

async function clone(ctx: Ctx) {
  const p = plan(ctx);
  const d = data(ctx);
  const pve = await pveOf(ctx);
  const description = `pvebridge service=${ctx.vm.serviceId}`;
  const id = await reserveFreeVmid(ctx, pve, p.firstVmId);
  const pl = d.placement;
  const cloneOpts = {
    ...(await taskOpts(ctx, 'clone')),
    recover: () => findClone(ctx, pve, pl.cloneTarget ?? d.templateNode, description),
  };
  await ctx.task(
    'clone',
    () =>
      pve
        .nodes(d.templateNode)
        .qemu(p.templateVmid)
        .clone.send({
          newid: id,
          name: ctx.vm.vmName ?? undefined,
          description,
          full: pl.full,
          ...(pl.cloneTarget && { target: pl.cloneTarget }),
          ...(pl.full && p.systemDisk.storage && !pl.migrate && { storage: p.systemDisk.storage }),
        }),
    cloneOpts,
  );
  const node = pl.cloneTarget ?? d.templateNode;
  const conf = await pve.nodes(node).qemu(id).config.get();
  const uuid = /uuid=([0-9a-f-]{36})/i.exec(String(conf.smbios1 ?? ''))?.[1] ?? null;
  await ctx.patch({ node, vmUuid: uuid });
  return done(`VM ${id} on ${node} (${pl.full ? 'full' : 'linked'} clone of ${p.templateVmid})`);
}

// --- clone → set_dns: forward/reverse records; DNS errors never block (invariant 6)

async function setDns(ctx: Ctx) {
  return dnsStepResult(await ctx.env.dns.sync(await dnsTargetOf(ctx.db, ctx.vm), ctx.say));
}

// --- set_dns → migrated

async function migrate(ctx: Ctx) {
  const pl = data(ctx).placement;
  if (!pl.migrate || ctx.vm.node === pl.target) return skip(pl.note);
  const s = await ctx.env.settings();
  if (!s.migrationEnabled) return skip(`post-clone migration is disabled: staying on ${ctx.vm.node}`);
  const from = ctx.vm.node!;
  const vm = await qemu(ctx);
  // Proxmox aborts a migration that finds an ISO on local storage in a CD-ROM: empty those first
  // (not when resuming a migration already sent: the VM may have left this node by now).
  const sent = ctx.vm.pendingUpid || (ctx.vm.data._tasks as Record<string, string> | undefined)?.['set_dns:migrate'];
  if (pl.ejectCdroms?.length && !sent) {
    const c = await vm.config.get();
    const eject = pl.ejectCdroms.filter((k) => /:iso\//.test(String(c[k] ?? '')));
    if (eject.length) await vm.config.put(Object.fromEntries(eject.map((k) => [k, 'none,media=cdrom'])));
  }
  await ctx.task(
    'migrate',
    () => vm.migrate.send({ target: pl.target, targetstorage: pl.targetStorage }),
    await taskOpts(ctx, 'migration', s.migrationTimeout * 1000),
  );
  await ctx.patch({ node: pl.target });
  return done(`${from} → ${pl.target}`);
}

// --- configuration steps (VM stopped: every change applies at once)

async function putConfig(ctx: Ctx, values: Record<string, string | number>) {
  await (await qemu(ctx)).config.put(values);
}

async function cpuRam(ctx: Ctx) {
  const p = plan(ctx);
  const c = await currentConfig(ctx);
  const want = { cores: p.cores, sockets: p.sockets, memory: p.memoryMb };
  const memNow = Number(
    String(c.memory ?? '')
      .replace(/^current=/, '')
      .split(',')[0],
  );
  if (Number(c.cores) === want.cores && Number(c.sockets ?? 1) === want.sockets && memNow === want.memory) return skip('no change');
  await putConfig(ctx, { ...want, tags: 'pvebridge' });
  return done(`${p.cores} cores × ${p.sockets} socket(s), ${p.memoryMb} MB`);
}

async function resize(ctx: Ctx, key: string | undefined, sizeGb: number, what: string) {
  if (!key) return skip(`no ${what}`);
  const drive = String((await currentConfig(ctx))[key] ?? '');
  if (!drive) return skip(`no ${what}`);
  const decision = resizeDecision(parseSize(getOption(parsePropertyString(drive), 'size')), sizeGb);
  if (decision.kind === 'same') return skip(sizeGb === 0 ? 'template size kept' : 'no change');
  if (decision.kind !== 'grow') return skip(decision.reason);
  const vm = await qemu(ctx);
  await ctx.task('resize', () => vm.resize.send({ disk: key, size: decision.size }), await taskOpts(ctx, 'resize'));
  return done(`${key} → ${decision.size}`);
}

async function ioLimits(ctx: Ctx, key: string | undefined, d: DiskPlan, what: string) {
  if (!key) return skip(`no ${what}`);
  const drive = String((await currentConfig(ctx))[key] ?? '');
  if (!drive) return skip(`no ${what}`);
  const next = cfg.withIoLimits(drive, d);
  if (next === drive) return skip('no change');
  await putConfig(ctx, { [key]: next });
  return done(`${key}: read ${d.mbpsRd || '∞'} MB/s ${d.iopsRd || '∞'} IOPS, write ${d.mbpsWr || '∞'} MB/s ${d.iopsWr || '∞'} IOPS`);
}

async function createAdditionalDisk(ctx: Ctx) {
  const p = plan(ctx);
  if (p.additionalDisk.sizeGb <= 0) return skip('no additional disk in the plan');
  const c = await currentConfig(ctx);
  const d = data(ctx);
  const key = d.additionalDiskKey ?? cfg.nextDiskKey(c, d.systemDiskKey);
  if (!d.additionalDiskKey) await patchData(ctx, { additionalDiskKey: key }); // before the disk exists: a retry finds it
  if (c[key] !== undefined) return skip(`${key} exists`);
  const storage = p.additionalDisk.storage ?? cfg.volumeStorage(String(c[d.systemDiskKey]));
  await putConfig(ctx, { [key]: `${storage}:${p.additionalDisk.sizeGb}` });
  return done(`${key} = ${storage}:${p.additionalDisk.sizeGb} GB`);
}

async function network(ctx: Ctx) {
  const c = await currentConfig(ctx);
  const next = cfg.net0For(withMac(String(c.net0 ?? 'virtio'), data(ctx).keepMac), plan(ctx), data(ctx).net); // keepMac: reinstall
  if (next === c.net0) return skip('no change');
  await putConfig(ctx, { net0: next });
  return done(next);
}

async function firewall(ctx: Ctx) {
  const p = plan(ctx);
  const net = data(ctx).net;
  const fw = (await qemu(ctx)).firewall;
  await fw.options.put(cfg.firewallOptions(p));
  if (!cfg.antiSpoofingApplies(p, net))
    return done(p.network.dhcpIpv4 || p.network.dhcpIpv6 ? 'options set; DHCP: no IP set' : 'options set');
  const name = 'ipfilter-net0';
  if (!(await fw.ipset.get()).some((s) => s.name === name)) await fw.ipset.post({ name, comment: 'pvebridge anti-spoofing' });
  const have = new Set((await fw.ipset(name).get()).map((e) => e.cidr.replace(/\/(32|128)$/, '')));
  const ips = [...net.ipv4, ...net.ipv6].map((e) => e.address);
  for (const ip of ips) if (!have.has(ip)) await fw.ipset(name).post({ cidr: ip });
  return done(`options set; ${name}: ${ips.join(', ')}`);
}

async function cloudinit(ctx: Ctx) {
  const p = plan(ctx);
  const d = data(ctx);
  const svc = await ctx.db('tblhosting').where({ id: ctx.vm.serviceId }).first('username', 'password');
  const password = svc?.password ? await ctx.env.reveal(String(svc.password)) : '';
  if (!password) throw new Error('the service has no password in WHMCS');
  const keys = await customerSshKeys(ctx.db, ctx.vm.serviceId, ctx.vm.productId, d.ostype);
  const searchdomain = d.fqdn.split('.').slice(1).join('.') || d.fqdn;
  const routed = await routedGuest(ctx.db, d.net, d.ostype, vmid(ctx), searchdomain, () => currentConfig(ctx));
  const ipconfig0 = routed ? routed.ipconfig0 : cfg.ipconfig0For(p, d.net);
  const cicustom = routed?.cicustom;
  const nameserver = cfg.nameserversOf(d.net);
  const values: Record<string, string> = {
    ciuser: String(svc?.username || (isWindows(d.ostype) ? 'Administrator' : 'root')),
    cipassword: password,
    searchdomain,
    ...(ipconfig0 && { ipconfig0 }),
    ...(cicustom && { cicustom }),
    ...(nameserver && { nameserver }),
    ...(keys && { sshkeys: encodeSshKeys(keys) }),
  };
  await putConfig(ctx, values);
  return done(`user ${values.ciuser}${ipconfig0 ? `, ${ipconfig0}` : ''}${keys ? ', ssh keys' : ''}`);
}

// --- set_cloudinit → starting → ready

async function start(ctx: Ctx) {
  const vm = await qemu(ctx);
  if ((await vm.status.current.get()).status === 'running') return skip('already running');
  await ctx.task('start', () => vm.status.start.send(), await taskOpts(ctx, 'start'));
  return done();
}

const VERIFY_ATTEMPTS = 5;

async function verifyAndEmail(ctx: Ctx) {
  const vm = await qemu(ctx);
  const d = data(ctx);
  const status = (await vm.status.current.get()).status;
  if (status !== 'running') {
    const n = (d.verifyAttempts ?? 0) + 1;
    if (n < VERIFY_ATTEMPTS) {
      await patchData(ctx, { verifyAttempts: n });
      return wait(`VM not running yet (status: ${status}), check ${n}/${VERIFY_ATTEMPTS}`, 1000 * n);
    }
    const restarts = (d.restarts ?? 0) + 1;
    await patchData(ctx, { verifyAttempts: 0, restarts });
    await ctx.task(`restart-${restarts}`, () => vm.status.start.send(), await taskOpts(ctx, 'start'));
    throw new Error(`VM failed to start (status: ${status}). Will retry.`);
  }
  const template = plan(ctx).emailVmReady;
  let note = 'running';
  if (!d.readyEmailSent && template) {
    if (ctx.env.email.configured) {
      await ctx.env.email.send(template, ctx.vm.serviceId);
      await patchData(ctx, { readyEmailSent: true });
      note = `running; "${template}" sent`;
    } else note = 'running; email skipped: no WHMCS API configured';
  }
  return done(note);
}

const step = (from: string, to: string, label: string, run: (ctx: Ctx) => Promise<ReturnType<typeof done>>): Step<DeployEnv> => ({
  from,
  to,
  label,
  run,
});

export const deployPipeline: Pipeline<DeployEnv> = {
  action: 'deploy',
  title: 'Deploy',
  final: 'ready',
  nodeOf: (vm: VmRecord) => vm.node ?? (vm.data as Partial<DeployData>).placement?.target ?? null,
  steps: [
    step('creation', 'set_ip', 'Allocate IP', allocate),
    step('set_ip', 'clone', 'Clone VM', clone),
    step('clone', 'set_dns', 'Configure DNS records', setDns),
    step('set_dns', 'migrated', 'Migrate to target node', migrate),
    step('migrated', 'set_cpu_ram', 'Set CPU & RAM', cpuRam),
    step('set_cpu_ram', 'set_system_disk_size', 'Resize system disk', (c) =>
      resize(c, data(c).systemDiskKey, plan(c).systemDisk.sizeGb, 'system disk'),
    ),
    step('set_system_disk_size', 'set_system_disk_bandwidth', 'Set system disk I/O', (c) =>
      ioLimits(c, data(c).systemDiskKey, plan(c).systemDisk, 'system disk'),
    ),
    step('set_system_disk_bandwidth', 'set_created_additional_disk', 'Create additional disk', createAdditionalDisk),
    step('set_created_additional_disk', 'set_additional_disk_size', 'Resize additional disk', (c) =>
      resize(
        c,
        plan(c).additionalDisk.sizeGb > 0 ? data(c).additionalDiskKey : undefined,
        plan(c).additionalDisk.sizeGb,
        'additional disk',
      ),
    ),
    step('set_additional_disk_size', 'set_additional_disk_bandwidth', 'Set additional disk I/O', (c) =>
      ioLimits(c, plan(c).additionalDisk.sizeGb > 0 ? data(c).additionalDiskKey : undefined, plan(c).additionalDisk, 'additional disk'),
    ),
    step('set_additional_disk_bandwidth', 'set_network', 'Configure network', network),
    step('set_network', 'set_firewall', 'Configure firewall', firewall),
    step('set_firewall', 'set_cloudinit', 'Configure cloud-init', cloudinit),
    step('set_cloudinit', 'starting', 'Start VM', start),
    step('starting', 'ready', 'Verify running + Email', verifyAndEmail),
  ],
};
