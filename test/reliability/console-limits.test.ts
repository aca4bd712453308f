// Issue 18 defect 2: one client clicking the console button 100 times must not take every VNC
// port of the node. Through the signed module API against the simulator: identical requests
// share one Proxmox console, a fresh unused link is handed out again, and past the per-service
// and per-client limits the answer is 429 — the owner's other services and other clients still
// get consoles.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_TICKETS_TABLE, parseTicketKeys, verifyTicket } from '../../common/console-ticket.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { consoleLimiter, defaultConsoleLimits } from '../../gateway/console/limits.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { silentLogger } from '../../common/log.ts';
import { seedClient } from '../../common/whmcs-fixture/seed.ts';
import { createVmRecord } from '../../provisioner/vm-record.ts';
import { deployStack, SHARED_SECRET, stackRunner, waitForState, type Stack } from '../provisioner/harness.ts';

const TICKET_SECRET = 'console-ticket-secret-0123456789abcdef';
let s: Stack;
let ctx: GatewayContext;
let app: ReturnType<typeof buildApp>;
const services: number[] = [];
let otherClientService = 0;

async function deployed(clientId?: number): Promise<number> {
  const sid = await s.newService();
  if (clientId) await s.t.db('tblhosting').where({ id: sid }).update({ userid: clientId });
  await s.t.db('tblhosting').where({ id: sid }).update({ domainstatus: 'Active' });
  await createVmRecord(s.t.db, {
    serviceId: sid,
    clientId: clientId ?? s.seeded.clientId,
    productId: s.seeded.productId,
    serverId: s.seeded.serverId,
  });
  return sid;
}

beforeAll(async () => {
  s = await deployStack('sqlite');
  for (let i = 0; i < 3; i++) services.push(await deployed());
  otherClientService = await deployed(await seedClient(s.t.db));
  const runner = await stackRunner(s);
  for (const sid of [...services, otherClientService]) runner.kick(sid);
  for (const sid of [...services, otherClientService]) await waitForState(s, sid, 'ready', 30_000);
  await runner.stop();
  ctx = createContext({ ...s.config, ticketSecret: TICKET_SECRET }, { db: s.t.db, log: silentLogger });
  app = buildApp(ctx);
}, 60_000);
afterAll(async () => s?.close());

function open(serviceid: number, clientId = s.seeded.clientId) {
  const body = JSON.stringify({ actor: { type: 'client', id: clientId }, params: { serviceid } });
  return request(app)
    .post('/v1/whmcs/ClientConsole')
    .set(signRequest(SHARED_SECRET, { method: 'POST', path: '/v1/whmcs/ClientConsole', body }))
    .set('content-type', 'application/json')
    .send(body);
}
const consolesAsked = () => s.sim.requestLog.filter((e) => e.method === 'POST' && e.path.endsWith('/vncproxy')).length;

describe('console opens per client and per service', () => {
  it('100 clicks at once cost Proxmox one console and every answer is that link or a 429', async () => {
    consoleLimiter(ctx, defaultConsoleLimits);
    s.sim.requestLog.length = 0;
    const replies = await Promise.all(Array.from({ length: 100 }, () => open(services[0]!)));
    expect(replies.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    const urls = new Set(replies.filter((r) => r.status === 200).map((r) => r.body.url as string));
    expect(urls.size).toBe(1);
    expect(consolesAsked()).toBe(1);
  });

  it('a fresh link is handed out again, but not once the vncproxy consumed its ticket', async () => {
    consoleLimiter(ctx, defaultConsoleLimits);
    s.sim.requestLog.length = 0;
    const a = await open(services[1]!);
    const b = await open(services[1]!);
    expect(b.body.url).toBe(a.body.url);
    expect(consolesAsked()).toBe(1);
    const v = verifyTicket(parseTicketKeys(TICKET_SECRET), new URLSearchParams(new URL(a.body.url).hash.slice(2)).get('ticket')!);
    if (!v.ok) throw new Error(v.reason);
    const jti = v.claims.jti;
    await s.t.db(CONSOLE_TICKETS_TABLE).insert({ jti, expires_at: Date.now() + 10_000, used_at: Date.now() });
    const c = await open(services[1]!);
    expect(c.status).toBe(200);
    expect(c.body.url).not.toBe(a.body.url);
    expect(consolesAsked()).toBe(2);
  });

  it('past the per-service limit a service gets 429 with a retry time; other clients are not affected', async () => {
    consoleLimiter(ctx, { ...defaultConsoleLimits, reuseMs: 0, perService: 3, perClient: 100 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await open(services[2]!)).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const refused = await open(services[2]!);
    expect(refused.body.error.code).toBe('PVB_RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/try again in \d+ s/);
    const other = await s.t.db('tblhosting').where({ id: otherClientService }).first('userid');
    expect((await open(otherClientService, Number(other.userid))).status).toBe(200);
  });

  it("past the per-client limit the owner's other services are refused too", async () => {
    consoleLimiter(ctx, { ...defaultConsoleLimits, reuseMs: 0, perService: 10, perClient: 4 });
    const codes: number[] = [];
    for (const sid of [services[0]!, services[0]!, services[1]!, services[2]!, services[2]!]) codes.push((await open(sid)).status);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
  });
});
