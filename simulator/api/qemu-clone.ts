// POST …/clone (qemu-server clone_vm): full and linked clones, the template/storage/target rules.
import { randomUUID } from 'node:crypto';
import { die, paramError } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect, type ClusterState } from '../model/state.ts';
import { diskEntries, formatSize, GiB, isCdrom, isCloudinit, parseSize, printDrive, type Drive } from '../model/disks.ts';
import type { Vm, Volume } from '../model/types.ts';
import { assertUnlocked, isTemplate, seconds, vmOf } from './qemu-common.ts';

interface CloneArgs {
  [k: string]: unknown;
  source: number;
  newid: number;
  target: string;
  full: boolean;
  storage?: string;
  format?: string;
  name?: string;
  description?: string;
  snapname?: string;
}

/** Linked clone volume name: the base volume plus the new disk (LVM-thin and dir styles). */
function linkedName(base: Volume, newid: number, n: number): string {
  const [storage, name] = [base.storage, base.volid.slice(base.storage.length + 1)];
  const dir = /^\d+\//.test(name);
  return dir
    ? `${storage}:${name.split('/')[0]}/${name.split('/')[1]}/${newid}/vm-${newid}-disk-${n}.qcow2`
    : `${storage}:${name}/vm-${newid}-disk-${n}`;
}

function cloneDisk(state: ClusterState, src: Vm, a: CloneArgs, d: Drive, n: number): string {
  const base = state.volume(src.node, d.file);
  if (!base) throw new Error(`volume '${d.file}' does not exist`);
  const size = d.size ? parseSize(d.size) : base.size;
  if (isCloudinit(d.file)) {
    const vol = state.allocDisk(a.target, a.newid, a.storage ?? base.storage, 4 * 1024 * 1024, 'cloudinit');
    return printDrive({ ...d, file: vol.volid });
  }
  if (a.full) {
    const vol = state.allocDisk(a.target, a.newid, a.storage ?? base.storage, size);
    if (a.format) vol.format = a.format;
    return printDrive({ ...d, file: vol.volid, size: formatSize(size) });
  }
  const volid = linkedName(base, a.newid, n);
  state.addVolume({ ...base, volid, vmid: a.newid, node: base.node === null ? null : a.target, parent: base.volid, ctime: state.now() });
  return printDrive({ ...d, file: volid, size: formatSize(size) });
}

registerEffect('qmclone', {
  apply({ state, args }) {
    const a = args as CloneArgs;
    const src = state.vms.get(a.source);
    const vm = state.vms.get(a.newid);
    if (!src || !vm) throw new Error(`Configuration file 'nodes/${a.target}/qemu-server/${a.source}.conf' does not exist`);
    const from = a.snapname ? src.snapshots[a.snapname]!.config : src.config;
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(from))
      if (!/^(lock|template|parent|snaptime|vmstate|unused\d+|vmgenid|smbios1)$/.test(k)) config[k] = v;
    config.name = a.name ?? `Copy-of-VM-${src.config.name ?? src.vmid}`;
    if (a.description !== undefined) config.description = a.description;
    let n = 0;
    for (const [key, d] of diskEntries(config))
      if (!isCdrom(d) || isCloudinit(d.file)) config[key] = cloneDisk(state, src, a, d, isCdrom(d) ? 0 : n++);
    for (const k of Object.keys(config))
      if (/^net\d+$/.test(k)) config[k] = config[k]!.replace(/=[0-9A-F]{2}(:[0-9A-F]{2}){5}/i, `=${state.macAddress()}`);
    // Qemu.pm clone_vm: a new smbios1 uuid (other smbios1 fields kept); a new vmgenid only
    // when the source had one.
    const smbios = (from.smbios1 ?? '').split(',').filter((p) => p && !p.startsWith('uuid='));
    config.smbios1 = [`uuid=${randomUUID()}`, ...smbios].join(',');
    if (from.vmgenid) config.vmgenid = randomUUID();
    vm.config = { ...config, lock: 'clone' };
  },
  cleanup({ state, args }) {
    const a = args as CloneArgs;
    for (const v of [...state.volumes.values()]) if (v.vmid === a.newid && v.content === 'images') state.removeVolume(v);
    state.vms.delete(a.newid);
  },
});

/**
 * Qemu.pm clone_vm: with `storage` and `target`, the storage must exist on the target and be
 * shared; then check_storage_access_clone marks the VM unshared if ANY volume — disk, cloud-init
 * drive or ISO in a CD-ROM (only `none`/`cdrom` are skipped) — is on non-shared storage, and a
 * clone to another node dies "can't clone VM to node '…' (VM uses local storage)".
 */
function checkTarget(ctx: Ctx, src: Vm, target: string, disks: Array<[string, Drive]>, storage?: string): void {
  if (target === src.node) return;
  if (!ctx.state.hasNode(target)) die(`no such cluster node '${target}'`);
  if (storage) {
    if (!ctx.state.storageOnNode(target, storage)) die(`storage '${storage}' is not available on node '${target}'`);
    if (!ctx.state.storage(storage)?.shared) die(`can't clone to non-shared storage '${storage}'`);
  }
  const local = disks.some(([, d]) => d.file !== 'none' && d.file !== 'cdrom' && !ctx.state.storage(d.file.split(':')[0]!)?.shared);
  if (local) die(`can't clone VM to node '${target}' (VM uses local storage)`);
}

function clone(ctx: Ctx): string {
  const src = vmOf(ctx);
  const newid = ctx.p.int('newid');
  const target = ctx.p.optStr('target') ?? src.node;
  const full = ctx.p.has('full') ? ctx.p.bool('full') : !isTemplate(src);
  const storage = ctx.p.optStr('storage');
  const snapname = ctx.p.optStr('snapname');
  assertUnlocked(src);
  if (snapname && !src.snapshots[snapname]) die(`snapshot '${snapname}' does not exist`);
  const disks = diskEntries(snapname ? src.snapshots[snapname]!.config : src.config);
  if (!full) {
    for (const k of ['storage', 'format']) if (ctx.p.has(k)) die(`parameter '${k}' not allowed for linked clones`);
    const plain = disks.find(([, d]) => !isCdrom(d) && !/base-\d+-disk/.test(d.file));
    if (plain) die(`Linked clone feature is not supported for '${plain[1].file}' (${plain[0]})`);
  }
  if (storage) {
    const s = ctx.state.storageOnNode(target, storage) ?? die(`storage '${storage}' does not exist`);
    if (!s.content.includes('images')) paramError({ storage: `storage '${storage}' does not support vm images` });
  }
  checkTarget(ctx, src, target, disks, storage);
  if (ctx.state.vms.has(newid)) die(`unable to create VM ${newid}: config file already exists`);
  ctx.state.newVm(newid, target, { lock: 'clone' });
  const gib = disks.reduce((s, [, d]) => s + (isCdrom(d) || !d.size ? 0 : parseSize(d.size) / GiB), 0);
  const args: CloneArgs = {
    source: src.vmid,
    newid,
    target,
    full,
    storage,
    format: ctx.p.optStr('format'),
    name: ctx.p.optStr('name'),
    description: ctx.p.optStr('description'),
    snapname,
  };
  return ctx.state.startTask({
    node: src.node,
    type: 'qmclone',
    id: src.vmid,
    user: ctx.user,
    seconds: full ? seconds(ctx).fullClonePerGiB * gib : seconds(ctx).linkedClone,
    log: disks.map(([k, d]) => `create ${full ? 'full' : 'linked'} clone of drive ${k} (${d.file})`),
    effect: { kind: 'qmclone', args },
    unlock: newid,
  }).upid;
}

export const qemuCloneRoutes: Routes = { 'POST /nodes/{node}/qemu/{vmid}/clone': clone };
