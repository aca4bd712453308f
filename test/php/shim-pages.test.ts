// The page pattern and the shim functions of issue 11, run by real php against a running gateway
// and the Proxmox simulator: the client JSON action (ClientApi), signed replies, renders within 3 s
// when the gateway hangs, ChangePassword, AdminLink, ListAccounts and the addon's lifecycle.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { FIXTURE_CC_ENCRYPTION_HASH, seedWhmcs, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';
import { renderBoth, runShim, type ShimJob } from './shim-support.ts';

const SECRET = 'php-shim-pages-shared-secret-0123456789abcdef';
const TOKEN = 'root@pam!pvebridge=6e2d0c55-0000-4000-8000-0000000000ab';
const CSRF = 'csrf-token-0123456789';
const dialects = has('php') ? await testDialects() : [];

/** A TCP server that accepts and never answers: a hung gateway. */
async function silentServer() {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r(undefined)));
    },
  };
}

describe.skipIf(!has('php')).each(dialects)('shim pages and functions (real php) on %s', (dialect) => {
  let sim: Simulator;
  let t: TestDb;
  let ctx: GatewayContext;
  let gw: RunningGateway;
  let s: Seeded & { serviceId: number };
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({ token: TOKEN, timeScale: 0.01 });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    t = await createTestDb(dialect);
    ctx = createContext(
      loadConfig({
        PVEBRIDGE_DB_URL: t.url,
        PVEBRIDGE_SHARED_SECRET: SECRET,
        PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: FIXTURE_CC_ENCRYPTION_HASH,
      }),
      { db: t.db, log: silentLogger },
    );
    s = (await seedWhmcs(t.db, {
      tokenSecret: sim.secret,
      server: { hostname: '127.0.0.1', port: Number(new URL(sim.url).port), username: sim.tokenId, secure: '' },
      product: { configoption2: '9000' },
      service: { domainstatus: 'Active', domain: 'vm1.example.com', dedicatedip: '192.0.2.10', username: 'root' },
    })) as Seeded & { serviceId: number };
    gw = await startGateway(ctx, { port: 0, host: '127.0.0.1' });
    env = { PVEBRIDGE_GATEWAY_URL: gw.url, PVEBRIDGE_SHARED_SECRET: SECRET, PVEBRIDGE_TIMEOUT: '10' };
    const now = Date.now();
    // The default scenario runs VM 100 on pve1.
    await t.db('mod_pvebridge_vms').insert({
      service_id: s.serviceId,
      client_id: s.clientId,
      product_id: s.productId,
      server_id: s.serverId,
      state: 'ready',
      vmid: 100,
      node: 'pve1',
      data: '{}',
      created_at: now,
      updated_at: now,
    });
  });
  afterEach(async () => {
    await gw?.close();
    await t?.drop().catch(() => undefined);
  });

  const params = (extra: Record<string, unknown> = {}) => ({
    serviceid: s.serviceId,
    userid: s.clientId,
    pid: s.productId,
    serverid: s.serverId,
    password: 'service-root-password',
    serverpassword: sim.secret,
    ...extra,
  });
  /** The overview script's POST to clientarea.php?…&modop=custom&a=ClientApi. */
  const clientApi = (post: Record<string, unknown>, extra: Partial<ShimJob> = {}, e = env) =>
    runShim(
      {
        function: 'pvebridge_ClientApi',
        args: [params()],
        area: 'client',
        script: 'clientarea.php',
        session: { uid: s.clientId },
        token: CSRF,
        post: { token: CSRF, ...post },
        ...extra,
      },
      e,
    );
  const answer = (r: { output: string }) =>
    JSON.parse(r.output) as { ok: boolean; data?: Record<string, unknown>; error?: { key: string; message: string } };

  it('the JSON action answers the overview op with the cached data, ownership checked by the gateway', async () => {
    const r = await clientApi({ op: 'overview', args: '{}' });
    expect(r.exited).toBe(true);
    const a = answer(r);
    expect(a.ok).toBe(true);
    expect(a.data).toMatchObject({ serviceId: s.serviceId, state: 'ready', stateKey: 'state.ready', vmid: 100, node: 'pve1', ready: true });
    expect(JSON.parse(r.modulelog[0]!.request)).toMatchObject({ actor: { type: 'client', id: s.clientId }, op: 'overview', args: {} });
    const other = answer(await clientApi({ op: 'overview' }, { session: { uid: s.clientId + 1000 } }));
    expect(other).toEqual({ ok: false, error: { key: 'error.access_denied', message: 'Access denied.' } });
  });

  it('the JSON action runs Start through op command and answers the new overview; a bad CSRF token or op is refused', async () => {
    sim.state.vms.get(100)!.status = 'stopped';
    const r = answer(await clientApi({ op: 'command', args: JSON.stringify({ fn: 'Start' }) }));
    expect(r.ok).toBe(true);
    expect(r.data).toMatchObject({ result: 'success', overview: { serviceId: s.serviceId } });
    await new Promise((res) => setTimeout(res, 100));
    sim.state.advance();
    expect(sim.state.vms.get(100)!.status).toBe('running');
    const again = answer(
      await clientApi({ op: 'command', args: JSON.stringify({ fn: 'Start' }) }, { session: { uid: s.clientId, Language: 'german' } }),
    );
    expect(again).toEqual({
      ok: false,
      error: { key: 'error.already_running', message: 'Die VM läuft bereits.' },
    });
    const forged = await clientApi({ op: 'overview', token: 'wrong' });
    expect(answer(forged).error!.key).toBe('error.session');
    expect(forged.modulelog).toEqual([]);
    const badFn = answer(await clientApi({ op: 'command', args: JSON.stringify({ fn: 'VMRemove' }) }));
    expect(badFn.error!.key).toBe('error.validation');
    const badOp = await clientApi({ op: 'drop tables' });
    expect(answer(badOp).error!.key).toBe('error.validation');
    expect(badOp.modulelog).toEqual([]);
  });

  it('a reply not signed by the gateway is refused, so a forged console link never reaches the browser', async () => {
    const forger = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: 'https://evil.example/console#password=x', expiresAt: 0, mode: 'vnc', window: {} }));
    });
    await new Promise<void>((r) => forger.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(forger.address() as net.AddressInfo).port}`;
      const r = await runShim(
        { function: 'pvebridge_Console', args: [params()], session: { adminid: 1 }, area: 'admin' },
        { ...env, PVEBRIDGE_GATEWAY_URL: url },
      );
      expect(r.exited).toBe(false);
      expect(r.return).toMatch(/reply is not signed with the shared secret/);
      expect(r.output).not.toContain('evil.example');
      const client = await runShim(
        { function: 'pvebridge_ClientConsole', args: [params()], session: { uid: s.clientId }, area: 'client' },
        { ...env, PVEBRIDGE_GATEWAY_URL: url },
      );
      expect(client.return).toBe('Something went wrong. Please try again later.');
    } finally {
      await new Promise((r) => forger.close(() => r(undefined)));
    }
  });

  it('with a gateway that hangs, the overview, the services tab and the product page render within 3 s with a translated message', async () => {
    const hung = await silentServer();
    try {
      const e = { ...env, PVEBRIDGE_GATEWAY_URL: hung.url };
      const page = await runShim(
        { function: 'pvebridge_ClientArea', args: [params()], area: 'client', session: { uid: s.clientId, Language: 'german' } },
        e,
      );
      expect(page.seconds).toBeLessThan(3);
      const vars = (page.return as { templateVariables: Record<string, unknown> }).templateVariables;
      expect(await renderBoth('templates/error.tpl', vars)).toContain('Der Dienst ist vorübergehend nicht erreichbar.');
      const tab = await runShim({ function: 'pvebridge_AdminServicesTabFields', args: [params()], session: { adminid: 1 } }, e);
      expect(tab.seconds).toBeLessThan(3);
      expect((tab.return as Record<string, string>).pvebridge).toMatch(/did not answer within 2 s/);
      const product = await runShim(
        {
          function: 'pvebridge_ConfigOptions',
          args: [{}],
          script: 'configproducts.php',
          request: { action: 'edit', id: String(s.productId) },
          session: { adminid: 1 },
        },
        e,
      );
      expect(product.seconds).toBeLessThan(3);
      // The whole product page in one request: ConfigOptions and the four Loaders wait once, not five times.
      const loaders = ['LoaderNodes', 'LoaderTemplates', 'LoaderStorages', 'LoaderBridges'].map((fn) => ({
        function: `pvebridge_${fn}`,
        args: [{ pid: s.productId, serverid: s.serverId }],
      }));
      const wholePage = await runShim(
        {
          sequence: [{ function: 'pvebridge_ConfigOptions', args: [{}] }, ...loaders],
          script: 'configproducts.php',
          request: { action: 'edit', id: String(s.productId) },
          session: { adminid: 1 },
        },
        e,
      );
      expect(wholePage.seconds).toBeLessThan(3);
      expect((wholePage.return as Array<{ threw?: string }>).slice(1).map((r) => r.threw)).toEqual(
        Array(4).fill(expect.stringMatching(/did not answer within 2 s/)),
      );
      const json = await clientApi({ op: 'overview' }, {}, e);
      expect(json.seconds).toBeLessThan(3);
      expect(answer(json).error).toEqual({
        key: 'error.gateway_down',
        message: 'The service is temporarily unavailable. Please try again in a few minutes.',
      });
    } finally {
      await hung.close();
    }
  });

  it('ChangePassword sets the new password on the VM (guest agent when running, else cloud-init), masked in the module log', async () => {
    const change = (password: string) =>
      runShim({ function: 'pvebridge_ChangePassword', args: [params({ password })], session: { adminid: 1 }, area: 'admin' }, env);
    const vm = sim.state.vms.get(100)!;
    const before = vm.agentPasswords?.length ?? 0;
    const running = await change('N3w-Passw0rd!');
    expect(running.return).toBe('success');
    expect(vm.agentPasswords!.slice(before)).toEqual(['root']);
    expect(JSON.stringify(running.modulelog)).not.toContain('N3w-Passw0rd!');
    vm.status = 'stopped';
    try {
      expect((await change('Sec0nd-Passw0rd')).return).toBe('success');
      const hash = createHash('sha256').update('Sec0nd-Passw0rd').digest('base64');
      expect(vm.config.cipassword).toBe(`$5$sim$${hash}`);
    } finally {
      vm.status = 'running';
    }
    await saveProductSettings(t.db, s.productId, { permResetPassword: false });
    const client = await runShim(
      {
        function: 'pvebridge_ChangePassword',
        args: [params({ password: 'Other-Passw0rd' })],
        session: { uid: s.clientId },
        area: 'client',
      },
      env,
    );
    expect(client.return).toBe('Access denied.');
  });

  it('AdminLink links to the Proxmox VE web UI of the server; ListAccounts lists our VMs on it', async () => {
    const link = await runShim({ function: 'pvebridge_AdminLink', args: [{ serverhostname: 'pve.example.net', serverport: '8006' }] }, {});
    expect(link.return).toBe(
      '<a class="btn btn-default btn-sm pvebridge-adminlink" href="https://pve.example.net:8006/" target="_blank" rel="noopener noreferrer">Open Proxmox VE</a>',
    );
    const list = await runShim({ function: 'pvebridge_ListAccounts', args: [{ serverid: s.serverId }], session: { adminid: 1 } }, env);
    expect(list.return).toEqual({
      success: true,
      accounts: [
        {
          email: expect.stringContaining('@'),
          username: 'root',
          domain: 'vm1.example.com',
          uniqueIdentifier: 'vm1.example.com',
          product: '',
          primaryip: '192.0.2.10',
          created: expect.stringMatching(/^\d{4}-\d\d-\d\d 00:00:00$/),
          status: 'Active',
        },
      ],
    });
    const meta = (await runShim({ function: 'pvebridge_MetaData' }, {})).return as Record<string, string>;
    expect(meta.ListAccountsUniqueIdentifierField).toBe('domain');
  });

  it('the gateway URL and secret come from the addon settings; a config file and the environment override them', async () => {
    const suspend = (e: Record<string, string>, addonSettings?: Record<string, string>) =>
      runShim({ function: 'pvebridge_SuspendAccount', args: [params()], ...(addonSettings && { addonSettings }) }, e);
    const fromAddon = { gateway_url: gw.url, shared_secret: SECRET, timeout: '5', ca_file: '', allow_http: '' };
    expect((await suspend({}, fromAddon)).return).toBe('success');
    expect((await suspend({}, { ...fromAddon, shared_secret: 'wrong-secret-0123456789abcdef0123' })).return).toMatch(/bad signature/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvb-shim-config-'));
    const file = path.join(dir, 'config.php');
    try {
      fs.writeFileSync(file, `<?php return array('shared_secret' => '${SECRET}');`);
      expect(
        (await suspend({ PVEBRIDGE_SHIM_CONFIG: file }, { ...fromAddon, shared_secret: 'wrong-secret-0123456789abcdef0123' })).return,
      ).toBe('success');
      const envWins = await suspend({ PVEBRIDGE_SHIM_CONFIG: file, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' }, fromAddon);
      expect(envWins.return).toMatch(/^pvebridge gateway unreachable at http:\/\/127\.0\.0\.1:1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the addon pages’ JSON action forwards to /v1/admin/* signed as the logged-in admin, CSRF-checked', async () => {
    await runShim({ function: 'pvebridge_SuspendAccount', args: [params()], session: { adminid: 1 }, area: 'admin' }, env);
    const adminApi = (post: Record<string, string>, session: Record<string, unknown> = { adminid: 1 }) =>
      runShim(
        {
          module: 'addon',
          function: 'pvebridge_admin_output',
          args: [{ modulelink: 'addonmodules.php?module=pvebridge_admin' }],
          area: 'admin',
          script: 'addonmodules.php',
          session,
          token: CSRF,
          request: { module: 'pvebridge_admin', json: '1' },
          post: { token: CSRF, ...post },
        },
        env,
      );
    // A caller's own actor= is replaced by the session's admin.
    const r = await adminApi({ method: 'get', path: '/v1/admin/audit?limit=5&actor=admin:999' });
    expect(r.exited).toBe(true);
    const a = JSON.parse(r.output) as { ok: boolean; data: { entries: Array<{ action: string; actorType: string; actorId: number }> } };
    expect(a.ok).toBe(true);
    expect(a.data.entries.map((e) => e.action)).toContain('whmcs.SuspendAccount');
    expect(r.modulelog[0]!.action).toBe('AdminApi GET /v1/admin/audit?limit=5&actor=admin%3A1');
    const forged = JSON.parse((await adminApi({ method: 'get', path: '/v1/admin/audit', token: 'wrong' })).output);
    expect(forged.error.key).toBe('error.session');
    const outside = JSON.parse((await adminApi({ method: 'get', path: '/v1/whmcs/CreateAccount' })).output);
    expect(outside.error.key).toBe('error.validation');
    const anonymous = JSON.parse((await adminApi({ method: 'get', path: '/v1/admin/audit' }, {})).output);
    expect(anonymous.error.key).toBe('error.access_denied');
  });

  it('the addon: _config has the gateway URL and the secret as a password field; _deactivate succeeds with the gateway down; _upgrade migrates', async () => {
    const cfg = (await runShim({ module: 'addon', function: 'pvebridge_admin_config', session: { adminid: 1, adminlang: 'german' } }, {}))
      .return as { fields: Record<string, { Type: string; FriendlyName: string }> };
    expect(Object.keys(cfg.fields)).toEqual(['gateway_url', 'shared_secret', 'timeout', 'ca_file', 'allow_http']);
    expect(cfg.fields.shared_secret).toMatchObject({ Type: 'password', FriendlyName: 'Gemeinsames Geheimnis' });
    const off = await runShim(
      { module: 'addon', function: 'pvebridge_admin_deactivate', session: { adminid: 1 } },
      { ...env, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' },
    );
    expect(off.return).toEqual({ status: 'success', description: 'pvebridge was deactivated. Its tables and data were kept.' });
    const up = await runShim(
      { module: 'addon', function: 'pvebridge_admin_upgrade', args: [{ version: '0.1.0' }], session: { adminid: 1 } },
      env,
    );
    expect(up.threw).toBeNull();
    expect(up.activity[0]!.message).toBe('pvebridge: upgrade from 0.1.0 to 0.2.0: tables up to date');
    const page = await runShim(
      {
        module: 'addon',
        function: 'pvebridge_admin_output',
        args: [{ modulelink: 'addonmodules.php?module=pvebridge_admin' }],
        request: { action: 'nope' },
      },
      {},
    );
    expect(page.output).toContain('Unknown page.');
  });
});
