// Shared set-up for module API tests: a migrated test database with the WHMCS fixture, a gateway
// context with a shared secret and a recording runner, and a signed caller.
import request from 'supertest';
import { loadConfig } from '../../common/config.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import { FIXTURE_CC_ENCRYPTION_HASH, seedWhmcs, type SeedOptions, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

export const SECRET = 'test-shared-secret-0123456789abcdef0123';

export interface ModuleApi {
  t: TestDb;
  ctx: GatewayContext;
  app: ReturnType<typeof buildApp>;
  seeded: Seeded & { serviceId: number };
  kicks: number[];
  call(fn: string, body: unknown): Promise<request.Response>;
  drop(): Promise<void>;
}

export async function moduleApi(dialect: Dialect, seed: SeedOptions = {}, env: Record<string, string> = {}): Promise<ModuleApi> {
  const t = await createTestDb(dialect);
  const config = loadConfig({
    PVEBRIDGE_DB_URL: t.url,
    PVEBRIDGE_SHARED_SECRET: SECRET,
    PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: FIXTURE_CC_ENCRYPTION_HASH,
    ...env,
  });
  const ctx = createContext(config, { db: t.db, log: silentLogger });
  const kicks: number[] = [];
  ctx.runner = { kick: (id) => void kicks.push(id) };
  const seeded = (await seedWhmcs(t.db, { tokenSecret: 'token-secret', ...seed })) as Seeded & { serviceId: number };
  const app = buildApp(ctx);
  const call = (fn: string, body: unknown) => {
    const path = `/v1/whmcs/${fn}`;
    const raw = JSON.stringify(body);
    return request(app)
      .post(path)
      .set(signRequest(SECRET, { method: 'POST', path, body: raw }))
      .set('content-type', 'application/json')
      .send(raw);
  };
  return { t, ctx, app, seeded, kicks, call, drop: () => t.drop() };
}

export const admin = { type: 'admin', id: 1 } as const;
export const system = { type: 'system' } as const;
export const client = (id: number) => ({ type: 'client', id }) as const;

/** Offers a configurable option on the product and selects `choice` for the service. */
export async function selectOption(
  api: ModuleApi,
  optionName: string,
  choices: string[],
  choice: string,
  opts: { linked?: boolean; serviceId?: number } = {},
): Promise<{ gid: number; configid: number; optionids: number[] }> {
  const { db } = api.t;
  const [gid] = await db('tblproductconfiggroups').insert({ name: `g-${optionName}`, description: '' });
  if (opts.linked !== false) await db('tblproductconfiglinks').insert({ gid, pid: api.seeded.productId });
  const [configid] = await db('tblproductconfigoptions').insert({
    gid,
    optionname: optionName,
    optiontype: '1',
    qtyminimum: 0,
    qtymaximum: 0,
    hidden: 0,
  });
  const optionids: number[] = [];
  for (const c of choices) {
    const [id] = await db('tblproductconfigoptionssub').insert({ configid, optionname: c, hidden: 0 });
    optionids.push(Number(id));
  }
  const optionid = optionids[choices.indexOf(choice)] ?? Number(choice);
  await db('tblhostingconfigoptions').insert({ relid: opts.serviceId ?? api.seeded.serviceId, configid, optionid, qty: 0 });
  return { gid: Number(gid), configid: Number(configid), optionids };
}

export async function vmRow(api: ModuleApi, serviceId = api.seeded.serviceId) {
  return api.t.db('mod_pvebridge_vms').where({ service_id: serviceId }).first();
}

/** A VM record in `state`, as if a pipeline had brought it there. */
export async function putVm(api: ModuleApi, state: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  const s = api.seeded;
  await api.t.db('mod_pvebridge_vms').insert({
    service_id: s.serviceId,
    client_id: s.clientId,
    product_id: s.productId,
    server_id: s.serverId,
    state,
    data: '{}',
    created_at: now,
    updated_at: now,
    ...extra,
  });
}
