// The facts about a service the module API acts on, read from WHMCS's tables (never from $params).
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';

export interface ServiceRow {
  id: number;
  clientId: number;
  productId: number;
  serverId: number;
  status: string;
  domain: string;
  dedicatedIp: string;
  assignedIps: string;
}

export async function findService(db: Db, serviceId: number): Promise<ServiceRow | undefined> {
  const r = await db('tblhosting').where({ id: serviceId }).first();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    clientId: Number(r.userid),
    productId: Number(r.packageid),
    serverId: Number(r.server),
    status: String(r.domainstatus),
    domain: String(r.domain ?? ''),
    dedicatedIp: String(r.dedicatedip ?? ''),
    assignedIps: String(r.assignedips ?? ''),
  };
}

export async function loadService(db: Db, serviceId: number): Promise<ServiceRow> {
  const s = await findService(db, serviceId);
  if (!s) throw new AppError('PVB_NOT_FOUND', `Service #${serviceId} does not exist`);
  return s;
}

/** The product must be one of ours and the service must have a pvebridge server. */
export async function assertProvisionable(db: Db, s: ServiceRow): Promise<void> {
  const product = await db('tblproducts').where({ id: s.productId }).first();
  if (!product) throw new AppError('PVB_NOT_FOUND', `Product #${s.productId} does not exist`);
  if (product.servertype !== 'pvebridge') {
    throw new AppError(
      'PVB_VALIDATION',
      `Product "${product.name}" does not use the pvebridge module (module: ${product.servertype || 'none'})`,
    );
  }
  if (!s.serverId)
    throw new AppError('PVB_VALIDATION', 'No server is assigned to this service: assign a pvebridge server to the product or service');
  const server = await db('tblservers').where({ id: s.serverId }).first();
  if (!server || server.type !== 'pvebridge') {
    throw new AppError('PVB_VALIDATION', `Server #${s.serverId} is not a pvebridge server: assign a pvebridge server to the service`);
  }
}

/** IPs of the service as WHMCS shows them: the dedicated IP, then the assigned list. */
export function serviceIps(s: Pick<ServiceRow, 'dedicatedIp' | 'assignedIps'>): string[] {
  const all = [s.dedicatedIp, ...s.assignedIps.split(/[\s,]+/)].map((x) => x.trim()).filter(Boolean);
  return [...new Set(all)];
}
