// Snapshots: list, create, delete, rollback and snapshot config (AbstractConfig.pm snapshot_*).
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect } from '../model/state.ts';
import type { Snapshot, Vm } from '../model/types.ts';
import { lockError, seconds, vmOf } from './qemu-common.ts';
import { typedConfig } from './qemu-config.ts';

function snapOf(ctx: Ctx, vm: Vm): Snapshot {
  const name = ctx.p.str('snapname');
  return vm.snapshots[name] ?? die(`snapshot '${name}' does not exist`);
}

registerEffect('qmsnapshot', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const name = String(args.snapname);
    const config = { ...vm.config };
    delete config.lock;
    vm.snapshots[name] = {
      name,
      description: String(args.description ?? ''),
      snaptime: state.now(),
      vmstate: args.vmstate ? 1 : 0,
      ...(vm.config.parent ? { parent: vm.config.parent } : {}),
      config,
    };
    vm.config.parent = name;
  },
});

registerEffect('qmdelsnapshot', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const name = String(args.snapname);
    const gone = vm.snapshots[name];
    if (!gone) throw new Error(`snapshot '${name}' does not exist`);
    delete vm.snapshots[name];
    for (const s of Object.values(vm.snapshots)) if (s.parent === name) s.parent = gone.parent;
    if (vm.config.parent === name) {
      if (gone.parent) vm.config.parent = gone.parent;
      else delete vm.config.parent;
    }
  },
});

registerEffect('qmrollback', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid))!;
    const snap = vm.snapshots[String(args.snapname)]!;
    vm.config = { ...snap.config, parent: snap.name, lock: 'rollback' };
    vm.pending = {};
    vm.pendingDelete = [];
    vm.status = args.start || snap.vmstate ? 'running' : 'stopped';
    if (vm.status === 'running') vm.startedAt = Date.now();
  },
});

function snapTask(ctx: Ctx, vm: Vm, type: string, lock: string, error: string | undefined, args: Record<string, unknown>) {
  if (!error) vm.config.lock = lock;
  return ctx.state.startTask({
    node: vm.node,
    type,
    id: vm.vmid,
    user: ctx.user,
    seconds: type === 'qmrollback' ? seconds(ctx).rollback : seconds(ctx).snapshot,
    error,
    effect: { kind: type, args: { vmid: vm.vmid, ...args } },
    ...(error ? {} : { unlock: vm.vmid }),
  }).upid;
}

export const qemuSnapshotRoutes: Routes = {
  'GET /nodes/{node}/qemu/{vmid}/snapshot': (ctx) => {
    const vm = vmOf(ctx);
    const list: Array<Record<string, unknown>> = Object.values(vm.snapshots).map((s) => ({
      name: s.name,
      description: s.description,
      snaptime: s.snaptime,
      vmstate: s.vmstate,
      ...(s.parent ? { parent: s.parent } : {}),
    }));
    list.push({
      name: 'current',
      description: 'You are here!',
      running: vm.status === 'stopped' ? 0 : 1,
      ...(vm.config.parent ? { parent: vm.config.parent } : {}),
    });
    return list;
  },

  'POST /nodes/{node}/qemu/{vmid}/snapshot': (ctx) => {
    const vm = vmOf(ctx);
    const name = ctx.p.str('snapname');
    const error = lockError(vm) ?? (vm.snapshots[name] || name === 'current' ? `snapshot name '${name}' already used` : undefined);
    return snapTask(ctx, vm, 'qmsnapshot', 'snapshot', error, {
      snapname: name,
      description: ctx.p.optStr('description'),
      vmstate: ctx.p.bool('vmstate'),
    });
  },

  'DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}': (ctx) => {
    const vm = vmOf(ctx);
    const name = ctx.p.str('snapname');
    const error =
      (ctx.p.bool('force') ? undefined : lockError(vm)) ?? (vm.snapshots[name] ? undefined : `snapshot '${name}' does not exist`);
    return snapTask(ctx, vm, 'qmdelsnapshot', 'snapshot-delete', error, { snapname: name });
  },

  'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback': (ctx) => {
    const vm = vmOf(ctx);
    const name = ctx.p.str('snapname');
    const error = lockError(vm) ?? (vm.snapshots[name] ? undefined : `snapshot '${name}' does not exist`);
    return snapTask(ctx, vm, 'qmrollback', 'rollback', error, { snapname: name, start: ctx.p.bool('start') });
  },

  'GET /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config': (ctx) => {
    const s = snapOf(ctx, vmOf(ctx));
    return { ...typedConfig(s.config), description: s.description, snaptime: s.snaptime, ...(s.parent ? { parent: s.parent } : {}) };
  },

  'PUT /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config': (ctx) => {
    const s = snapOf(ctx, vmOf(ctx));
    if (ctx.p.has('description')) s.description = ctx.p.str('description');
    return null;
  },
};
