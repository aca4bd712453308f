// Deploy steps migrated → … → ready: configuration of the stopped VM, start, verify.
import { done, skip, wait } from '../engine/types.ts';
import { resizeDecision, parseSize } from '../lifecycle/disk-size.ts';
import { getOption, parsePropertyString } from '../lifecycle/property-string.ts';
import { withMac } from '../lifecycle/mac.ts';
import { type DiskPlan } from '../plan/resolve.ts';
import { encodeSshKeys } from '../proxmox/index.ts';
import { customerSshKeys, routedGuest } from './guest-config.ts';
import * as cfg from './vm-config.ts';
import { currentConfig, data, isWindows, patchData, plan, putConfig, qemu, taskOpts, vmid, type Ctx } from './deploy-shared.ts';

// --- configuration steps (VM stopped: every change applies at once)

export async function cpuRam(ctx: Ctx) {
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

export async function resize(ctx: Ctx, key: string | undefined, sizeGb: number, what: string) {
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

export async function ioLimits(ctx: Ctx, key: string | undefined, d: DiskPlan, what: string) {
  if (!key) return skip(`no ${what}`);
  const drive = String((await currentConfig(ctx))[key] ?? '');
  if (!drive) return skip(`no ${what}`);
  const next = cfg.withIoLimits(drive, d);
  if (next === drive) return skip('no change');
  await putConfig(ctx, { [key]: next });
  return done(`${key}: read ${d.mbpsRd || '∞'} MB/s ${d.iopsRd || '∞'} IOPS, write ${d.mbpsWr || '∞'} MB/s ${d.iopsWr || '∞'} IOPS`);
}

export async function createAdditionalDisk(ctx: Ctx) {
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

export async function network(ctx: Ctx) {
  const c = await currentConfig(ctx);
  const next = cfg.net0For(withMac(String(c.net0 ?? 'virtio'), data(ctx).keepMac), plan(ctx), data(ctx).net); // keepMac: reinstall
  if (next === c.net0) return skip('no change');
  await putConfig(ctx, { net0: next });
  return done(next);
}

export async function firewall(ctx: Ctx) {
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

export async function cloudinit(ctx: Ctx) {
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

export async function start(ctx: Ctx) {
  const vm = await qemu(ctx);
  if ((await vm.status.current.get()).status === 'running') return skip('already running');
  await ctx.task('start', () => vm.status.start.send(), await taskOpts(ctx, 'start'));
  return done();
}

const VERIFY_ATTEMPTS = 5;

export async function verifyAndEmail(ctx: Ctx) {
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
