// ChangePassword: WHMCS changed the service password (admin or client form); set it on the VM —
// through the guest agent when the VM runs and the agent answers (at once), else as cloud-init's
// cipassword for the next boot (provisioner/plan/windows.ts setGuestPassword). The password is
// never stored or logged by the gateway; WHMCS keeps it (tblhosting.password).
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import { setGuestPassword } from '../../provisioner/plan/windows.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor, assertClientOwnsService } from './access.ts';
import { upstream } from './pve.ts';
import { serviceCallSchema } from './schemas.ts';

export const changePasswordSchema = serviceCallSchema.extend({ password: z.string().min(6).max(128) });
export type ChangePasswordCall = z.output<typeof changePasswordSchema>;

export async function changePassword(ctx: GatewayContext, call: ChangePasswordCall): Promise<{ result: 'success'; via: string }> {
  if (call.actor.type === 'client') await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid, 'resetPassword');
  else assertActor(call.actor, ['admin', 'system']);
  const vm = await getVm(ctx.db, call.params.serviceid);
  if (!vm?.vmid || !vm.node || vm.state !== 'ready')
    throw new AppError('PVB_CONFLICT', `The password can be set once the VM is ready (state ${vm?.state ?? 'none'})`, undefined, {
      key: 'error.vm_busy',
    });
  const row = await ctx.db('tblhosting').where({ id: vm.serviceId }).first('username');
  const username = String(row?.username || 'root');
  const { proxmoxForServer } = await import('../../provisioner/servers.ts');
  const pve = await proxmoxForServer(ctx.db, ctx.config, vm.serverId);
  try {
    return { result: 'success', via: await setGuestPassword(pve, vm.node, vm.vmid, username, call.password) };
  } catch (err) {
    throw upstream(err, `password change of VM ${vm.vmid}`);
  } finally {
    await pve.close();
  }
}
