// The console buttons of the PHP shim, run by real php against a running gateway and the Proxmox
// simulator: the admin Console command answers a page that opens the one-time link in an
// 800×600 window; the client's noVNC function gives the CONNECT page (real Smarty) or the
// gateway's refusal. The shim holds no data of its own, so one database dialect is enough here
// (the gateway's data paths run on both in their own suites).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { parseTicketKeys, verifyTicket } from '../../common/console-ticket.ts';
import { silentLogger } from '../../common/log.ts';
import { FIXTURE_CC_ENCRYPTION_HASH, seedService, seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { createContext } from '../../gateway/context.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { createVmRecord, setState } from '../../provisioner/vm-record.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';
import { renderBoth, runShim, type ShimResult } from './shim-support.ts';

const SECRET = 'php-shim-shared-secret-0123456789abcdef';
const TICKET_SECRET = `k1:${'c'.repeat(40)}`;
const TOKEN = 'root@pam!pvebridge=6e2d0c55-0000-4000-8000-0000000000cc';
const CONSOLE_ORIGIN = 'https://console.example.test';

const htmlUnescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The link a page offers (its first href on our console host). */
function linkIn(html: string): URL {
  const m = new RegExp(`href="(${CONSOLE_ORIGIN.replace(/[.]/g, '\\.')}[^"]+)"`).exec(html);
  expect(m, html).not.toBeNull();
  return new URL(htmlUnescape(m![1]!));
}

/** A one-time link for `serviceId`: password and a valid ticket in the fragment, nothing in path or query. */
function expectConsoleLink(url: URL, serviceId: number, vmid: number) {
  expect(`${url.origin}${url.pathname}`).toBe(`${CONSOLE_ORIGIN}/console/${serviceId}`);
  expect(url.search).toBe('');
  const fragment = new URLSearchParams(url.hash.replace(/^#&?/, ''));
  const password = fragment.get('password')!;
  const ticket = fragment.get('ticket')!;
  expect(password).toMatch(/^.{8}$/);
  const verified = verifyTicket(parseTicketKeys(TICKET_SECRET), ticket);
  expect(verified).toMatchObject({ ok: true, claims: { sid: serviceId, vmid } });
  return { password, ticket };
}

/** Neither the VNC password nor the ticket may reach the module log, in any encoding. */
function expectLogClean(r: ShimResult, secrets: { password: string; ticket: string }) {
  const log = JSON.stringify(r.modulelog);
  expect(r.modulelog.length).toBeGreaterThan(0);
  for (const value of [secrets.password, encodeURIComponent(secrets.password), secrets.ticket]) expect(log).not.toContain(value);
}

describe.skipIf(!has('php'))('PHP shim console buttons (real php, gateway, simulator)', () => {
  let sim: Simulator;
  let t: TestDb;
  let gw: RunningGateway;
  let env: Record<string, string>;
  let clientId: number;
  let productId: number;
  let running: number;
  let stopped: number;

  beforeAll(async () => {
    // Any free port for the simulator's console listeners: the link is checked, not dialled.
    sim = await startSimulator({ token: TOKEN, timeScale: 0.01, scenario: { vnc: { ports: [0, 0], acceptTimeoutSec: 1 } } });
    t = await createTestDb('sqlite');
    const seeded = await seedWhmcs(t.db, {
      tokenSecret: sim.secret,
      server: { hostname: '127.0.0.1', port: Number(new URL(sim.url).port), username: sim.tokenId, secure: '' },
      service: { domainstatus: 'Active' },
    });
    ({ clientId, productId } = seeded);
    running = seeded.serviceId!;
    stopped = await seedService(t.db, seeded, { domainstatus: 'Active' });
    // The default scenario runs VM 100 on pve1 and keeps VM 101 on pve2 stopped.
    for (const [serviceId, vmid, node] of [
      [running, 100, 'pve1'],
      [stopped, 101, 'pve2'],
    ] as const) {
      await createVmRecord(t.db, { serviceId, clientId, productId, serverId: seeded.serverId });
      await setState(t.db, serviceId, 'ready', { vmid, node });
    }
    const config = loadConfig({
      PVEBRIDGE_DB_URL: t.url,
      PVEBRIDGE_SHARED_SECRET: SECRET,
      PVEBRIDGE_TICKET_SECRET: TICKET_SECRET,
      PVEBRIDGE_VNC_PUBLIC_URL: CONSOLE_ORIGIN,
      PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: FIXTURE_CC_ENCRYPTION_HASH,
    });
    gw = await startGateway(createContext(config, { db: t.db, log: silentLogger }), { port: 0, host: '127.0.0.1' });
    env = { PVEBRIDGE_GATEWAY_URL: gw.url, PVEBRIDGE_SHARED_SECRET: SECRET, PVEBRIDGE_TIMEOUT: '10' };
  });
  afterAll(async () => {
    await gw?.close(); // closes the database too
    await t?.drop().catch(() => undefined);
    await sim?.close();
  });

  /** $params as WHMCS builds them for a service (credentials included: the shim strips them). */
  const params = (serviceid: number) => ({
    serviceid,
    userid: clientId,
    pid: productId,
    password: 'service-root-password',
    serverpassword: sim.secret,
    serverusername: sim.tokenId,
  });
  const asAdmin = (fn: string, serviceId: number) =>
    runShim({ function: `pvebridge_${fn}`, args: [params(serviceId)], session: { adminid: 1 }, area: 'admin' }, env);
  const asClient = (fn: string, serviceId: number, uid = clientId) =>
    runShim({ function: `pvebridge_${fn}`, args: [params(serviceId)], session: { uid }, area: 'client' }, env);
  const vncproxyCalls = (vmid: number) => sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith(`/qemu/${vmid}/vncproxy`));

  it('the admin Console command answers a page that opens the one-time link of a running VM in an 800×600 window', async () => {
    const r = await asAdmin('Console', running);
    expect(r.threw).toBeNull();
    expect(r.exited).toBe(true);
    const url = linkIn(r.output);
    const secrets = expectConsoleLink(url, running, 100);
    expect(r.output).toContain(`window.open(url, name, features)`);
    expect(r.output).toContain(`features = "width=800,height=600"`);
    expect(r.output).toContain(`name = "pvebridge-console-${running}"`);
    // The script carries the same link, JSON-encoded.
    expect(r.output).toContain(`var url = ${JSON.stringify(url.href).replace(/&/g, '\\u0026')}`);
    expect(vncproxyCalls(100)).toHaveLength(1);
    expect(JSON.parse(r.modulelog[0]!.request)).toMatchObject({ actor: { type: 'admin', id: 1 }, params: { serviceid: running } });
    expectLogClean(r, secrets);
  });

  it('the admin Console command through WHMCS’s AJAX command runner answers window|<one-time link>', async () => {
    const r = await runShim(
      {
        function: 'pvebridge_Console',
        args: [params(running)],
        session: { adminid: 1 },
        area: 'admin',
        script: 'clientsservices.php',
        post: { modop: 'custom', ac: 'Console', ajax: '1', token: 'csrf-1' },
      },
      env,
    );
    expect(r.exited).toBe(true);
    expect(r.output).toMatch(/^window\|https?:\/\/\S+$/);
    const url = new URL(r.output.slice('window|'.length));
    const secrets = expectConsoleLink(url, running, 100);
    expect(r.output).not.toContain('<html');
    expectLogClean(r, secrets);
  });

  it('the admin service tab has a Console button that opens the 800×600 window on the Console command', async () => {
    const tab = (await asAdmin('AdminServicesTabFields', running)).return as Record<string, string>;
    const button = htmlUnescape(tab['Console']!);
    expect(button).toContain(`data-href="clientsservices.php?userid=${clientId}&id=${running}&modop=custom&ac=Console"`);
    expect(button).toContain(`window.open(this.getAttribute('data-href'), "pvebridge-console-${running}", 'width=800,height=600')`);
  });

  it('the admin Console command on a stopped VM shows the gateway’s refusal and opens nothing', async () => {
    const r = await asAdmin('Console', stopped);
    expect(r.exited).toBe(false);
    expect(r.return).toBe('The VM must be running to open a console');
    expect(r.output).toBe('');
    expect(vncproxyCalls(101)).toHaveLength(0);
  });

  it('the owner’s overview offers noVNC, and its function gives the CONNECT page with the one-time link', async () => {
    const overview = (await asClient('ClientArea', running)).return as { templateVariables: Record<string, unknown> };
    const html = await renderBoth('templates/overview.tpl', { ...overview.templateVariables, token: 'csrf-1' });
    expect(html).toContain('name="a" value="ClientConsole"');

    const r = await asClient('ClientConsole', running);
    const page = r.return as { templatefile: string; vars: Record<string, unknown> };
    expect(page.templatefile).toBe('templates/console');
    expect(JSON.parse(r.modulelog[0]!.request)).toMatchObject({ actor: { type: 'client', id: clientId } });
    const rendered = await renderBoth(`${page.templatefile}.tpl`, page.vars);
    expect(rendered).toMatch(
      /class="btn btn-primary pvebridge-console-connect" href="[^"]+" target="_blank" rel="noopener noreferrer">Connect</,
    );
    const url = linkIn(rendered);
    expect(url.href).toBe(page.vars.consoleUrl);
    const secrets = expectConsoleLink(url, running, 100);
    expectLogClean(r, secrets);
  });

  it('the noVNC function refuses another client’s service with "Access Denied" and asks Proxmox nothing', async () => {
    const before = vncproxyCalls(100).length;
    const r = await asClient('ClientConsole', running, clientId + 1000);
    expect(r.return).toBe('Access denied.');
    expect(vncproxyCalls(100)).toHaveLength(before);
  });

  it('the noVNC function refuses a stopped VM with "The VM must be running to open a console"', async () => {
    const r = await asClient('ClientConsole', stopped);
    expect(r.return).toBe('The VM must be running for this.');
    const de = await runShim(
      { function: 'pvebridge_ClientConsole', args: [params(stopped)], session: { uid: clientId, Language: 'german' }, area: 'client' },
      env,
    );
    expect(de.return).toBe('Dafür muss die VM laufen.');
    expect(vncproxyCalls(101)).toHaveLength(0);
  });

  it('a product without the noVNC permission shows no noVNC button, and the function is refused', async () => {
    await saveProductSettings(t.db, productId, { permNovnc: false });
    try {
      // The overview reuses a product's permissions for up to 2 s (gateway/whmcs/overview.ts); the function re-checks at once.
      expect((await asClient('ClientConsole', running)).return).toBe('Access denied.');
      await expect
        .poll(
          async () => {
            const overview = (await asClient('ClientArea', running)).return as { templateVariables: Record<string, unknown> };
            return renderBoth('templates/overview.tpl', overview.templateVariables);
          },
          { timeout: 5000, interval: 500 },
        )
        .not.toContain('ClientConsole');
      expect((await asClient('ClientConsole', running)).return).toBe('Access denied.');
    } finally {
      await saveProductSettings(t.db, productId, { permNovnc: true });
    }
  });
});
