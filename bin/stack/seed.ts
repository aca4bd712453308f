// What the stack seeds: the WHMCS catalogue (server → simulator with the token secret encrypted
// as WHMCS stores it, product in a server group with its module fields and product settings, IP
// pools) and, for people (demo, browser tests), logins: two clients each with an Active service,
// an admin, system settings and email templates.
import type { Db } from '../../common/db/connect.ts';
import { insertRow } from '../../common/whmcs-fixture/index.ts';
import { phpAddonVersion } from '../../devwhmcs/index.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import {
  seedAdmin,
  seedClient,
  seedServerGroup,
  seedService,
  seedWhmcs,
  seedWhmcsSystem,
  type Seeded,
} from '../../common/whmcs-fixture/seed.ts';
import { createPool } from '../../provisioner/ipam/index.ts';
import { saveProductSettings, type ProductSettingsInput } from '../../provisioner/plan/product-settings.ts';
import type { Simulator } from '../../simulator/index.ts';

export interface Login {
  email: string;
  password: string;
  userId: number;
  serviceId: number;
}

export interface People {
  client: Login;
  otherClient: Login;
  admin: { username: string; password: string; id: number };
}

export async function seedCatalogue(
  db: Db,
  o: {
    sim: Simulator;
    hash: string;
    plan: ProductSettingsInput;
    servicePassword: string;
    v4Pool?: [string, string];
    /** Store the plan's node and template in tblproducts.configoption1/2, as a saved product page would. */
    moduleFields?: boolean;
    /** The server row's port when Proxmox is an out-of-process simulator (same token); default the in-process one's. */
    proxmoxPort?: number;
  },
): Promise<Seeded> {
  const seeded = await seedWhmcs(db, {
    server: {
      hostname: '127.0.0.1',
      ipaddress: '127.0.0.1',
      port: o.proxmoxPort ?? Number(new URL(o.sim.url).port),
      secure: '',
      username: o.sim.tokenId,
      password: encryptWhmcsPassword(o.sim.secret, o.hash),
    },
    // WHMCS's saved Module Settings (append-only positions, php-shim/README.md).
    product: o.moduleFields ? { configoption1: o.plan.targetNode ?? 'automatically', configoption2: String(o.plan.osTemplate ?? '') } : {},
    service: { password: encryptWhmcsPassword(o.servicePassword, o.hash) },
  });
  await seedServerGroup(db, seeded.productId, seeded.serverId);
  await saveProductSettings(db, seeded.productId, o.plan);
  const [start, stop] = o.v4Pool ?? ['192.0.2.10', '192.0.2.200'];
  const net = { serverId: seeded.serverId, bridge: 'vmbr1', vlan: 10 };
  await createPool(db, { ...net, type: 'ipv4', gateway: '192.0.2.1', mask: 24, dns1: '192.0.2.53', start, stop });
  await createPool(db, {
    ...net,
    type: 'ipv6',
    gateway: '2001:db8::1',
    mask: 64,
    dns1: '2001:db8::53',
    start: '2001:db8::10',
    stop: '2001:db8::ffff',
  });
  return seeded;
}

/**
 * The addon as an installer script leaves it activated (whmcs-module-api.md §4.3): listed in
 * ActiveAddonModules, its version (read from its _config) and access rows in tbladdonmodules.
 */
async function activateAddon(db: Db, module: string): Promise<void> {
  const version = phpAddonVersion(module);
  const row = await db('tblconfiguration').where({ setting: 'ActiveAddonModules' }).first();
  if (row) await db('tblconfiguration').where({ setting: 'ActiveAddonModules' }).update({ value: module });
  else await insertRow(db, 'tblconfiguration', { setting: 'ActiveAddonModules', value: module });
  await db('tbladdonmodules').where({ module }).delete();
  await db('tbladdonmodules').insert([
    { module, setting: 'version', value: version },
    { module, setting: 'access', value: '1' },
  ]);
}

/**
 * Logins for people: the seeded client gets a password; a second client with an Active service of
 * the same product; an admin. `hashPassword` is PHP's password_hash (bcrypt, as WHMCS stores it).
 */
export async function seedPeople(
  db: Db,
  seeded: Seeded,
  o: { hash: string; hashPassword: (plain: string) => string; systemUrl: string; servicePassword: string },
): Promise<People> {
  await seedWhmcsSystem(db, { systemUrl: o.systemUrl });
  const clientPassword = 'client-demo-pass';
  const email = 'ada@example.com';
  await db('tblclients')
    .where({ id: seeded.clientId })
    .update({ email, password: o.hashPassword(clientPassword), language: '' });
  await db('tblhosting').where({ id: seeded.serviceId! }).update({ domainstatus: 'Active' });
  const otherPassword = 'other-demo-pass';
  const otherEmail = 'alan@example.com';
  const otherId = await seedClient(db, {
    firstname: 'Alan',
    lastname: 'Turing',
    email: otherEmail,
    password: o.hashPassword(otherPassword),
  });
  const otherService = await seedService(
    db,
    { ...seeded, clientId: otherId },
    {
      domain: 'vm2.example.com',
      domainstatus: 'Active',
      password: encryptWhmcsPassword(o.servicePassword, o.hash),
    },
  );
  await activateAddon(db, 'pvebridge_admin');
  const adminPassword = 'admin-demo-pass';
  const adminId = await seedAdmin(db, { username: 'admin', passwordHash: o.hashPassword(adminPassword) });
  return {
    client: { email, password: clientPassword, userId: seeded.clientId, serviceId: seeded.serviceId! },
    otherClient: { email: otherEmail, password: otherPassword, userId: otherId, serviceId: otherService },
    admin: { username: 'admin', password: adminPassword, id: adminId },
  };
}
