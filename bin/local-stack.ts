// The whole pvebridge stack on one machine, for the demo and the deploy benchmark: a database
// (embedded SQLite by default) with the WHMCS fixture, the Proxmox simulator, a WHMCS server row
// pointing at it (token secret encrypted as WHMCS stores it), a recording stand-in for the WHMCS
// API, the gateway with the pipeline runner, and the vncproxy. Loopback only.
import crypto from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { parseTicketKeys, MemoryJtiStore } from '../common/console-ticket.ts';
import { loadConfig, type Config } from '../common/config.ts';
import { openDb, type Db } from '../common/db/connect.ts';
import { migrateLatest } from '../common/db/migrate.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import { encryptWhmcsPassword } from '../common/whmcs-crypto.ts';
import { createWhmcsFixture } from '../common/whmcs-fixture/index.ts';
import { seedWhmcs, type Seeded } from '../common/whmcs-fixture/seed.ts';
import { signRequest } from '../gateway/auth/signature.ts';
import { createContext, type GatewayContext } from '../gateway/context.ts';
import { startGateway, type RunningGateway } from '../gateway/server.ts';
import type { Output } from '../provisioner/engine/format.ts';
import { createPool } from '../provisioner/ipam/index.ts';
import { startPipelines } from '../provisioner/pipelines/runtime.ts';
import { saveProductSettings, type ProductSettingsInput } from '../provisioner/plan/product-settings.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { loadAllowlist } from '../vncproxy/allowlist.ts';
import { credentialsFromDb } from '../vncproxy/credentials.ts';
import { startVncProxy, type RunningVncProxy } from '../vncproxy/server.ts';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export const LOCAL_TOKEN = 'root@pam!pvebridge=00000000-0000-4000-8000-0000000000de';

export interface WhmcsApiRecorder {
  url: string;
  calls: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** Stands in for WHMCS's includes/api.php: records each call (SendEmail, LogActivity, …). */
export async function whmcsApiRecorder(): Promise<WhmcsApiRecorder> {
  const calls: Array<Record<string, string>> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(Object.fromEntries(new URLSearchParams(body)));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: 'success' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/includes/api.php`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

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

export interface LocalStackOptions {
  dbUrl: string;
  timeScale: number;
  log?: Logger;
  out?: Output;
  plan?: ProductSettingsInput;
  vncproxy?: boolean;
}

export interface LocalStack {
  config: Config;
  ctx: GatewayContext;
  db: Db;
  sim: Simulator;
  gateway: RunningGateway;
  vnc: RunningVncProxy | undefined;
  whmcs: WhmcsApiRecorder;
  seeded: Seeded;
  secrets: { sharedSecret: string; ticketSecret: string; ccEncryptionHash: string };
  migrations: string[];
  /** A signed module call, as the PHP shim makes it. */
  moduleCall(fn: string, params: Record<string, unknown>, actor?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startLocalStack(o: LocalStackOptions): Promise<LocalStack> {
  const secrets = {
    sharedSecret: crypto.randomBytes(24).toString('hex'),
    ticketSecret: crypto.randomBytes(24).toString('hex'),
    ccEncryptionHash: crypto.randomBytes(16).toString('hex'),
  };
  const sim = await startSimulator({ token: LOCAL_TOKEN, timeScale: o.timeScale });
  const whmcs = await whmcsApiRecorder();
  const config = loadConfig({
    ...process.env,
    PVEBRIDGE_DB_URL: o.dbUrl,
    PVEBRIDGE_SHARED_SECRET: secrets.sharedSecret,
    PVEBRIDGE_TICKET_SECRET: secrets.ticketSecret,
    PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: secrets.ccEncryptionHash,
    PVEBRIDGE_WHMCS_API_URL: whmcs.url,
    PVEBRIDGE_WHMCS_API_IDENTIFIER: 'local',
    PVEBRIDGE_WHMCS_API_SECRET: 'local',
    PVEBRIDGE_LISTEN: '127.0.0.1:0',
    PVEBRIDGE_VNC_LISTEN: '127.0.0.1:0',
    PVEBRIDGE_CRON: 'off',
  });
  const log = o.log ?? silentLogger;
  const db = openDb(config.dbUrl);
  const migrations = await migrateLatest(db);
  await createWhmcsFixture(db);
  const seeded = await seedWhmcs(db, {
    server: {
      hostname: '127.0.0.1',
      ipaddress: '127.0.0.1',
      port: Number(new URL(sim.url).port),
      secure: '',
      username: sim.tokenId,
      password: encryptWhmcsPassword(sim.secret, secrets.ccEncryptionHash),
    },
    service: { password: encryptWhmcsPassword(crypto.randomBytes(9).toString('base64url'), secrets.ccEncryptionHash) },
  });
  await saveProductSettings(db, seeded.productId, o.plan ?? demoPlan);
  const v4 = { serverId: seeded.serverId, bridge: 'vmbr1', vlan: 10, dns1: '192.0.2.53' };
  await createPool(db, { ...v4, type: 'ipv4', gateway: '192.0.2.1', mask: 24, start: '192.0.2.10', stop: '192.0.2.200' });
  await createPool(db, {
    ...v4,
    type: 'ipv6',
    gateway: '2001:db8::1',
    mask: 64,
    dns1: '2001:db8::53',
    start: '2001:db8::10',
    stop: '2001:db8::ffff',
  });

  let vnc: RunningVncProxy | undefined;
  if (o.vncproxy !== false) {
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
  }
  const vncConfig = vnc ? { ...config, vncPublicUrl: vnc.url, vncAllowedOrigins: [new URL(vnc.url).origin] } : config;
  const ctx = createContext(vncConfig, { db, log });
  await startPipelines(ctx, o.out ? { out: o.out } : {});
  const gateway = await startGateway(ctx);

  const moduleCall = async (fn: string, params: Record<string, unknown>, actor: Record<string, unknown> = { type: 'system' }) => {
    const path = `/v1/whmcs/${fn}`;
    const body = JSON.stringify({ actor, params });
    const res = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signRequest(secrets.sharedSecret, { method: 'POST', path, body }) },
      body,
    });
    return { status: res.status, body: await res.json() };
  };

  return {
    config: vncConfig,
    ctx,
    db,
    sim,
    gateway,
    vnc,
    whmcs,
    seeded,
    secrets,
    migrations,
    moduleCall,
    async close() {
      await gateway.close(); // also stops the runner and closes the database
      await vnc?.close();
      await sim.close();
      await whmcs.close();
    },
  };
}
