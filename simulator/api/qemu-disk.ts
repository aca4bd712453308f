// PUT …/resize and POST …/migrate (qemu-server resize_vm, migrate_vm, QemuMigrate.pm).
import { die, paramError } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect } from '../model/state.ts';
import { diskEntries, formatSize, GiB, isCdrom, isCloudinit, parseDrive, parseSize, printDrive } from '../model/disks.ts';
import type { Vm } from '../model/types.ts';
import { assertUnlocked, lockError, seconds, skiplock, vmOf } from './qemu-common.ts';

/** The in-task checks of resize_vm; returns [error] or [undefined, new size in bytes]. */
function resizeCheck(vm: Vm, disk: string, sizeText: string, skip: boolean): [string | undefined, number] {
  const lock = skip ? undefined : lockError(vm);
  if (lock) return [lock, 0];
  const value = vm.config[disk];
  if (!value) return [`disk '${disk}' does not exist`, 0];
  const drive = parseDrive(disk, value);
  if (isCdrom(drive)) return ["you can't resize a cdrom", 0];
  const current = drive.size ? parseSize(drive.size) : 0;
  const relative = sizeText.startsWith('+');
  const amount = parseSize(sizeText.replace(/^\+/, ''));
  const next = relative ? current + amount : amount;
  if (next < current) return ['shrinking disks is not supported', 0];
  return [undefined, next];
}

registerEffect('resize', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const key = String(args.disk);
    const drive = parseDrive(key, vm.config[key]!);
    vm.config[key] = printDrive({ ...drive, size: formatSize(Number(args.size)) });
    const vol = state.volume(vm.node, drive.file);
    if (vol) vol.size = Number(args.size);
  },
});

/** targetstorage: "1" keeps names, one id maps everything, "a:b,c:d" maps pairs. */
function mapStorage(targetstorage: string | undefined, source: string): string {
  if (!targetstorage || targetstorage === '1') return source;
  const pairs = targetstorage.split(/[,;]/);
  if (pairs.length === 1 && !pairs[0]!.includes(':')) return pairs[0]!;
  for (const p of pairs) {
    const [from, to] = p.split(':');
    if (from === source) return to === '1' ? source : to!;
  }
  return source;
}

registerEffect('qmigrate', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const target = String(args.target);
    for (const [key, d] of diskEntries(vm.config)) {
      const vol = state.volume(vm.node, d.file);
      if (!vol || vol.node === null || vol.content === 'iso') continue;
      const storage = mapStorage(args.targetstorage as string | undefined, vol.storage);
      if (!state.storageOnNode(target, storage)) throw new Error(`storage '${storage}' is not available on node '${target}'`);
      state.removeVolume(vol);
      const volid = `${storage}:${vol.volid.slice(vol.storage.length + 1)}`;
      state.addVolume({ ...vol, volid, storage, node: state.storage(storage)!.shared ? null : target });
      vm.config[key] = printDrive({ ...d, file: volid });
    }
    vm.node = target;
  },
});

function localDisks(ctx: Ctx, vm: Vm) {
  return diskEntries(vm.config).filter(
    ([, d]) => (!isCdrom(d) || isCloudinit(d.file)) && !ctx.state.storage(d.file.split(':')[0]!)?.shared,
  );
}

export const qemuDiskRoutes: Routes = {
  'PUT /nodes/{node}/qemu/{vmid}/resize': (ctx) => {
    const vm = vmOf(ctx);
    const skip = skiplock(ctx);
    const disk = ctx.p.str('disk');
    // Since qemu-server 8 the whole update (digest, lock, size checks) runs in the worker.
    const digest = ctx.p.optStr('digest');
    const stale = digest && digest !== ctx.state.digest(vm.config) ? 'checksum mismatch (file change by other user?)' : undefined;
    const [checked, size] = resizeCheck(vm, disk, ctx.p.str('size'), skip);
    const error = stale ?? checked;
    return ctx.state.startTask({
      node: vm.node,
      type: 'resize',
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx).resize,
      error,
      log: error ? [] : [`resize ${disk} to ${formatSize(size)}`],
      effect: { kind: 'resize', args: { vmid: vm.vmid, disk, size } },
    }).upid;
  },

  'POST /nodes/{node}/qemu/{vmid}/migrate': (ctx) => {
    const vm = vmOf(ctx);
    const target = ctx.p.str('target');
    if (target === vm.node) paramError({ target: 'target is local node.' });
    if (!ctx.state.hasNode(target)) die(`no such cluster node '${target}'`);
    if (ctx.state.downNodes.has(target)) die(`target node '${target}' is not online`);
    assertUnlocked(vm);
    const running = vm.status !== 'stopped';
    if (running && !ctx.p.bool('online')) die("can't migrate running VM without --online");
    const local = localDisks(ctx, vm);
    const online = running && ctx.p.bool('online');
    // QemuMigrate.pm scan_local_volumes: an ISO on non-shared storage in a CD-ROM aborts phase 1.
    const iso = diskEntries(vm.config).find(
      ([, d]) => isCdrom(d) && !isCloudinit(d.file) && d.file.includes(':') && !ctx.state.storage(d.file.split(':')[0]!)?.shared,
    );
    const error = iso
      ? `migration aborted (duration 00:00:01): Problem found while scanning volumes - can't migrate local cdrom '${iso[1].file}'`
      : online && local.length && !ctx.p.bool('with-local-disks')
        ? `can't migrate local disk '${local[0]![1].file}': can't live migrate attached local disks without with-local-disks option`
        : undefined;
    const gib = local.reduce((s, [, d]) => s + (d.size ? parseSize(d.size) / GiB : 0), 0);
    vm.config.lock = 'migrate';
    return ctx.state.startTask({
      node: vm.node,
      type: 'qmigrate',
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx).migrate + seconds(ctx).migratePerGiB * gib,
      error,
      log: [`starting migration of VM ${vm.vmid} to node '${target}'`, ...local.map(([k, d]) => `copying local disk ${k} (${d.file})`)],
      effect: { kind: 'qmigrate', args: { vmid: vm.vmid, target, targetstorage: ctx.p.optStr('targetstorage') } },
      unlock: vm.vmid,
    }).upid;
  },
};
