// The addon's activate/deactivate: our tables are created by the gateway's migrations (never by
// PHP), and dropped on deactivation only when the "Delete all database tables" setting says so.
import { dropAll, migrateLatest } from '../../common/db/migrate.ts';
import { getGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor } from './access.ts';
import type { BareCall } from './schemas.ts';

export async function addonActivate(ctx: GatewayContext, call: BareCall) {
  assertActor(call.actor, ['admin', 'system']);
  const applied = await migrateLatest(ctx.db);
  return {
    status: 'success',
    description: applied.length ? `pvebridge: tables created/updated (${applied.join(', ')})` : 'pvebridge: tables up to date',
  };
}

export async function addonDeactivate(ctx: GatewayContext, call: BareCall) {
  assertActor(call.actor, ['admin', 'system']);
  const { deleteTablesOnDeactivate } = await getGlobalSettings(ctx.db);
  if (!deleteTablesOnDeactivate)
    return { status: 'success', description: 'pvebridge: deactivated; tables kept (setting "Delete all database tables" is off)' };
  await dropAll(ctx.db);
  return { status: 'success', description: 'pvebridge: deactivated; all pvebridge tables dropped' };
}
