// A whole deploy stack for tests and the benchmark: test database with the WHMCS fixture, the
// Proxmox simulator, a WHMCS server row pointing at it (token secret encrypted as WHMCS does),
// a fake WHMCS API that records SendEmail calls, and the gateway with the module API and the
// pipeline runner.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../common/config.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { seedService, seedWhmcs, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { allRoutes } from '../../gateway/routes/index.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { whmcsRoutes } from '../../gateway/whmcs/routes.ts';
import { createPool } from '../../provisioner/ipam/index.ts';
import type { Output } from '../../provisioner/engine/format.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { saveProductSettings, type ProductSettingsInput } from '../../provisioner/plan/product-settings.ts';
import { createRunner, startPipelines, type RuntimeOptions } from '../../provisioner/pipelines/runtime.ts';
import type { Runner } from '../../provisioner/runner.ts';
import type { PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { startSimulator, type ScenarioInput, type Simulator } from '../../simulator/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

export const TOKEN = 'root@pam!pvebridge=00000000-0000-4000-8000-00000000beef';
export const SHARED_SECRET = 'test-shared-secret-0123456789abcdef0123';
export const SERVICE_PASSWORD = 'S3cret-pass!';

/** A fake WHMCS API endpoint: records every call, answers success unless told to fail. */
export async function fakeWhmcsApi(): Promise<{
  url: string;
  calls: Array<Record<string, string>>;
  failNext: (n: number) => void;
  close(): Promise<void>;
}> {
  const calls: Array<Record<string, string>> = [];
  let failures = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const p = Object.fromEntries(new URLSearchParams(body));
      res.setHeader('content-type', 'application/json');
      if (failures > 0) {
        failures--;
        res.end(JSON.stringify({ result: 'error', message: 'Email Template not found' }));
        return;
      }
      calls.push(p);
      res.end(JSON.stringify({ result: 'success' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/includes/api.php`,
    calls,
    failNext: (n) => (failures = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const planSettings: ProductSettingsInput = {
  osTemplate: 9000, // debian on pve1's local-lvm: the deploy clones full and migrates
  cpu: 2,
  ram: 4,
  systemDiskSize: 20,
  systemDiskMbpsRd: 100,
  systemDiskIopsWr: 500,
  additionalDiskSize: 10,
  additionalDiskMbpsWr: 50,
  bandwidth: 50,
  ipv4Count: 1,
  ipv6Count: 1,
  dhcpIpv4: false,
  dhcpIpv6: false,
  mainDomain: '.example.com',
};

export interface Stack {
  t: TestDb;
  sim: Simulator;
  config: Config;
  seeded: Seeded;
  whmcs: Awaited<ReturnType<typeof fakeWhmcsApi>>;
  dataDir: string;
  hash: string;
  newService(): Promise<number>;
  close(): Promise<void>;
}

export async function deployStack(
  dialect: Dialect,
  o: { timeScale?: number; scenario?: ScenarioInput; settings?: ProductSettingsInput; v4Pool?: [string, string] } = {},
): Promise<Stack> {
  const t = await createTestDb(dialect);
  const sim = await startSimulator({ token: TOKEN, timeScale: o.timeScale ?? 0.01, ...(o.scenario && { scenario: o.scenario }) });
  const whmcs = await fakeWhmcsApi();
  const hash = crypto.randomBytes(16).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-data-'));
  const config = loadConfig({
    PVEBRIDGE_DB_URL: t.url,
    PVEBRIDGE_SHARED_SECRET: SHARED_SECRET,
    PVEBRIDGE_WHMCS_API_URL: whmcs.url,
    PVEBRIDGE_WHMCS_API_IDENTIFIER: 'api-id',
    PVEBRIDGE_WHMCS_API_SECRET: 'api-secret',
    PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: hash,
    PVEBRIDGE_DATA_DIR: dataDir,
    PVEBRIDGE_LOG_LEVEL: 'silent',
    PVEBRIDGE_CRON: 'off',
  });
  const port = Number(new URL(sim.url).port);
  const seeded = await seedWhmcs(t.db, {
    server: {
      hostname: '127.0.0.1',
      ipaddress: '127.0.0.1',
      port,
      secure: '',
      username: sim.tokenId,
      password: encryptWhmcsPassword(sim.secret, hash),
    },
    service: { password: encryptWhmcsPassword(SERVICE_PASSWORD, hash) },
  });
  await saveProductSettings(t.db, seeded.productId, { ...planSettings, ...o.settings });
  await saveGlobalSettings(t.db, { runBudgetSeconds: 30 });
  const [start, stop] = o.v4Pool ?? ['192.0.2.1', '192.0.2.254'];
  await createPool(t.db, {
    serverId: seeded.serverId,
    type: 'ipv4',
    bridge: 'vmbr1',
    vlan: 10,
    gateway: '192.0.2.1',
    mask: 24,
    dns1: '192.0.2.53',
    start,
    stop,
  });
  await createPool(t.db, {
    serverId: seeded.serverId,
    type: 'ipv6',
    bridge: 'vmbr1',
    vlan: 10,
    gateway: '2001:db8::1',
    mask: 64,
    dns1: '2001:db8::53',
    start: '2001:db8::10',
    stop: '2001:db8::ffff',
  });
  return {
    t,
    sim,
    config,
    seeded,
    whmcs,
    dataDir,
    hash,
    newService: () => seedService(t.db, seeded, { password: encryptWhmcsPassword(SERVICE_PASSWORD, hash) }),
    async close() {
      await sim.close();
      await whmcs.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await t.drop();
    },
  };
}

export const fastRuntime: Partial<RuntimeOptions> = {
  pollIntervalMs: 20,
  engine: { backoffBaseMs: 50, backoffMaxMs: 200, waitDelayMs: 20 },
};

/** A runner on the stack's database (its own lease owner), without the gateway. */
export async function stackRunner(s: Stack, o: Partial<RuntimeOptions> & { out?: Output } = {}): Promise<Runner<PipelineEnv>> {
  return createRunner({ db: s.t.db, config: s.config, log: silentLogger, ...fastRuntime, ...o });
}

/** The gateway (module API + admin API) with the pipeline runner, on a context of its own. */
export async function stackGateway(
  s: Stack,
  o: Partial<RuntimeOptions> = {},
): Promise<{ ctx: GatewayContext; gw: RunningGateway; call(fn: string, body: unknown): Promise<Response> }> {
  const ctx = createContext(s.config, { db: s.t.db, log: silentLogger });
  await startPipelines(ctx, { ...fastRuntime, ...o });
  const gw = await startGateway(ctx, {
    port: 0,
    host: '127.0.0.1',
    routes: [...allRoutes, ...whmcsRoutes.filter((r) => !allRoutes.includes(r))],
  });
  const call = (p: string, body: unknown) => {
    const text = JSON.stringify(body);
    return fetch(`${gw.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signRequest(SHARED_SECRET, { method: 'POST', path: p, body: text }) },
      body: text,
    });
  };
  // The gateway closes the DB on shutdown; the stack owns it, so only stop runner and HTTP here.
  ctx.db = new Proxy(ctx.db, { get: (target, prop) => (prop === 'destroy' ? async () => {} : Reflect.get(target, prop)) });
  return { ctx, gw, call };
}

export async function waitForState(s: Stack, serviceId: number, state: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const vm = await getVm(s.t.db, serviceId);
    if (vm?.state === state) return;
    if (Date.now() > until)
      throw new Error(
        `service ${serviceId} is in ${vm?.state ?? 'no record'} (${vm?.lastError ?? 'no error'}), not ${state}, after ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}
