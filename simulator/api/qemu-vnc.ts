// POST …/vncproxy (qemu-server vncproxy): the VM must be running; see simulator/vnc/manager.ts.
import { die } from '../http/errors.ts';
import type { Routes } from '../http/context.ts';
import { vmOf } from './qemu-common.ts';

export const qemuVncRoutes: Routes = {
  'POST /nodes/{node}/qemu/{vmid}/vncproxy': async (ctx) => {
    const vm = vmOf(ctx);
    if (vm.status === 'stopped') die(`VM ${vm.vmid} not running`);
    return ctx.vnc.open({
      node: vm.node,
      vmid: vm.vmid,
      user: ctx.user,
      websocket: ctx.p.bool('websocket'),
      generatePassword: ctx.p.bool('generate-password'),
    });
  },
};
