// GET …/cloudinit/dump (qemu-server Qemu.pm cloudinit_generated_config_dump → Cloudinit.pm
// dump_cloudinit_config): the generated user, network or meta config, as `qm cloudinit dump`.
import type { Routes } from '../http/context.ts';
import { dumpCloudinit } from '../model/cloudinit.ts';
import { vmOf } from './qemu-common.ts';

export const qemuCloudinitRoutes: Routes = {
  'GET /nodes/{node}/qemu/{vmid}/cloudinit/dump': (ctx) => dumpCloudinit(vmOf(ctx), ctx.p.str('type') as 'user' | 'network' | 'meta'),
};
