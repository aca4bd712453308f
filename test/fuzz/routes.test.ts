// Property-based fuzz of every gateway route (issue 18): each route of `allRoutes` — module,
// admin, client and console APIs, and whatever routes are added later — gets signed requests
// built from hostile values (loose ids, prototype keys, wrong types, random JSON), shrunk by
// fast-check on failure. Properties: never a 5xx; a refusal has a code and a message, a
// validation refusal names its fields; a refused request changes nothing in the database.
// Runs against the simulator (routes that ask Proxmox get quick answers). Cases per route are
// bounded for CI: PVEBRIDGE_FUZZ_RUNS raises them, PVEBRIDGE_FUZZ_SEED replays a run.
import crypto from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext } from '../../gateway/context.ts';
import type { RouteDef } from '../../gateway/http/route.ts';
import { allRoutes } from '../../gateway/routes/index.ts';
import { createVmRecord, setState } from '../../provisioner/vm-record.ts';
import { deployStack, SHARED_SECRET, type Stack } from '../provisioner/harness.ts';

const RUNS = Number(process.env.PVEBRIDGE_FUZZ_RUNS ?? 20);
const SEED = Number(process.env.PVEBRIDGE_FUZZ_SEED ?? Date.now() % 1_000_000);

let s: Stack;
let app: ReturnType<typeof buildApp>;
let tables: string[] = [];
let ids: number[] = [];

/** Tables a refused request may legitimately write: the nonce ledger, audit and run logs. */
const LEDGERS = /nonces|audit|console_tickets|_log|runs|migrations/;

beforeAll(async () => {
  s = await deployStack('sqlite');
  const sid = s.seeded.serviceId!;
  await createVmRecord(s.t.db, { serviceId: sid, clientId: s.seeded.clientId, productId: s.seeded.productId, serverId: s.seeded.serverId });
  await setState(s.t.db, sid, 'ready', { vmid: 100, node: 'pve1' });
  const ctx = createContext({ ...s.config, ticketSecret: 'fuzz-ticket-secret-0123456789abcdefghij' }, { db: s.t.db, log: silentLogger });
  ctx.runner = { kick: () => {} }; // no pipeline runs in the background between two snapshots
  app = buildApp(ctx);
  const rows = (await s.t.db.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)) as Array<{
    name: string;
  }>;
  tables = rows.map((r) => r.name).filter((n) => !LEDGERS.test(n));
  ids = [sid, s.seeded.productId, s.seeded.clientId, s.seeded.serverId];
}, 60_000);
afterAll(async () => s?.close());

async function snapshot(): Promise<string> {
  const h = crypto.createHash('sha256');
  for (const t of tables) h.update(t).update(JSON.stringify(await s.t.db(t).select()));
  return h.digest('hex');
}

// --- hostile values

const looseIds = fc.constantFrom<unknown>(
  true,
  false,
  [3],
  '0x10',
  '1e3',
  '',
  null,
  -1,
  0,
  1.5,
  ' 1',
  'abc',
  1e21,
  '007',
  {},
  '9007199254740993',
);
const goodIds = fc.oneof(
  fc.constantFrom<unknown>(1, 2, 999_999),
  fc.constant(null).chain(() => fc.constantFrom<unknown>(...ids)),
);
const anyId = fc.oneof(looseIds, goodIds, fc.integer(), fc.string({ maxLength: 6 }));
const keys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'serviceid', 'pid', 'userid', 'serverid', 'settings', 'rdns', 'op', 'args'),
  fc.string({ maxLength: 10 }),
);
const value = fc.oneof(anyId, fc.jsonValue({ maxDepth: 2 }));
const dict = fc.dictionary(keys, value, { maxKeys: 4 });
// Mostly well-formed around one hostile part, so a request gets past the first check and the
// hostile part is what the handler sees.
const actor = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>({ type: 'admin', id: 1 }, { type: 'system' }, { type: 'client', id: 1 }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('admin', 'client', 'system', 'root', ''), id: anyId }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const someId = fc.oneof({ weight: 2, arbitrary: goodIds }, { weight: 2, arbitrary: looseIds }, { weight: 1, arbitrary: anyId });
const params = fc
  .tuple(fc.dictionary(keys, value, { maxKeys: 2 }), someId, someId)
  .map(([d, serviceid, pid]) => ({ ...d, serviceid, pid }));
/** A map whose keys may be prototype names, `__proto__` included (set as an own key, as JSON.parse does). */
const hostileMap = fc.tuple(dict, fc.subarray(['__proto__', 'constructor', 'toString', 'hasOwnProperty']), value).map(([d, names, v]) => {
  const out: Record<string, unknown> = { ...d };
  for (const n of names) Object.defineProperty(out, n, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
});
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(actor, params, dict, hostileMap, fc.constantFrom('settings', 'rdns', 'args', 'params'))
      .map(([a, p, extra, map, at]) => ({ ...extra, actor: a, params: p, [at]: at === 'params' ? { ...p, ...map } : map })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const queryActor = fc.oneof(fc.constantFrom('system', 'admin:1', 'admin:0', 'admin:1e3', 'client:1', ''), anyId.map(String));
const query = fc.tuple(
  fc.dictionary(keys, fc.oneof(anyId.map(String), fc.string({ maxLength: 8 })), { maxKeys: 3 }),
  fc.option(queryActor),
);
const pathValue = fc.oneof(anyId.map(String), fc.string({ maxLength: 8 }), fc.constantFrom('cron', 'processVirtualMachines', '..'));

/** The route's input declares params.serviceid (the module API's service calls). */
function readsServiceId(route: RouteDef): boolean {
  try {
    const js = z.toJSONSchema(route.input!, { io: 'input', unrepresentable: 'any' }) as {
      properties?: { params?: { properties?: object } };
    };
    return Boolean(js.properties?.params?.properties && 'serviceid' in js.properties.params.properties);
  } catch {
    return false;
  }
}

const strictOrAbsent = (v: unknown) =>
  v === undefined ||
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ||
  (typeof v === 'string' && /^(0|[1-9][0-9]{0,14})$/.test(v));

interface Case {
  pathValues: string[];
  query: [Record<string, string>, string | null];
  body: unknown;
}

function build(route: RouteDef, c: Case): { path: string; raw: string | undefined } {
  let i = 0;
  const path = route.path.replace(/:\w+/g, () => encodeURIComponent(c.pathValues[i++] ?? '1') || '1');
  const [q, a] = c.query;
  const qs = new URLSearchParams(Object.entries(q).filter(([k]) => k !== 'actor'));
  if (a !== null) qs.set('actor', a);
  const full = qs.size ? `${path}?${qs}` : path;
  const hasBody = route.method === 'post' || route.method === 'put' || route.method === 'patch';
  return { path: full, raw: hasBody ? JSON.stringify(c.body ?? null) : undefined };
}

async function send(route: RouteDef, c: Case) {
  const { path, raw } = build(route, c);
  const method = route.method.toUpperCase();
  let req = request(app)[route.method](path);
  if (route.auth === 'shim') req = req.set(signRequest(SHARED_SECRET, { method, path, body: raw ?? '' }));
  if (raw !== undefined) req = req.set('content-type', 'application/json').send(raw);
  return req;
}

/** Waits (bounded) until two snapshots 150 ms apart agree. */
async function settle(): Promise<void> {
  let last = await snapshot();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await snapshot();
    if (now === last) return;
    last = now;
  }
}

const caseOf = fc.record({ pathValues: fc.array(pathValue, { minLength: 2, maxLength: 2 }), query, body }) as fc.Arbitrary<Case>;

describe(`every gateway route under fuzzing (${RUNS} cases per route, seed ${SEED})`, () => {
  it('covers every route of allRoutes', () => {
    expect(allRoutes.length).toBeGreaterThan(20);
  });

  for (const route of allRoutes) {
    if (route.path === '/metrics') continue; // counters move with every request by design
    it(`${route.method.toUpperCase()} ${route.path}: no 5xx, refusals named and without effect`, async () => {
      await fc.assert(
        fc.asyncProperty(caseOf, async (c) => {
          const before = await snapshot();
          const res = await send(route, c);
          const what = `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          // A loose id (true, [3], "0x10", "1e3", "", null, …) is never taken for a service.
          const sid = (c.body as { params?: { serviceid?: unknown } } | null)?.params?.serviceid;
          if (readsServiceId(route) && !strictOrAbsent(sid))
            expect(res.status, `loose serviceid ${JSON.stringify(sid)}: ${what}`).toBeGreaterThanOrEqual(400);
          // An accepted request may start background work (a cron run, a pipeline): let it settle,
          // so a later refused case is not blamed for changes it did not make.
          if (res.status < 400) return settle();
          expect(typeof res.body?.error?.code, what).toBe('string');
          expect(typeof res.body?.error?.message, what).toBe('string');
          if (res.body.error.code === 'PVB_VALIDATION' && res.body.error.fields !== undefined)
            expect(Object.keys(res.body.error.fields).length, what).toBeGreaterThan(0);
          if (res.body.error.code === 'PVB_VALIDATION' && /^Invalid (input|settings)/.test(res.body.error.message))
            expect(res.body.error.fields, what).toBeTypeOf('object');
          expect(await snapshot(), `refused request changed the database: ${what}`).toBe(before);
        }),
        { numRuns: RUNS, seed: SEED + allRoutes.indexOf(route) },
      );
    }, 60_000);
  }
});
