// The whole console path: Xvnc (TigerVNC, password, solid background) → the simulator's
// vncproxy listener → the gateway's console endpoint (signed module call, ownership check,
// POST …/vncproxy, ticket) → pvebridge vncproxy (allowlist from tblservers) → real noVNC in
// Debian's Chromium → "Connected" and a canvas pixel of the background colour.
// PVE 9.1.9 gives a TLS listener with a random password; PVE 8.4 a plain one whose VNC
// password is the ticket (only its first 8 characters count).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/log.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { seedService, seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { createVmRecord, setState } from '../../provisioner/vm-record.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { loadAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy, type RunningVncProxy } from '../../vncproxy/server.ts';
import { parseTicketKeys } from '../../common/console-ticket.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';
import { launchChromium, viewConsole } from '../vncproxy/browser.ts';
import { freePort } from '../vncproxy/support.ts';
import { startXvnc, type RunningXvnc } from '../vncproxy/xvnc.ts';

const SHARED = 's'.repeat(40);
const TICKET_SECRET = `k1:${'t'.repeat(40)}`;
const CC_HASH = 'test-cc-encryption-hash';
const TOKEN = 'root@pam!pvebridge=00000000-0000-0000-0000-00000000c0de';
const COLOUR = '#3c8d2f';

/** PVE < 9.1.7 consoles authenticate with the ticket, of which VNC reads 8 characters. */
const oldPveVncPassword = () =>
  `PVEVNC:${
    Math.floor(Date.now() / 1000)
      .toString(16)
      .toUpperCase()[0]
  }`;

interface Stack {
  sim: Simulator;
  xvnc: RunningXvnc;
  t: TestDb;
  ctx: GatewayContext;
  app: ReturnType<typeof buildApp>;
  proxy: RunningVncProxy;
  clientId: number;
  serviceId: number;
  stoppedServiceId: number;
}

async function startStack(pveVersion: string): Promise<Stack> {
  const modern = pveVersion >= '9.1.7';
  const xvnc = await startXvnc({ password: modern ? 'Zq!7`x&#' : oldPveVncPassword(), colour: COLOUR });
  const sim = await startSimulator({
    token: TOKEN,
    timeScale: 0.01,
    scenario: {
      pveVersion,
      vnc: {
        backend: `127.0.0.1:${xvnc.port}`,
        ports: [5900, 5999],
        acceptTimeoutSec: 10,
        ...(modern && { fixedPassword: xvnc.password }),
      },
    },
  });
  const t = await createTestDb('sqlite');
  const simPort = Number(new URL(sim.url).port);
  const seeded = await seedWhmcs(t.db, {
    server: {
      hostname: '127.0.0.1',
      ipaddress: '127.0.0.1',
      port: simPort,
      secure: '',
      username: sim.tokenId,
      password: encryptWhmcsPassword(sim.secret, CC_HASH),
    },
    service: { domainstatus: 'Active' },
  });
  const serviceId = seeded.serviceId!;
  const stoppedServiceId = await seedService(t.db, seeded, { domainstatus: 'Active' });
  for (const [sid, vmid, node] of [
    [serviceId, 100, 'pve1'],
    [stoppedServiceId, 101, 'pve2'],
  ] as const) {
    await createVmRecord(t.db, { serviceId: sid, clientId: seeded.clientId, productId: seeded.productId, serverId: seeded.serverId });
    await setState(t.db, sid, 'ready', { vmid, node });
  }
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PVEBRIDGE_DB_URL: t.url,
    PVEBRIDGE_SHARED_SECRET: SHARED,
    PVEBRIDGE_TICKET_SECRET: TICKET_SECRET,
    PVEBRIDGE_VNC_PUBLIC_URL: publicUrl,
    PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: CC_HASH,
    PVEBRIDGE_LOG_LEVEL: 'silent',
  });
  const ctx = createContext(config, { db: t.db, log: createLogger('silent') });
  const proxy = await startVncProxy({
    port,
    ticketKeys: parseTicketKeys(TICKET_SECRET),
    allowlist: await loadAllowlist(t.db),
    allowedOrigins: config.vncAllowedOrigins,
  });
  return { sim, xvnc, t, ctx, app: buildApp(ctx), proxy, clientId: seeded.clientId, serviceId, stoppedServiceId };
}

async function stopStack(s: Stack | undefined): Promise<void> {
  if (!s) return;
  await s.proxy.close();
  await s.sim.close();
  await s.xvnc.stop();
  await s.t.drop();
}

function call(s: Stack, fn: 'ClientConsole' | 'AdminConsole', actor: Record<string, unknown>, serviceid: number) {
  const path = `/v1/whmcs/${fn}`;
  const body = JSON.stringify({ actor, params: { serviceid } });
  return request(s.app)
    .post(path)
    .set({ ...signRequest(SHARED, { method: 'POST', path, body }), 'Content-Type': 'application/json' })
    .send(body);
}

describe.skipIf(!has('chromium') || !has('xvnc'))('console end to end: Xvnc → simulator → gateway → vncproxy → noVNC', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each([
    ['tls', '9.1.9'],
    ['tcp', '8.4.1'],
  ] as const)('%s console (PVE %s)', (mode, pveVersion) => {
    let s: Stack;
    beforeAll(async () => {
      s = await startStack(pveVersion);
    });
    afterAll(async () => {
      await stopStack(s);
    });

    it('the owner opens the console and sees the desktop', async () => {
      const res = await call(s, 'ClientConsole', { type: 'client', id: s.clientId }, s.serviceId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ mode, window: { width: 800, height: 600 } });
      const url = new URL(res.body.url as string);
      expect(`${url.origin}${url.pathname}`).toBe(`${s.proxy.url}/console/${s.serviceId}`);
      expect(url.search).toBe('');
      expect(url.hash).toMatch(/^#&password=.+&ticket=/);
      const view = await viewConsole(browser.context, res.body.url, COLOUR.slice(1));
      expect(view.status).toMatch(/^Connected/);
      expect(view.pixel).toBe(COLOUR.slice(1));
      expect(s.sim.requestLog.some((r) => r.method === 'POST' && r.path.endsWith('/qemu/100/vncproxy'))).toBe(true);
    });

    it('an admin opens the console from the service page', async () => {
      const res = await call(s, 'AdminConsole', { type: 'admin', id: 1 }, s.serviceId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const view = await viewConsole(browser.context, res.body.url, COLOUR.slice(1));
      expect(view.status).toMatch(/^Connected/);
      expect(view.pixel).toBe(COLOUR.slice(1));
    });
  });

  describe('refusals at the gateway', () => {
    let s: Stack;
    beforeAll(async () => {
      s = await startStack('9.1.9');
    });
    afterAll(async () => {
      await stopStack(s);
    });

    it('a stopped VM gets "The VM must be running to open a console"', async () => {
      const res = await call(s, 'ClientConsole', { type: 'client', id: s.clientId }, s.stoppedServiceId);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe('The VM must be running to open a console');
      expect(s.sim.requestLog.some((r) => r.path.endsWith('/qemu/101/vncproxy'))).toBe(false);
    });

    it('another client gets Access Denied and no console is opened', async () => {
      const before = s.sim.requestLog.length;
      const res = await call(s, 'ClientConsole', { type: 'client', id: s.clientId + 1000 }, s.serviceId);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('Access Denied');
      expect(s.sim.requestLog.length).toBe(before);
    });

    it('a client cannot use the admin endpoint, and unsigned calls are refused', async () => {
      expect((await call(s, 'AdminConsole', { type: 'client', id: s.clientId }, s.serviceId)).status).toBe(403);
      const res = await request(s.app)
        .post('/v1/whmcs/ClientConsole')
        .send({ actor: { type: 'client', id: s.clientId }, params: { serviceid: s.serviceId } });
      expect(res.status).toBe(401);
    });

    it('the product can withdraw the noVNC permission', async () => {
      const { saveProductSettings } = await import('../../provisioner/plan/product-settings.ts');
      const svc = await s.t.db('tblhosting').where({ id: s.serviceId }).first();
      await saveProductSettings(s.t.db, Number(svc.packageid), { permNovnc: false });
      const res = await call(s, 'ClientConsole', { type: 'client', id: s.clientId }, s.serviceId);
      expect(res.status).toBe(403);
      await saveProductSettings(s.t.db, Number(svc.packageid), { permNovnc: true });
    });
  });
});
