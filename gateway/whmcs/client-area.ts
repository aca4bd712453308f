// What the client sees: the overview (served from our records and the live-state cache — the read
// path never asks Proxmox, invariant 7; see overview.ts) and the buttons the product's
// client-area permissions grant.
import type { GatewayContext } from '../context.ts';
import { assertClientOwnsService, grantedPermissions } from './access.ts';
import { commands } from './commands.ts';
import type { BareCall, ServiceCall } from './schemas.ts';
import { loadService } from './service.ts';
import { overviewOf, overviewVars } from './overview.ts';
import { activity } from './states.ts';

export { overviewVars };

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
  const vars = await overviewOf(ctx, s);
  return {
    templatefile: 'overview',
    vars: {
      ...vars,
      // For the server-rendered template until it shows keys: English text and the granted buttons.
      stateText: vars.state === 'none' ? 'not provisioned yet' : vars.ready ? 'ready' : activity(vars.state),
      buttons: commands.filter((c) => c.client && vars.permissions[c.client]).map((c) => ({ fn: c.fn, label: `${c.fn} VM` })),
    },
  };
}
