// pve-websocket console mode to a pveproxy the operator pinned by fingerprint (tblservers
// accesshash, as the gateway accepts it): TLS is checked against the pin BEFORE the API token is
// sent, so a wrong certificate never sees the token.
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { buildAllowlist } from '../../vncproxy/allowlist.ts';
import type { RunningVncProxy } from '../../vncproxy/server.ts';
import { attempt, startTestProxy, startUpstream, ticketFor, wsUrl, type TestUpstream } from '../vncproxy/support.ts';
import { nodeCert, selfsignedCa } from '../vncproxy/tls-support.ts';

const TOKEN_ID = 'root@pam!console';
const SECRET = 'c0ffee00-0000-4000-8000-000000000002';
const VNCTICKET = 'Zq!7`x&#:PVEVNC:69AB12CD::c2lnbmF0dXJl';

let api: https.Server;
let apiPort: number;
let vnc: TestUpstream;
let fingerprint: string;
const proxies: RunningVncProxy[] = [];
const seen: string[] = [];

beforeAll(async () => {
  const pair = await nodeCert(await selfsignedCa('Custom pveproxy issuer'), 'pve1');
  fingerprint = new X509Certificate(pair.cert).fingerprint256;
  vnc = await startUpstream((s) => s.pipe(s));
  api = https.createServer(pair);
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('binary') ? 'binary' : false) });
  api.on('upgrade', (req, socket, head) => {
    seen.push(String(req.headers.authorization));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c = net.connect(vnc.port, '127.0.0.1');
      ws.on('message', (d: Buffer) => c.write(d));
      c.on('data', (d) => ws.send(d));
      ws.on('close', () => c.destroy());
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiPort = (api.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  api.closeAllConnections();
  api.close();
  await vnc.close();
});

async function proxyPinned(fp: string) {
  const p = await startTestProxy({
    allowlist: await buildAllowlist([{ id: 1, ipaddress: '127.0.0.1', port: apiPort }]),
    credentials: async () => ({ tokenId: TOKEN_ID, secret: SECRET, fingerprint: fp }),
  });
  proxies.push(p);
  return p;
}

const ticket = () => ticketFor({ host: '127.0.0.1', port: vnc.port }, { mode: 'pve-websocket', apiPort, vncticket: VNCTICKET });

describe('pve-websocket with a pinned pveproxy fingerprint', () => {
  it('relays when the certificate matches the pin (no CA involved)', async () => {
    const r = await attempt(wsUrl(await proxyPinned(fingerprint), ticket()));
    expect(r.opened).toBe(true);
    if (!r.opened) return;
    const echoed = new Promise<Buffer>((resolve) => r.ws.once('message', resolve));
    r.ws.send(Buffer.from('RFB 003.008\n'));
    expect((await echoed).toString()).toBe('RFB 003.008\n');
    r.ws.close(1000);
    expect(seen.at(-1)).toBe(`PVEAPIToken=${TOKEN_ID}=${SECRET}`);
  });

  it('refuses a wrong pin with 502 before any request carries the token', async () => {
    const before = seen.length;
    const wrong = fingerprint.replace(/^[0-9A-F]{2}/, (h) => (h === '00' ? '01' : '00'));
    const proxy = await proxyPinned(wrong);
    const r = await attempt(wsUrl(proxy, ticket()));
    expect(r.opened ? 0 : r.status).toBe(502);
    expect(seen.length).toBe(before);
    expect(await proxy.metrics.register.getSingleMetricAsString('pvebridge_vnc_upgrade_refusals_total')).toMatch(
      /reason="upstream_tls"\} 1/,
    );
  });
});
