// The deploy stack for tests and the deploy benchmark: a thin wrapper over THE stack builder
// (bin/stack/index.ts) on a per-file test database, without the gateway (tests start their own
// runners and gateways below) and with the builder's WHMCS API recorder, so tests can assert the
// exact API calls and inject failures (`failNext`).
import { type Config } from '../../common/config.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import type { Seeded } from '../../common/whmcs-fixture/seed.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { allRoutes } from '../../gateway/routes/index.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { whmcsRoutes } from '../../gateway/whmcs/routes.ts';
import type { Output } from '../../provisioner/engine/format.ts';
import type { ProductSettingsInput } from '../../provisioner/plan/product-settings.ts';
import { createRunner, startPipelines, type RuntimeOptions } from '../../provisioner/pipelines/runtime.ts';
import type { Runner } from '../../provisioner/runner.ts';
import type { PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { ScenarioInput, Simulator } from '../../simulator/index.ts';
import { startStack, type WhmcsApiRecorder } from '../../bin/stack/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

export const TOKEN = 'root@pam!pvebridge=00000000-0000-4000-8000-00000000beef';
export const SHARED_SECRET = 'test-shared-secret-0123456789abcdef0123';
export const SERVICE_PASSWORD = 'S3cret-pass!';

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
  whmcs: WhmcsApiRecorder;
  dataDir: string;
  hash: string;
  newService(): Promise<number>;
  close(): Promise<void>;
}

export async function deployStack(
  dialect: Dialect,
  o: {
    timeScale?: number;
    scenario?: ScenarioInput;
    settings?: ProductSettingsInput;
    v4Pool?: [string, string];
    proxmoxPort?: number;
  } = {},
): Promise<Stack> {
  const t = await createTestDb(dialect);
  try {
    const s = await startStack({
      dbUrl: t.url,
      db: t.db,
      token: TOKEN,
      timeScale: o.timeScale ?? 0.01,
      ...(o.scenario && { scenario: o.scenario }),
      plan: { ...planSettings, ...o.settings },
      v4Pool: o.v4Pool ?? ['192.0.2.1', '192.0.2.254'],
      ...(o.proxmoxPort && { proxmoxPort: o.proxmoxPort }),
      globalSettings: { runBudgetSeconds: 30 },
      secrets: { sharedSecret: SHARED_SECRET },
      api: { identifier: 'api-id', secret: 'api-secret' },
      servicePassword: SERVICE_PASSWORD,
      whmcsApi: 'recorder',
      gateway: false,
    });
    return {
      t,
      sim: s.sim,
      config: s.config,
      seeded: s.seeded,
      whmcs: s.recorder!,
      dataDir: s.dataDir,
      hash: s.secrets.ccEncryptionHash,
      newService: () => s.newService(),
      async close() {
        await s.close();
        await t.drop();
      },
    };
  } catch (err) {
    await t.drop();
    throw err;
  }
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
