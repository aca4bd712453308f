// A small WHMCS catalogue for tests and the demo: one client, product group, pvebridge product,
// Proxmox server and (optionally) a Pending service. Every part can be overridden.
import type { Db } from '../db/connect.ts';
import { encryptWhmcsPassword } from '../whmcs-crypto.ts';
import { insertRow } from './index.ts';

/** The fixture's `$cc_encryption_hash` (configuration.php) — for tests and the demo only. */
export const FIXTURE_CC_ENCRYPTION_HASH = 'pvebridge-fixture-cc-encryption-hash-0000';

export interface SeedOptions {
  client?: Record<string, unknown>;
  product?: Record<string, unknown>;
  server?: Record<string, unknown>;
  service?: Record<string, unknown> | false;
  /** Proxmox API token secret for the server; stored encrypted as WHMCS does (tblservers.password). */
  tokenSecret?: string;
  /** Key for that encryption (default FIXTURE_CC_ENCRYPTION_HASH). */
  ccEncryptionHash?: string;
}

export interface Seeded {
  clientId: number;
  groupId: number;
  productId: number;
  serverId: number;
  serviceId: number | undefined;
}

const today = () => new Date().toISOString().slice(0, 10);

export async function seedClient(db: Db, values: Record<string, unknown> = {}): Promise<number> {
  return insertRow(db, 'tblclients', {
    uuid: `c-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    firstname: 'Ada',
    lastname: 'Lovelace',
    email: `ada+${Math.random().toString(36).slice(2, 8)}@example.com`,
    country: 'GB',
    status: 'Active',
    datecreated: today(),
    ...values,
  });
}

export async function seedService(
  db: Db,
  s: Pick<Seeded, 'clientId' | 'productId' | 'serverId'>,
  values: Record<string, unknown> = {},
): Promise<number> {
  return insertRow(db, 'tblhosting', {
    userid: s.clientId,
    packageid: s.productId,
    server: s.serverId,
    regdate: today(),
    domain: 'vm1.example.com',
    billingcycle: 'Monthly',
    domainstatus: 'Pending',
    username: 'root',
    ...values,
  });
}

export async function seedWhmcs(db: Db, opts: SeedOptions = {}): Promise<Seeded> {
  const clientId = await seedClient(db, opts.client);
  const groupId = await insertRow(db, 'tblproductgroups', { name: 'Cloud VPS', slug: 'cloud-vps' });
  const serverId = await insertRow(db, 'tblservers', {
    name: 'pve-sim',
    ipaddress: '127.0.0.1',
    hostname: '127.0.0.1',
    type: 'pvebridge',
    username: 'root@pam!pvebridge',
    password: opts.tokenSecret ? encryptWhmcsPassword(opts.tokenSecret, opts.ccEncryptionHash ?? FIXTURE_CC_ENCRYPTION_HASH) : '',
    secure: 'on',
    port: 8006,
    active: 1,
    disabled: 0,
    ...opts.server,
  });
  const productId = await insertRow(db, 'tblproducts', {
    type: 'server',
    gid: groupId,
    name: 'VPS S',
    paytype: 'recurring',
    autosetup: 'payment',
    servertype: 'pvebridge',
    ...opts.product,
  });
  const serviceId = opts.service === false ? undefined : await seedService(db, { clientId, productId, serverId }, opts.service);
  return { clientId, groupId, productId, serverId, serviceId };
}
