// …/status/current and the power actions. Lock checks and start's "already running" run inside
// the task (a UPID whose task fails); "not running" / "paused" checks fail the call (precheck).
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { registerEffect } from '../model/state.ts';
import { parsePropertyString } from '../validate/property-string.ts';
import { vmUsage } from '../model/stats.ts';
import type { Vm } from '../model/types.ts';
import { applyPending } from './config-apply.ts';
import { isTemplate, lockError, seconds, skiplock, vmOf } from './qemu-common.ts';

type Action = 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume' | 'reset';

const TASK_TYPE: Record<Action, string> = {
  start: 'qmstart',
  stop: 'qmstop',
  shutdown: 'qmshutdown',
  reboot: 'qmreboot',
  suspend: 'qmpause',
  resume: 'qmresume',
  reset: 'qmreset',
};

function missingBridge(ctx: Ctx, vm: Vm): string | undefined {
  const bridges = ctx.state.scenario.nodes.find((n) => n.name === vm.node)?.bridges ?? [];
  for (const [k, v] of Object.entries(vm.config)) {
    const m = /^net\d+$/.test(k) ? /bridge=([^,]+)/.exec(v) : null;
    if (m && !bridges.includes(m[1]!)) return `bridge '${m[1]}' does not exist`;
  }
  return undefined;
}

/** The in-task checks; undefined means the action will succeed. */
function check(ctx: Ctx, vm: Vm, action: Action, skip: boolean): string | undefined {
  const lock = skip ? undefined : lockError(vm, action === 'start' || action === 'resume' ? ['suspended'] : []);
  if (lock) return lock;
  const running = vm.status !== 'stopped';
  switch (action) {
    case 'start':
      if (isTemplate(vm)) return "you can't start a vm if it's a template";
      if (running) return `VM ${vm.vmid} already running`;
      return missingBridge(ctx, vm);
    default:
      return undefined;
  }
}

registerEffect('power', {
  apply({ state, args }) {
    const vm = state.vms.get(Number(args.vmid));
    if (!vm) return;
    const action = args.action as Action;
    if (action === 'start' || action === 'reboot' || (action === 'resume' && vm.status === 'stopped')) {
      applyPending(state, vm);
      if (vm.config.lock === 'suspended') delete vm.config.lock;
      vm.status = 'running';
      vm.startedAt = Date.now();
    } else if (action === 'stop' || action === 'shutdown') {
      vm.status = 'stopped';
      delete vm.startedAt;
    } else if (action === 'suspend') {
      if (args.todisk) {
        vm.status = 'stopped';
        vm.config.lock = 'suspended';
      } else vm.status = 'paused';
    } else if (action === 'resume') vm.status = 'running';
  },
});

/**
 * Qemu.pm checks these before forking, so the call itself fails with 500 (no UPID):
 * reboot/reset/suspend/resume of a VM that is not running ("VM <id> not running"; resume of a
 * VM suspended to disk is fine), reboot and shutdown (without forceStop) of a paused VM.
 */
function precheck(ctx: Ctx, vm: Vm, action: Action): void {
  const running = vm.status !== 'stopped';
  const paused = vm.status === 'paused';
  if ((action === 'reboot' || (action === 'shutdown' && !ctx.p.bool('forceStop'))) && paused) die('VM is paused - cannot shutdown');
  if ((action === 'reboot' || action === 'reset' || action === 'suspend') && !running) die(`VM ${vm.vmid} not running`);
  if (action === 'resume' && !running && vm.config.lock !== 'suspended') die(`VM ${vm.vmid} not running`);
}

function power(action: Action) {
  return (ctx: Ctx) => {
    const vm = vmOf(ctx);
    precheck(ctx, vm, action);
    const skip = action === 'reboot' ? false : skiplock(ctx);
    const todisk = action === 'suspend' && ctx.p.bool('todisk');
    return ctx.state.startTask({
      node: vm.node,
      type: todisk ? 'qmsuspend' : TASK_TYPE[action],
      id: vm.vmid,
      user: ctx.user,
      seconds: seconds(ctx)[action],
      error: check(ctx, vm, action, skip),
      effect: { kind: 'power', args: { vmid: vm.vmid, action, todisk } },
    }).upid;
  };
}

function agentEnabled(config: Record<string, string>): boolean {
  if (!config.agent) return false;
  return parsePropertyString({ enabled: { type: 'boolean', default_key: 1 } }, config.agent.split(',')[0]!).enabled === '1';
}

export const qemuStatusRoutes: Routes = {
  'GET /nodes/{node}/qemu/{vmid}/status/current': (ctx) => {
    const vm = vmOf(ctx);
    const u = vmUsage(vm);
    const running = vm.status !== 'stopped';
    return {
      vmid: vm.vmid,
      name: vm.config.name ?? `VM ${vm.vmid}`,
      status: running ? 'running' : 'stopped',
      qmpstatus: vm.status === 'paused' ? 'paused' : running ? 'running' : 'stopped',
      cpus: u.maxcpu,
      cpu: u.cpu,
      maxmem: u.maxmem,
      mem: u.mem,
      maxdisk: u.maxdisk,
      disk: 0,
      uptime: u.uptime,
      netin: u.netin,
      netout: u.netout,
      diskread: u.diskread,
      diskwrite: u.diskwrite,
      ha: { managed: 0 },
      ...(agentEnabled(vm.config) ? { agent: 1 } : {}),
      ...(vm.config.lock ? { lock: vm.config.lock } : {}),
      ...(vm.config.tags ? { tags: vm.config.tags } : {}),
      ...(vm.config.template === '1' ? { template: 1 } : {}),
      ...(running ? { pid: 10000 + vm.vmid, 'running-machine': 'pc-i440fx-10.1+pve0', 'running-qemu': '10.1.2' } : {}),
    };
  },
  ...Object.fromEntries((Object.keys(TASK_TYPE) as Action[]).map((a) => [`POST /nodes/{node}/qemu/{vmid}/status/${a}`, power(a)])),
};

export { agentEnabled };
