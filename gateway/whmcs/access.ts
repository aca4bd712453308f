// Who may do what. Admin and system actors (WHMCS staff, cron, payment automation) pass the
// actor check of admin functions; a client must own the service (tblhosting.userid), the service
// must be Active, and the product must allow the feature in its client-area permissions.
// Every client refusal is the same "Access Denied", so nothing is learnt from it.
import type { Db } from '../../common/db/connect.ts';
import { accessDenied } from '../../common/errors.ts';
import { getProductSettings, type ProductSettings } from '../../provisioner/plan/product-settings.ts';
import type { Actor, ActorType } from './schemas.ts';
import { findService, type ServiceRow } from './service.ts';

/** The spec's client-area permissions, by the name the module API uses. */
export const clientPermissions = {
  start: 'permStart',
  stop: 'permStop',
  novnc: 'permNovnc',
  charts: 'permCharts',
  reinstall: 'permReinstall',
  resetPassword: 'permResetPassword',
  revDns: 'permRevDns',
  isoMount: 'permIsoMount',
  firewall: 'permFirewall',
} as const satisfies Record<string, keyof ProductSettings>;

export type ClientPermission = keyof typeof clientPermissions;

export function assertActor(actor: Actor, allowed: readonly ActorType[]): void {
  if (!allowed.includes(actor.type)) throw accessDenied();
}

/**
 * The client owns the service, the service is Active and (if given) the product grants
 * `permission`. Returns the service; throws Access Denied otherwise.
 */
export async function assertClientOwnsService(
  db: Db,
  clientId: number,
  serviceId: number,
  permission?: ClientPermission,
): Promise<ServiceRow> {
  const s = await findService(db, serviceId);
  if (!s || s.clientId !== clientId || s.status !== 'Active') throw accessDenied();
  if (permission) {
    const settings = await getProductSettings(db, s.productId);
    if (!settings[clientPermissions[permission]]) throw accessDenied();
  }
  return s;
}

/** The client-area features the product grants (for buttons and the overview template). */
export async function grantedPermissions(db: Db, productId: number): Promise<Record<ClientPermission, boolean>> {
  const settings = await getProductSettings(db, productId);
  const out = {} as Record<ClientPermission, boolean>;
  for (const [name, key] of Object.entries(clientPermissions)) out[name as ClientPermission] = Boolean(settings[key]);
  return out;
}
