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

/** The WHMCS email templates the gateway sends by name (product settings' email* defaults). */
export const PRODUCT_EMAIL_TEMPLATES: Array<{ name: string; subject: string; message: string }> = [
  {
    name: 'puqProxmoxKVM VM is ready',
    subject: 'Your VM {$service_domain} is ready',
    message: '<p>Dear {$client_name},</p><p>your VM {$service_domain} ({$service_dedicated_ip}) is ready.</p><p>{$signature}</p>',
  },
  {
    name: 'puqProxmoxKVM Reset password',
    subject: 'New password for {$service_domain}',
    message: '<p>Dear {$client_name},</p><p>the password of {$service_domain} was reset.</p><p>{$signature}</p>',
  },
  {
    name: 'puqProxmoxKVM Backup restored',
    subject: 'Backup of {$service_domain} restored',
    message: '<p>Dear {$client_name},</p><p>a backup of {$service_domain} was restored.</p><p>{$signature}</p>',
  },
  {
    name: 'puqProxmoxKVM Upgrade Email',
    subject: '{$service_domain} upgraded',
    message: '<p>Dear {$client_name},</p><p>{$service_domain} now runs the upgraded plan.</p><p>{$signature}</p>',
  },
];

async function setSetting(db: Db, setting: string, value: string): Promise<void> {
  if (await db('tblconfiguration').where({ setting }).first()) await db('tblconfiguration').where({ setting }).update({ value });
  else await insertRow(db, 'tblconfiguration', { setting, value });
}

/**
 * What a WHMCS install has besides the catalogue, for the dev WHMCS: system settings (Module
 * Log on, default language, system URL), a support department, the product email templates.
 */
export async function seedWhmcsSystem(db: Db, o: { systemUrl?: string } = {}): Promise<void> {
  await setSetting(db, 'ModuleDebugMode', 'on');
  await setSetting(db, 'Language', 'english');
  if (o.systemUrl) await setSetting(db, 'SystemURL', o.systemUrl);
  if (!(await db('tblticketdepartments').first())) {
    await insertRow(db, 'tblticketdepartments', { name: 'Support', description: 'Support', email: 'support@example.com', hidden: '' });
  }
  for (const t of PRODUCT_EMAIL_TEMPLATES) {
    if (!(await db('tblemailtemplates').where({ name: t.name }).first())) {
      await insertRow(db, 'tblemailtemplates', { type: 'product', ...t, custom: 1, language: '', created_at: new Date() });
    }
  }
}

/** A staff login (tbladmins; `passwordHash` from PHP's password_hash). */
export async function seedAdmin(db: Db, a: { username: string; passwordHash: string; email?: string; language?: string }): Promise<number> {
  return insertRow(db, 'tbladmins', {
    uuid: `a-${Math.random().toString(36).slice(2, 10)}`,
    roleid: 1,
    username: a.username,
    password: a.passwordHash,
    firstname: 'Grace',
    lastname: 'Hopper',
    email: a.email ?? `${a.username}@example.com`,
    template: 'blend',
    language: a.language ?? 'english',
    disabled: 0,
  });
}

/** A server group holding `serverId`, assigned to the product (WHMCS picks servers from it). */
export async function seedServerGroup(db: Db, productId: number, serverId: number): Promise<number> {
  const groupId = await insertRow(db, 'tblservergroups', { name: 'Proxmox', filltype: 1 });
  await insertRow(db, 'tblservergroupsrel', { groupid: groupId, serverid: serverId });
  await db('tblproducts').where({ id: productId }).update({ servergroup: groupId });
  return groupId;
}
