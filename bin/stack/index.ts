// THE stack builder: the demo, the tests and the benches all build pvebridge on one machine here.
// A database (embedded SQLite by default) migrated with the WHMCS fixture, the Proxmox simulator,
// the seeded catalogue (bin/stack/seed.ts), the dev WHMCS (devwhmcs/: PHP pages on the real
// shim, whose /includes/api.php is the gateway's WHMCS API) or, for fault-injection tests, an
// in-process API recorder; the gateway with the pipeline runner, and the vncproxy. Loopback only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTicketKeys, MemoryJtiStore } from '../../common/console-ticket.ts';
import { loadConfig, type Config } from '../../common/config.ts';
import { openDb, type Db } from '../../common/db/connect.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { silentLogger, type Logger } from '../../common/log.ts';
import { createWhmcsFixture } from '../../common/whmcs-fixture/index.ts';
import { seedService, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { freePort, phpPasswordHash, startDevWhmcs, type DevWhmcs } from '../../devwhmcs/index.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import type { RouteDef } from '../../gateway/http/route.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import type { Output } from '../../provisioner/engine/format.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import type { ProductSettingsInput } from '../../provisioner/plan/product-settings.ts';
import { startPipelines, type RuntimeOptions } from '../../provisioner/pipelines/runtime.ts';
import { startRefresher } from '../../provisioner/state/refresher.ts';
import { createZone, normName, reverseZoneOf, whmcsSealer } from '../../provisioner/dns/index.ts';
import { startPowerDns, type PowerDns } from '../../simulator/dns/powerdns.ts';
import { startSimulator, type ScenarioInput, type Simulator } from '../../simulator/index.ts';
import { loadAllowlist } from '../../vncproxy/allowlist.ts';
import { credentialsFromDb } from '../../vncproxy/credentials.ts';
import { startVncProxy, type RunningVncProxy } from '../../vncproxy/server.ts';
import { whmcsApiRecorder, type WhmcsApiRecorder } from './recorder.ts';
import { seedCatalogue, seedPeople, type People } from './seed.ts';

export { whmcsApiRecorder, type WhmcsApiRecorder } from './recorder.ts';
export type { Login, People } from './seed.ts';
export { freePort } from '../../devwhmcs/index.ts';

export const LOCAL_TOKEN = 'root@pam!pvebridge=00000000-0000-4000-8000-0000000000de';

/** A product a provider might sell: 2 vCPU, 4 GB, 20 GB disk, one IPv4 and one IPv6. */
export const demoPlan: ProductSettingsInput = {
  osTemplate: 9000,
  cpu: 2,
  ram: 4,
  systemDiskSize: 20,
  systemDiskMbpsRd: 100,
  systemDiskIopsWr: 500,
  bandwidth: 50,
  ipv4Count: 1,
  ipv6Count: 1,
  dhcpIpv4: false,
  dhcpIpv6: false,
  mainDomain: '.example.com',
};

export interface StackOptions {
  /** Database to open, migrate and give the WHMCS fixture; or `db`, already prepared (not closed by the stack). */
  dbUrl: string;
  db?: Db;
  timeScale?: number;
  scenario?: ScenarioInput;
  /** The simulator's token (default LOCAL_TOKEN). */
  token?: string;
  plan?: ProductSettingsInput;
  v4Pool?: [string, string];
  /** Proxmox is an out-of-process simulator on this port (same token): the server row points there. */
  proxmoxPort?: number;
  globalSettings?: Record<string, unknown>;
  secrets?: Partial<Secrets>;
  api?: { identifier: string; secret: string };
  /** Start the PHP dev WHMCS (pages + its API; needs php). Default false. */
  devWhmcs?: boolean;
  /** Smarty major version the dev WHMCS renders with (default PVEBRIDGE_DEVWHMCS_SMARTY, else 4). */
  smarty?: 3 | 4;
  /** WHMCS API the gateway calls: the dev WHMCS's, or the recorder (default when there is no dev WHMCS). */
  whmcsApi?: 'devwhmcs' | 'recorder';
  /** Logins (two clients with Active services, an admin); default: with the dev WHMCS. */
  people?: boolean;
  /** Start the gateway with the pipeline runner (default true). */
  gateway?: boolean;
  routes?: RouteDef[];
  runtime?: Partial<RuntimeOptions>;
  /** The live-state refresher's period with the gateway (default 1000 ms; 0 = off). */
  refreshIntervalMs?: number;
  vncproxy?: boolean;
  /** Config variables besides the stack's own (the demo passes process.env). */
  env?: Record<string, string | undefined>;
  servicePassword?: string;
  /** Start a local PowerDNS (real pdns_server, loopback) with zones for the plan's domain and the pools. */
  dns?: 'powerdns';
  log?: Logger;
  out?: Output;
}

export interface Secrets {
  sharedSecret: string;
  ticketSecret: string;
  ccEncryptionHash: string;
}

export interface Stack {
  config: Config;
  db: Db;
  sim: Simulator;
  seeded: Seeded;
  secrets: Secrets;
  migrations: string[];
  dataDir: string;
  /** The WHMCS API recorder when the gateway talks to it (fault injection), else undefined. */
  recorder: WhmcsApiRecorder | undefined;
  whmcsApiUrl: string;
  devWhmcs: DevWhmcs | undefined;
  people: People | undefined;
  ctx: GatewayContext | undefined;
  gateway: RunningGateway | undefined;
  vnc: RunningVncProxy | undefined;
  /** The local PowerDNS (dns: 'powerdns') and the zones configured on it. */
  dns: { powerdns: PowerDns; zones: string[] } | undefined;
  /** Another Pending service of the seeded client and product. */
  newService(): Promise<number>;
  /** A signed module call, as the PHP shim makes it. */
  moduleCall(fn: string, params: Record<string, unknown>, actor?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/**
 * A real pdns_server on loopback high ports with a zone for the product's main domain and the
 * reverse zone of every IP pool, each configured as a PowerDNS zone in our database.
 */
async function startLocalPowerDns(db: Db, ccEncryptionHash: string, mainDomain: string | undefined) {
  const powerdns = await startPowerDns();
  try {
    const pools = (await db('mod_pvebridge_ip_pools').select('gateway', 'mask')) as Array<{ gateway: string; mask: number }>;
    const zones = [
      ...new Set([normName(String(mainDomain ?? '').replace(/^\.+/, '')), ...pools.map((p) => reverseZoneOf(p.gateway, Number(p.mask)))]),
    ].filter(Boolean);
    for (const name of zones) {
      await powerdns.createZone(name);
      await createZone(db, whmcsSealer(ccEncryptionHash), {
        name,
        type: 'powerdns',
        ttl: 300,
        settings: { url: powerdns.url },
        secrets: { apiKey: powerdns.apiKey },
      });
    }
    return { powerdns, zones };
  } catch (err) {
    await powerdns.stop();
    throw err;
  }
}

const randomHex = (n: number) => crypto.randomBytes(n).toString('hex');

/** A database handle whose destroy() is a no-op: the gateway closes its db on shutdown, the stack owns it. */
const borrowed = (db: Db): Db => new Proxy(db, { get: (t, p) => (p === 'destroy' ? async () => {} : Reflect.get(t, p)) });

export async function startStack(o: StackOptions): Promise<Stack> {
  const secrets: Secrets = {
    sharedSecret: o.secrets?.sharedSecret ?? randomHex(24),
    ticketSecret: o.secrets?.ticketSecret ?? randomHex(24),
    ccEncryptionHash: o.secrets?.ccEncryptionHash ?? randomHex(16),
  };
  const api = o.api ?? { identifier: `dev-${randomHex(6)}`, secret: randomHex(16) };
  const cleanup: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanup.reverse()) await c();
  };
  try {
    const sim = await startSimulator({
      token: o.token ?? LOCAL_TOKEN,
      timeScale: o.timeScale ?? 0.02,
      ...(o.scenario && { scenario: o.scenario }),
    });
    cleanup.push(() => sim.close());
    const useDev = o.devWhmcs === true;
    const apiMode = o.whmcsApi ?? (useDev ? 'devwhmcs' : 'recorder');
    if (apiMode === 'devwhmcs' && !useDev) throw new Error('whmcsApi "devwhmcs" needs devWhmcs: true');
    const recorder = apiMode === 'recorder' ? await whmcsApiRecorder() : undefined;
    if (recorder) cleanup.push(() => recorder.close());
    // Ports known up front: the gateway is told the dev WHMCS's API URL, the dev WHMCS the gateway's.
    const whmcsPort = useDev ? await freePort() : 0;
    const gatewayPort = await freePort();
    const whmcsApiUrl = recorder ? recorder.url : `http://127.0.0.1:${whmcsPort}/includes/api.php`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-data-'));
    cleanup.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      ...o.env,
      PVEBRIDGE_DB_URL: o.dbUrl,
      PVEBRIDGE_SHARED_SECRET: secrets.sharedSecret,
      PVEBRIDGE_TICKET_SECRET: secrets.ticketSecret,
      PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: secrets.ccEncryptionHash,
      PVEBRIDGE_WHMCS_API_URL: whmcsApiUrl,
      PVEBRIDGE_WHMCS_API_IDENTIFIER: api.identifier,
      PVEBRIDGE_WHMCS_API_SECRET: api.secret,
      PVEBRIDGE_LISTEN: `127.0.0.1:${gatewayPort}`,
      PVEBRIDGE_VNC_LISTEN: '127.0.0.1:0',
      PVEBRIDGE_DATA_DIR: dataDir,
      PVEBRIDGE_CRON: 'off',
      ...(o.log ? {} : { PVEBRIDGE_LOG_LEVEL: 'silent' }),
    });
    const log = o.log ?? silentLogger;
    const db = o.db ?? openDb(config.dbUrl);
    if (!o.db) cleanup.push(() => db.destroy());
    const migrations = o.db ? [] : await migrateLatest(db);
    if (!o.db) await createWhmcsFixture(db);
    const servicePassword = o.servicePassword ?? crypto.randomBytes(9).toString('base64url');
    const people = o.people ?? useDev;
    const seeded = await seedCatalogue(db, {
      sim,
      hash: secrets.ccEncryptionHash,
      plan: o.plan ?? demoPlan,
      servicePassword,
      moduleFields: people,
      ...(o.v4Pool && { v4Pool: o.v4Pool }),
      ...(o.proxmoxPort && { proxmoxPort: o.proxmoxPort }),
    });
    if (o.globalSettings) await saveGlobalSettings(db, o.globalSettings);
    const dns = o.dns === 'powerdns' ? await startLocalPowerDns(db, secrets.ccEncryptionHash, (o.plan ?? demoPlan).mainDomain) : undefined;
    if (dns) cleanup.push(() => dns.powerdns.stop());
    const whmcsUrl = `http://127.0.0.1:${whmcsPort}`;
    const seededPeople = people
      ? await seedPeople(db, seeded, {
          hash: secrets.ccEncryptionHash,
          hashPassword: (p) => phpPasswordHash(p),
          systemUrl: `${whmcsUrl}/`,
          servicePassword,
        })
      : undefined;

    let vnc: RunningVncProxy | undefined;
    if (o.vncproxy !== false && o.gateway !== false) {
      // noVNC is served by the proxy itself, so the page's Origin is the proxy's own address.
      const port = await freePort();
      vnc = await startVncProxy({
        host: '127.0.0.1',
        port,
        ticketKeys: parseTicketKeys(secrets.ticketSecret),
        allowlist: await loadAllowlist(db),
        allowedOrigins: [`http://127.0.0.1:${port}`],
        jtiStore: new MemoryJtiStore(),
        credentials: credentialsFromDb(db, secrets.ccEncryptionHash),
        log,
      });
      cleanup.push(() => vnc!.close());
    }
    const fullConfig = vnc ? { ...config, vncPublicUrl: vnc.url, vncAllowedOrigins: [new URL(vnc.url).origin] } : config;
    let ctx: GatewayContext | undefined;
    let gateway: RunningGateway | undefined;
    if (o.gateway !== false) {
      ctx = createContext(fullConfig, { db: borrowed(db), log });
      await startPipelines(ctx, { ...(o.out && { out: o.out }), ...o.runtime });
      startRefresher(ctx, { intervalMs: o.refreshIntervalMs ?? 1000 }); // live VM state for the pages
      gateway = await startGateway(ctx, { host: '127.0.0.1', port: gatewayPort, ...(o.routes && { routes: o.routes }) });
      cleanup.push(() => gateway!.close()); // also stops the runner
    }
    let devWhmcs: DevWhmcs | undefined;
    if (useDev) {
      devWhmcs = await startDevWhmcs({
        port: whmcsPort,
        dbUrl: config.dbUrl,
        ccEncryptionHash: secrets.ccEncryptionHash,
        api,
        gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
        sharedSecret: secrets.sharedSecret,
        ...(o.smarty && { smarty: o.smarty }),
      });
      cleanup.push(() => devWhmcs!.close());
    }

    const moduleCall = async (fn: string, params: Record<string, unknown>, actor: Record<string, unknown> = { type: 'system' }) => {
      if (!gateway) throw new Error('moduleCall needs the gateway (gateway: true)');
      const p = `/v1/whmcs/${fn}`;
      const body = JSON.stringify({ actor, params });
      const res = await fetch(`${gateway.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(secrets.sharedSecret, { method: 'POST', path: p, body }) },
        body,
      });
      return { status: res.status, body: await res.json() };
    };

    return {
      config: fullConfig,
      db,
      sim,
      seeded,
      secrets,
      migrations,
      dataDir,
      recorder,
      whmcsApiUrl,
      devWhmcs,
      people: seededPeople,
      ctx,
      gateway,
      vnc,
      dns,
      newService: () => seedService(db, seeded, { password: encryptWhmcsPassword(servicePassword, secrets.ccEncryptionHash) }),
      moduleCall,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
