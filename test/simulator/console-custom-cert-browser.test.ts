// The whole console in a real browser to a node that has its own certificate (TLS mode): Xvnc →
// the simulator's TLS listener presenting pveproxy-ssl.pem (not signed by the cluster CA) →
// gateway console ticket pinning the node's fingerprints → vncproxy → noVNC in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { parseTicketKeys } from '../../common/console-ticket.ts';
import { createLogger } from '../../common/log.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { openConsole } from '../../gateway/console/open.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { createVmRecord, setState } from '../../provisioner/vm-record.ts';
import type { Simulator } from '../../simulator/index.ts';
import { defaultScenario } from '../../simulator/model/default-scenario.ts';
import { loadAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy, type RunningVncProxy } from '../../vncproxy/server.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';
import { launchChromium, viewConsole } from '../vncproxy/browser.ts';
import { freePort } from '../vncproxy/support.ts';
import { startXvnc, type RunningXvnc } from '../vncproxy/xvnc.ts';
import { startTestSimulator } from './harness.ts';

const TICKET_SECRET = `k1:${'t'.repeat(40)}`;
const CC_HASH = 'test-cc-encryption-hash';
const COLOUR = '#7a3cb0';

describe.skipIf(!has('chromium') || !has('xvnc'))('noVNC to a node with its own certificate (PVE 9.1.9, TLS)', () => {
  let xvnc: RunningXvnc;
  let sim: Simulator;
  let t: TestDb;
  let ctx: GatewayContext;
  let proxy: RunningVncProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let serviceId: number;

  beforeAll(async () => {
    xvnc = await startXvnc({ password: 'Zq!7`x&#', colour: COLOUR });
    const nodes = defaultScenario().nodes.map((n) => (n.name === 'pve1' ? { ...n, certificate: 'custom' as const } : n));
    sim = await startTestSimulator({
      scenario: {
        nodes,
        vnc: { backend: `127.0.0.1:${xvnc.port}`, ports: [5900, 5999], acceptTimeoutSec: 10, fixedPassword: xvnc.password },
      },
    });
    t = await createTestDb('sqlite');
    const seeded = await seedWhmcs(t.db, {
      server: {
        hostname: '127.0.0.1',
        ipaddress: '127.0.0.1',
        port: Number(new URL(sim.url).port),
        secure: '',
        username: sim.tokenId,
        password: encryptWhmcsPassword(sim.secret, CC_HASH),
      },
      service: { domainstatus: 'Active' },
    });
    serviceId = seeded.serviceId!;
    await createVmRecord(t.db, { serviceId, clientId: seeded.clientId, productId: seeded.productId, serverId: seeded.serverId });
    await setState(t.db, serviceId, 'ready', { vmid: 100, node: 'pve1' });
    const port = await freePort();
    const config = loadConfig({
      PVEBRIDGE_DB_URL: t.url,
      PVEBRIDGE_SHARED_SECRET: 's'.repeat(40),
      PVEBRIDGE_TICKET_SECRET: TICKET_SECRET,
      PVEBRIDGE_VNC_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: CC_HASH,
      PVEBRIDGE_LOG_LEVEL: 'silent',
    });
    ctx = createContext(config, { db: t.db, log: createLogger('silent') });
    proxy = await startVncProxy({
      port,
      ticketKeys: parseTicketKeys(TICKET_SECRET),
      allowlist: await loadAllowlist(t.db),
      allowedOrigins: config.vncAllowedOrigins,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await sim?.close();
    await t?.drop();
    await xvnc?.stop();
  });

  it('connects and paints the desktop colour', async () => {
    const link = await openConsole(ctx, serviceId);
    expect(link.mode).toBe('tls');
    const view = await viewConsole(browser.context, link.url, COLOUR.slice(1));
    expect(view.status).toMatch(/^Connected/);
    expect(view.pixel).toBe(COLOUR.slice(1));
  });
});
