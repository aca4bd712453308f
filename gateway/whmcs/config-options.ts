// The product's Module Settings tab. The few WHMCS fields (configoption1..4) are declared by the
// shim (their order is WHMCS's storage layout); the gateway answers their Loader dropdowns (asked
// from Proxmox) and describes the full settings panel.
import { AppError } from '../../common/errors.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor } from './access.ts';
import { loaderOptions, type LoaderKind } from './pve.ts';
import type { BareCall } from './schemas.ts';
import { productPanel } from './settings-panel.ts';
import { pickServer } from './servers-pick.ts';

export async function configOptions(ctx: GatewayContext, call: BareCall) {
  assertActor(call.actor, ['admin', 'system']);
  const pid = call.params?.pid;
  return { panel: pid ? await productPanel(ctx.db, pid) : null };
}

export async function loader(ctx: GatewayContext, call: BareCall, kind: LoaderKind) {
  assertActor(call.actor, ['admin', 'system']);
  const serverId = await pickServer(ctx.db, call.params ?? {});
  if (!serverId) throw new AppError('PVB_VALIDATION', 'No pvebridge server found: add one under Setup > Servers (type pvebridge) first');
  return { options: await loaderOptions(ctx, serverId, kind) };
}
