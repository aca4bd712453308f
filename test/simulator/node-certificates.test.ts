// A node with its own certificate (custom upload or ACME): vncproxy's `cert` is the cluster CA,
// but the TLS console listener presents the node's pveproxy-ssl.pem, which that CA did not sign.
// The console must still work (the gateway learns the node's fingerprints from
// GET /nodes/{node}/certificates/info) and a ticket without those pins must be refused.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/log.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { mintTicket, parseTicketKeys, verifyTicket } from '../../common/console-ticket.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { openConsole } from '../../gateway/console/open.ts';
import { createVmRecord, setState } from '../../provisioner/vm-record.ts';
import type { Simulator } from '../../simulator/index.ts';
import { loadAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy, type RunningVncProxy } from '../../vncproxy/server.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { attempt, freePort, nextMessage } from '../vncproxy/support.ts';
import { apiFor, startTestSimulator } from './harness.ts';

const TICKET_SECRET = `k1:${'t'.repeat(40)}`;
const CC_HASH = 'test-cc-encryption-hash';

function peerFingerprint(port: number, ca?: string): Promise<{ fp: string; authorized: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(ca ? { ca: [ca] } : {}) }, () => {
      const out = { fp: s.getPeerCertificate().fingerprint256, authorized: s.authorized, error: s.authorizationError?.toString() };
      s.destroy();
      resolve(out);
    });
    s.once('error', reject);
  });
}

describe('node certificates: the cluster CA and a node that has its own', () => {
  let sim: Simulator;
  beforeAll(async () => {
    const { defaultScenario } = await import('../../simulator/model/default-scenario.ts');
    const nodes = defaultScenario().nodes.map((n) => (n.name === 'pve1' ? { ...n, certificate: 'custom' as const } : n));
    sim = await startTestSimulator({ scenario: { nodes } });
  });
  afterAll(async () => sim?.close());

  it('lists pve-root-ca.pem, pve-ssl.pem and pveproxy-ssl.pem only where one is installed', async () => {
    const api = apiFor(sim);
    const one = await api<Array<{ filename: string; fingerprint: string; pem: string; issuer: string }>>(
      'GET',
      '/nodes/pve1/certificates/info',
    );
    const two = await api<Array<{ filename: string }>>('GET', '/nodes/pve2/certificates/info');
    expect(one.body.data.map((c) => c.filename)).toEqual(['pve-root-ca.pem', 'pve-ssl.pem', 'pveproxy-ssl.pem']);
    expect(two.body.data.map((c) => c.filename)).toEqual(['pve-root-ca.pem', 'pve-ssl.pem']);
    for (const c of one.body.data) expect(c.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(one.body.data[2]!.issuer).toMatch(/Operator Issuing CA/);
  });

  it('the TLS console listener presents pveproxy-ssl.pem, which the returned cluster CA does not verify', async () => {
    const api = apiFor(sim);
    const info = (await api<Array<{ filename: string; fingerprint: string }>>('GET', '/nodes/pve1/certificates/info')).body.data;
    const reply = await api<{ cert: string; port: number }>('POST', '/nodes/pve1/qemu/100/vncproxy');
    expect(reply.body.data.cert).toBe(sim.ca ?? (await sim.certs.clusterCa()).cert);
    const seen = await peerFingerprint(reply.body.data.port, reply.body.data.cert);
    expect(seen.fp).toBe(info.find((c) => c.filename === 'pveproxy-ssl.pem')!.fingerprint);
    expect(seen.authorized).toBe(false);
  });

  it('a node without its own certificate presents pve-ssl.pem, signed by the cluster CA', async () => {
    const api = apiFor(sim);
    await api('POST', '/nodes/pve2/qemu/101/status/start');
    await new Promise((r) => setTimeout(r, 100));
    const reply = await api<{ cert: string; port: number }>('POST', '/nodes/pve2/qemu/101/vncproxy');
    expect(reply.status).toBe(200);
    const seen = await peerFingerprint(reply.body.data.port, reply.body.data.cert);
    expect(seen.authorized).toBe(true);
  });
});

describe('console through the gateway and vncproxy to a node with its own certificate (TLS mode)', () => {
  let sim: Simulator;
  let t: TestDb;
  let ctx: GatewayContext;
  let proxy: RunningVncProxy;
  let serviceId: number;
  beforeAll(async () => {
    const { defaultScenario } = await import('../../simulator/model/default-scenario.ts');
    const nodes = defaultScenario().nodes.map((n) => (n.name === 'pve1' ? { ...n, certificate: 'custom' as const } : n));
    sim = await startTestSimulator({ scenario: { nodes, pveVersion: '9.1.9' } });
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
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    await t?.drop();
  });

  const ticketOf = (url: string) => new URLSearchParams(new URL(url).hash.slice(2)).get('ticket')!;
  const wsFor = (ticket: string) => `ws://127.0.0.1:${proxy.port}/ws/${serviceId}?ticket=${encodeURIComponent(ticket)}`;

  it('the ticket pins the node certificates Proxmox lists, and the console speaks RFB through TLS', async () => {
    const link = await openConsole(ctx, serviceId);
    expect(link.mode).toBe('tls');
    const ticket = ticketOf(link.url);
    const claims = verifyTicket(parseTicketKeys(TICKET_SECRET), ticket);
    expect(claims.ok && claims.claims.fp?.length).toBe(2);
    const r = await attempt(wsFor(ticket), { origin: new URL(link.url).origin });
    expect(r.opened).toBe(true);
    if (!r.opened) return;
    expect((await nextMessage(r.ws)).toString()).toBe('RFB 003.008\n');
    r.ws.close(1000);
  });

  it('trusting only the cluster CA (the old behaviour) is refused: upstream TLS verification fails', async () => {
    const link = await openConsole(ctx, serviceId);
    const v = verifyTicket(parseTicketKeys(TICKET_SECRET), ticketOf(link.url));
    if (!v.ok) throw new Error(v.reason);
    const { jti: _j, iat: _i, exp: _e, fp: _fp, ...input } = v.claims;
    const bare = mintTicket(parseTicketKeys(TICKET_SECRET), input).ticket;
    const r = await attempt(wsFor(bare), { origin: new URL(link.url).origin });
    expect(r.opened ? 0 : r.status).toBe(502);
    expect(await proxy.metrics.register.getSingleMetricAsString('pvebridge_vnc_upgrade_refusals_total')).toMatch(
      /reason="upstream_tls"\} 1/,
    );
  });
});
