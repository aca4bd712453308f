// Guest agent calls (qemu-server API2/Qemu/Agent.pm): synchronous, reply {result: …}.
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import type { Vm } from '../model/types.ts';
import { vmOf } from './qemu-common.ts';
import { agentEnabled } from './qemu-status.ts';

function agentReady(ctx: Ctx): Vm {
  const vm = vmOf(ctx);
  if (!agentEnabled(vm.config)) die('No QEMU guest agent configured');
  if (vm.status === 'stopped') die(`VM ${vm.vmid} is not running`);
  // The guest needs a moment after start before its agent answers.
  if (vm.startedAt && Date.now() - vm.startedAt < 1000 * ctx.state.timeScale) die('QEMU guest agent is not running');
  return vm;
}

function addresses(vm: Vm) {
  return Object.entries(vm.config)
    .filter(([k]) => /^ipconfig\d+$/.test(k))
    .map(([k, v]) => {
      const n = k.slice('ipconfig'.length);
      const mac = /=([0-9A-F]{2}(?::[0-9A-F]{2}){5})/i.exec(vm.config[`net${n}`] ?? '')?.[1]?.toLowerCase() ?? '00:00:00:00:00:00';
      const ip = /ip=([\d.]+)\/(\d+)/.exec(v);
      return {
        name: `eth${n}`,
        'hardware-address': mac,
        'ip-addresses': ip ? [{ 'ip-address-type': 'ipv4', 'ip-address': ip[1], prefix: Number(ip[2]) }] : [],
      };
    });
}

export const qemuAgentRoutes: Routes = {
  'POST /nodes/{node}/qemu/{vmid}/agent/ping': (ctx) => {
    agentReady(ctx);
    return { result: {} };
  },
  'POST /nodes/{node}/qemu/{vmid}/agent/set-user-password': (ctx) => {
    const vm = agentReady(ctx);
    // Only the user name is kept: tests assert the call, never the secret.
    (vm.agentPasswords ??= []).push(ctx.p.str('username'));
    return { result: {} };
  },
  'GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': (ctx) => {
    const vm = agentReady(ctx);
    const lo = {
      name: 'lo',
      'hardware-address': '00:00:00:00:00:00',
      'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }],
    };
    return { result: [lo, ...addresses(vm)] };
  },
};
