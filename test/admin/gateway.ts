// A gateway on a test database without the simulator or the runner: for admin API tests that
// need only our tables and WHMCS's (the VM list, settings, cron, dashboard) and for the bench.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { seedWhmcs, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import type { TestDb } from '../support/db.ts';
import { SHARED_SECRET } from '../provisioner/harness.ts';
import { adminClient, type AdminCall } from './support.ts';

export interface AdminGateway {
  ctx: GatewayContext;
  gw: RunningGateway;
  api: AdminCall;
  seeded: Seeded;
  dataDir: string;
  close(): Promise<void>;
}

export async function adminGateway(t: TestDb): Promise<AdminGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-admin-'));
  const config = loadConfig({
    PVEBRIDGE_DB_URL: t.url,
    PVEBRIDGE_SHARED_SECRET: SHARED_SECRET,
    PVEBRIDGE_DATA_DIR: dataDir,
    PVEBRIDGE_LOG_LEVEL: 'silent',
    PVEBRIDGE_CRON: 'off',
  });
  const seeded = await seedWhmcs(t.db, { service: false });
  // The test database belongs to the caller: the gateway's shutdown must not destroy it.
  const db = new Proxy(t.db, { get: (target, prop) => (prop === 'destroy' ? async () => {} : Reflect.get(target, prop)) });
  const ctx = createContext(config, { db, log: silentLogger });
  const gw = await startGateway(ctx, { port: 0, host: '127.0.0.1' });
  return {
    ctx,
    gw,
    api: adminClient(gw.url),
    seeded,
    dataDir,
    async close() {
      await gw.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
