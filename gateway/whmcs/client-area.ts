// What the client sees: the overview (served from our records — the read path never asks Proxmox,
// invariant 7; power state is "unknown" until a refresher has cached it) and the buttons the
// product's client-area permissions grant.
import { getVm } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertClientOwnsService, grantedPermissions } from './access.ts';
import { commands } from './commands.ts';
import type { BareCall, ServiceCall } from './schemas.ts';
import { loadService, serviceIps } from './service.ts';
import { activity } from './states.ts';

/** Client-invokable functions: label → PHP function suffix, filtered by the product when known. */
export async function clientButtons(ctx: GatewayContext, call: BareCall): Promise<{ buttons: Record<string, string> }> {
  const serviceId = call.params?.serviceid;
  // A client learns nothing about a service that is not theirs: not even whether it exists.
  const service = !serviceId
    ? undefined
    : call.actor.type === 'client'
      ? await assertClientOwnsService(ctx.db, call.actor.id, serviceId)
      : await loadService(ctx.db, serviceId);
  const productId = service ? service.productId : call.params?.pid;
  const granted = productId ? await grantedPermissions(ctx.db, productId) : undefined;
  const buttons: Record<string, string> = {};
  for (const c of commands) if (c.client && (!granted || granted[c.client])) buttons[`${c.fn} VM`] = c.fn;
  return { buttons };
}

export async function clientArea(ctx: GatewayContext, call: ServiceCall) {
  const s =
    call.actor.type === 'client'
      ? await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid)
      : await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  const granted = await grantedPermissions(ctx.db, s.productId);
  const cached = vm?.data.remote as { status?: string } | undefined;
  return {
    templatefile: 'overview',
    vars: {
      serviceId: s.id,
      state: vm?.state ?? 'none',
      ready: vm?.state === 'ready',
      stateText: !vm ? 'not provisioned yet' : vm.state === 'ready' ? 'ready' : activity(vm.state),
      vmid: vm?.vmid ?? null,
      hostname: vm?.vmName ?? s.domain,
      ips: serviceIps(s),
      power: cached?.status ?? 'unknown',
      permissions: granted,
      buttons: commands.filter((c) => c.client && granted[c.client]).map((c) => ({ fn: c.fn, label: `${c.fn} VM` })),
    },
  };
}
