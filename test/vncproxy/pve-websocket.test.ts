// pve-websocket mode: the proxy goes through pveproxy's vncwebsocket (TLS, API token) when only
// port 8006 is reachable. A small pveproxy stand-in checks what Proxmox checks.
import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { buildAllowlist } from '../../vncproxy/allowlist.ts';
import type { RunningVncProxy } from '../../vncproxy/server.ts';
import { attempt, startTestProxy, startUpstream, ticketFor, wsUrl, type TestUpstream } from './support.ts';
import { nodeCert, selfsignedCa } from './tls-support.ts';

const TOKEN_ID = 'root@pam!console';
const SECRET = 'c0ffee00-0000-4000-8000-000000000001';
const VNCTICKET = 'Zq!7`x&#:PVEVNC:69AB12CD::c2lnbmF0dXJl';

let api: https.Server;
let apiPort: number;
let vnc: TestUpstream;
let proxy: RunningVncProxy;
const seen: Array<{ auth?: string; url?: string; protocol?: string }> = [];

beforeAll(async () => {
  const ca = await selfsignedCa();
  vnc = await startUpstream((s) => s.pipe(s));
  api = https.createServer(await nodeCert(ca, 'pve1'));
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('binary') ? 'binary' : false) });
  api.on('upgrade', (req, socket, head) => {
    seen.push({ auth: req.headers.authorization, url: req.url, protocol: req.headers['sec-websocket-protocol'] });
    const u = new URL(req.url ?? '/', 'https://x');
    const ok =
      req.headers.authorization === `PVEAPIToken=${TOKEN_ID}=${SECRET}` &&
      u.pathname === '/api2/json/nodes/pve1/qemu/101/vncwebsocket' &&
      u.searchParams.get('vncticket') === VNCTICKET &&
      u.searchParams.get('port') === String(vnc.port);
    if (!ok) return void socket.end('HTTP/1.1 401 permission denied\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c = net.connect(vnc.port, '127.0.0.1');
      ws.on('message', (d: Buffer) => c.write(d));
      c.on('data', (d) => ws.send(d));
      ws.on('close', () => c.destroy());
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiPort = (api.address() as net.AddressInfo).port;
  proxy = await startTestProxy({
    allowlist: await buildAllowlist([{ id: 1, ipaddress: '127.0.0.1', port: apiPort }]),
    credentials: async (id) => (id === 1 ? { tokenId: TOKEN_ID, secret: SECRET, ca: ca.cert } : undefined),
  });
});
afterAll(async () => {
  await proxy.close();
  api.closeAllConnections();
  api.close();
  await vnc.close();
});

const wsTicket = (over = {}) =>
  ticketFor({ host: '127.0.0.1', port: vnc.port }, { mode: 'pve-websocket', apiPort, vncticket: VNCTICKET, ...over });

describe('pve-websocket upstream', () => {
  it('relays through vncwebsocket with the API token, the vncticket and subprotocol binary', async () => {
    const r = await attempt(wsUrl(proxy, wsTicket()));
    expect(r.opened).toBe(true);
    if (!r.opened) return;
    const echoed = new Promise<Buffer>((resolve) => r.ws.once('message', resolve));
    r.ws.send(Buffer.from('RFB 003.008\n'));
    expect((await echoed).toString()).toBe('RFB 003.008\n');
    r.ws.close(1000);
    expect(seen.at(-1)).toMatchObject({ auth: `PVEAPIToken=${TOKEN_ID}=${SECRET}`, protocol: 'binary' });
  });

  it('answers 502 when pveproxy refuses, without opening a WebSocket to the browser', async () => {
    const r = await attempt(wsUrl(proxy, wsTicket({ vncticket: 'PVEVNC:forged' })));
    expect(r.opened ? 0 : r.status).toBe(502);
  });

  it('dials only the configured API port of the server', async () => {
    const r = await attempt(wsUrl(proxy, wsTicket({ apiPort: apiPort + 1 })));
    expect(r.opened ? 0 : r.status).toBe(403);
  });
});
