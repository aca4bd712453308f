// VM list, create / restore (POST /nodes/{node}/qemu), destroy and template.
import { randomUUID } from 'node:crypto';
import { die, paramError } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect, type ClusterState } from '../model/state.ts';
import { DISK_KEY, diskEntries, formatSize, GiB, isCdrom, isCloudinit, parseSize, printDrive, UNUSED_KEY } from '../model/disks.ts';
import { vmUsage } from '../model/stats.ts';
import type { Vm } from '../model/types.ts';
import { applyChanges, changesFrom, type ConfigChange } from './config-apply.ts';
import { assertUnlocked, isTemplate, lockError, seconds, skiplock, vmOf } from './qemu-common.ts';

/** Every volume a VM owns: its disks, unused disks and any other volume carrying its vmid. */
function ownedVolumes(state: ClusterState, vm: Vm, unreferenced: boolean) {
  const referenced = Object.entries(vm.config)
    .filter(([k]) => DISK_KEY.test(k) || UNUSED_KEY.test(k))
    .map(([, v]) => v.split(',')[0]!.replace(/^file=/, ''));
  return [...state.volumes.values()].filter(
    (v) =>
      v.content === 'images' &&
      (referenced.includes(v.volid) || (unreferenced && v.vmid === vm.vmid)) &&
      (v.node === null || v.node === vm.node),
  );
}

registerEffect('qmcreate', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    applyChanges(state, vm, args.change as ConfigChange);
    vm.config.vmgenid ??= randomUUID();
    vm.config.smbios1 ??= `uuid=${randomUUID()}`;
    if (args.start) {
      vm.status = 'running';
      vm.startedAt = Date.now();
    }
  },
  cleanup({ state, args }) {
    const vm = state.vms.get(Number(args.vmid));
    if (!vm || args.restoreOver) return;
    for (const v of ownedVolumes(state, vm, true)) state.removeVolume(v);
    state.vms.delete(vm.vmid);
  },
});

registerEffect('qmrestore', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const archive = state.volume(vm.node, String(args.archive));
    if (!archive?.archivedConfig) throw new Error(`volume '${String(args.archive)}' does not exist`);
    for (const v of ownedVolumes(state, vm, true)) state.removeVolume(v);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(archive.archivedConfig)) {
      if (UNUSED_KEY.test(key) || key === 'lock' || key === 'parent') continue;
      config[key] = value;
    }
    for (const [key, d] of diskEntries(config)) {
      if (isCdrom(d) && !isCloudinit(d.file)) continue;
      const target = args.storage ? String(args.storage) : d.file.split(':')[0]!;
      const size = isCloudinit(d.file) ? 4 * 1024 * 1024 : parseSize(d.size ?? '1G');
      const vol = state.allocDisk(vm.node, vm.vmid, target, size, isCloudinit(d.file) ? 'cloudinit' : 'disk');
      config[key] = printDrive({ ...d, file: vol.volid, ...(isCloudinit(d.file) ? {} : { size: formatSize(size) }) });
    }
    if (args.unique)
      for (const k of Object.keys(config))
        if (/^net\d+$/.test(k)) config[k] = config[k]!.replace(/=[0-9A-F]{2}(:[0-9A-F]{2}){5}/i, `=${state.macAddress()}`);
    // QemuServer.pm restore_update_config_line: a set vmgenid is always renewed; the smbios1
    // uuid only with `unique` (other smbios1 fields kept).
    if (config.vmgenid && config.vmgenid !== '0') config.vmgenid = randomUUID();
    if (args.unique && config.smbios1 !== undefined)
      config.smbios1 = [`uuid=${randomUUID()}`, ...config.smbios1.split(',').filter((p) => p && !p.startsWith('uuid='))].join(',');
    vm.config = { ...config, lock: 'create' };
    vm.snapshots = {};
    vm.pending = {};
    vm.pendingDelete = [];
  },
  cleanup({ state, args }) {
    if (!args.restoreOver) state.vms.delete(Number(args.vmid));
  },
});

registerEffect('qmdestroy', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid));
    if (!vm) return;
    for (const v of ownedVolumes(state, vm, Boolean(args.unreferenced))) state.removeVolume(v);
    state.vms.delete(vm.vmid);
  },
});

registerEffect('qmtemplate', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    for (const [key, d] of diskEntries(vm.config)) {
      if (isCdrom(d)) continue;
      const vol = state.volume(vm.node, d.file);
      if (!vol) continue;
      state.removeVolume(vol);
      vol.volid = vol.volid.replace(/vm-(\d+)-disk-/g, 'base-$1-disk-');
      state.addVolume(vol);
      vm.config[key] = printDrive({ ...d, file: vol.volid });
    }
    vm.config.template = '1';
  },
});

function create(ctx: Ctx): string {
  const node = ctx.p.str('node');
  const vmid = ctx.p.int('vmid');
  const archive = ctx.p.optStr('archive');
  const existing = ctx.state.vms.get(vmid);
  const change = changesFrom(ctx.p.raw);
  if (archive) {
    const conflicts = Object.keys(change.set).filter((k) => DISK_KEY.test(k));
    if (conflicts.length) paramError(Object.fromEntries(conflicts.map((k) => [k, "option conflicts with option 'archive'"])));
    if (existing && !ctx.p.bool('force')) die(`unable to restore VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`);
    if (existing && existing.node !== node) die(`unable to restore VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`);
    if (existing?.status === 'running') die(`unable to restore VM ${vmid} - VM is running`);
    if (existing) assertUnlocked(existing);
  } else if (existing) die(`VM ${vmid} already exists on node '${existing.node}'`);
  if (ctx.p.has('force') && !archive) paramError({ force: "option 'force' requires option 'archive'" });

  const vm = existing ?? ctx.state.newVm(vmid, node, {});
  vm.config.lock = 'create';
  const vol = archive ? ctx.state.volume(node, archive) : undefined;
  const gib = vol?.archivedConfig ? Math.max(1, vol.size / GiB) : 0;
  const task = ctx.state.startTask({
    node,
    type: archive ? 'qmrestore' : 'qmcreate',
    id: vmid,
    user: ctx.user,
    seconds: archive ? seconds(ctx).restorePerGiB * gib : seconds(ctx).create,
    error: archive && !vol?.archivedConfig ? `volume '${archive}' does not exist` : undefined,
    log: archive ? [`restore vma archive: ${archive}`] : [],
    effect: archive
      ? {
          kind: 'qmrestore',
          args: { vmid, archive, storage: ctx.p.optStr('storage'), unique: ctx.p.bool('unique'), restoreOver: Boolean(existing) },
        }
      : { kind: 'qmcreate', args: { vmid, change, start: ctx.p.bool('start') } },
    unlock: vmid,
  });
  return task.upid;
}

export const qemuLifecycleRoutes: Routes = {
  'GET /nodes/{node}/qemu': (ctx) =>
    [...ctx.state.vms.values()]
      .filter((vm) => vm.node === ctx.p.str('node'))
      .map((vm) => {
        const u = vmUsage(vm);
        return {
          vmid: vm.vmid,
          name: vm.config.name ?? `VM ${vm.vmid}`,
          status: vm.status === 'paused' ? 'running' : vm.status,
          cpus: u.maxcpu,
          maxmem: u.maxmem,
          mem: u.mem,
          maxdisk: u.maxdisk,
          disk: 0,
          cpu: u.cpu,
          uptime: u.uptime,
          netin: u.netin,
          netout: u.netout,
          diskread: u.diskread,
          diskwrite: u.diskwrite,
          ...(vm.config.template === '1' ? { template: 1 } : {}),
          ...(vm.config.lock ? { lock: vm.config.lock } : {}),
          ...(vm.config.tags ? { tags: vm.config.tags } : {}),
        };
      }),

  'POST /nodes/{node}/qemu': create,

  'DELETE /nodes/{node}/qemu/{vmid}': (ctx) => {
    const vm = vmOf(ctx);
    const skip = skiplock(ctx);
    if (vm.config.protection === '1') die(`can't remove VM ${vm.vmid} - protection mode enabled`);
    if (vm.status !== 'stopped') die(`VM ${vm.vmid} is running - destroy failed`);
    return ctx.state.startTask({
      node: vm.node,
      type: 'qmdestroy',
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx).destroy,
      error: skip ? undefined : lockError(vm, ['suspended']),
      log: [`destroy VM ${vm.vmid}`],
      effect: { kind: 'qmdestroy', args: { vmid: vm.vmid, unreferenced: ctx.p.bool('destroy-unreferenced-disks') } },
    }).upid;
  },

  'POST /nodes/{node}/qemu/{vmid}/template': (ctx) => {
    const vm = vmOf(ctx);
    assertUnlocked(vm);
    if (Object.keys(vm.snapshots).length) die('unable to create template, because VM contains snapshots');
    if (isTemplate(vm)) die("you can't convert a template to a template");
    if (vm.status !== 'stopped') die("you can't convert a VM to template if VM is running");
    return ctx.state.startTask({
      node: vm.node,
      type: 'qmtemplate',
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx).template,
      effect: { kind: 'qmtemplate', args: { vmid: vm.vmid } },
    }).upid;
  },
};
