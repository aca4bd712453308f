// VM config: GET/POST/PUT config, pending, unlink, cloudinit (qemu-server API2/Qemu.pm).
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect } from '../model/state.ts';
import { qemuConfigReturnProps } from '../validate/schema.ts';
import { propFor } from '../validate/check.ts';
import type { Vm } from '../model/types.ts';
import { applyChanges, changesFrom, type ConfigChange } from './config-apply.ts';
import { assertDigest, assertUnlocked, seconds, skiplock, vmOf } from './qemu-common.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints a stored config the way the API returns it (numbers typed, cipassword masked). */
export function typedConfig(config: Record<string, string>): Record<string, string | number> {
  const props = qemuConfigReturnProps();
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(config)) {
    const type = propFor(props, k)?.type;
    out[k] = k === 'cipassword' ? '**********' : type === 'integer' || type === 'number' || type === 'boolean' ? Number(v) : v;
  }
  return out;
}

function withPending(vm: Vm): Record<string, string> {
  const merged = { ...vm.config, ...vm.pending };
  for (const k of vm.pendingDelete) delete merged[k];
  return merged;
}

/** Pre-fork checks of update_vm_api; returns the change set. */
function checkUpdate(ctx: Ctx, vm: Vm): ConfigChange {
  const skip = skiplock(ctx);
  assertDigest(ctx, ctx.state.digest(vm.config));
  if (!skip) assertUnlocked(vm);
  const change = changesFrom(ctx.p.raw);
  if (!Object.keys(change.set).length && !change.del.length && !change.revert.length) die('no options specified');
  return change;
}

registerEffect('qmconfig', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid));
    if (!vm) throw new Error(`Configuration file 'nodes/${String(args.node)}/qemu-server/${String(args.vmid)}.conf' does not exist`);
    applyChanges(state, vm, args.change as ConfigChange);
  },
});

export const qemuConfigRoutes: Routes = {
  'GET /nodes/{node}/qemu/{vmid}/config': (ctx) => {
    const vm = vmOf(ctx);
    const snap = ctx.p.optStr('snapshot');
    if (snap) {
      const s = vm.snapshots[snap] ?? die(`snapshot '${snap}' does not exist`);
      return { ...typedConfig(s.config), digest: ctx.state.digest(s.config) };
    }
    const config = ctx.p.bool('current') ? vm.config : withPending(vm);
    return { ...typedConfig(config), digest: ctx.state.digest(vm.config) };
  },

  'PUT /nodes/{node}/qemu/{vmid}/config': (ctx) => {
    const vm = vmOf(ctx);
    applyChanges(ctx.state, vm, checkUpdate(ctx, vm));
    return null;
  },

  'POST /nodes/{node}/qemu/{vmid}/config': async (ctx) => {
    const vm = vmOf(ctx);
    const change = checkUpdate(ctx, vm);
    const task = ctx.state.startTask({
      node: vm.node,
      type: 'qmconfig',
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx).config,
      log: [
        `update VM ${vm.vmid}: ${Object.keys(change.set)
          .map((k) => `-${k}`)
          .join(' ')}`,
      ],
      effect: { kind: 'qmconfig', args: { vmid: vm.vmid, node: vm.node, change } },
    });
    const delay = ctx.p.optInt('background_delay');
    if (!delay) return task.upid;
    const until = Date.now() + delay * 1000;
    while (!task.done && Date.now() < until) {
      await sleep(Math.min(20, Math.max(1, until - Date.now())));
      ctx.state.advance();
    }
    if (!task.done) return task.upid;
    if (task.error) die(`failed to update VM ${vm.vmid}: ${task.exitstatus}`);
    return null;
  },

  'GET /nodes/{node}/qemu/{vmid}/pending': (ctx) => {
    const vm = vmOf(ctx);
    const keys = [...new Set([...Object.keys(vm.config), ...Object.keys(vm.pending), ...vm.pendingDelete])].sort();
    const typed = typedConfig(vm.config);
    const pending = typedConfig(vm.pending);
    return keys.map((key) => ({
      key,
      ...(key in typed ? { value: typed[key] } : {}),
      ...(key in pending ? { pending: pending[key] } : {}),
      ...(vm.pendingDelete.includes(key) ? { delete: 1 } : {}),
    }));
  },

  'PUT /nodes/{node}/qemu/{vmid}/unlink': (ctx) => {
    const vm = vmOf(ctx);
    assertUnlocked(vm);
    applyChanges(ctx.state, vm, {
      set: {},
      del: ctx.p
        .str('idlist')
        .split(/[,;\s]+/)
        .filter(Boolean),
      revert: [],
      force: ctx.p.bool('force'),
    });
    return null;
  },

  // Regenerating the cloud-init drive: nothing to build here, but the VM must exist.
  'PUT /nodes/{node}/qemu/{vmid}/cloudinit': (ctx) => {
    vmOf(ctx);
    return null;
  },
};
