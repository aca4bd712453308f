// Loopback helpers for console proxy tests: upstream servers on free console ports
// (5900–5999, the only ports the allowlist lets the proxy dial), tickets, WebSocket clients.
import net from 'node:net';
import WebSocket from 'ws';
import { mintTicket, parseTicketKeys, type TicketInput } from '../../common/console-ticket.ts';
import { buildAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy, type RunningVncProxy, type VncProxyOptions } from '../../vncproxy/server.ts';
import { listenInConsoleRange } from '../../bench/vnc/ports.ts';

export const ORIGIN = 'https://panel.example.com';
export const keys = parseTicketKeys(`k1:${'a'.repeat(40)}`);

/** Listens on a free port in 5900–5999 (the benchmark's finder; random start, so parallel files rarely collide). */
export const listenOnConsolePort = listenInConsoleRange;

export interface TestUpstream {
  port: number;
  host: string;
  connections: number;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/** An upstream that counts connections and runs `onConnection` (default: echo). */
export async function startUpstream(onConnection: (s: net.Socket) => void = (s) => s.pipe(s), host = '127.0.0.1'): Promise<TestUpstream> {
  const sockets = new Set<net.Socket>();
  const u: TestUpstream = { port: 0, host, connections: 0, sockets, close: async () => {} };
  const server = net.createServer((s) => {
    u.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  u.port = await listenOnConsolePort(server, host);
  u.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return u;
}

export function ticketFor(up: { host: string; port: number }, over: Partial<TicketInput> = {}, now?: number): string {
  return mintTicket(keys, { sid: 7, srv: 1, vmid: 101, node: 'pve1', host: up.host, port: up.port, mode: 'tcp', ...over }, now).ticket;
}

export async function startTestProxy(opts: Partial<VncProxyOptions> = {}): Promise<RunningVncProxy> {
  return startVncProxy({
    ticketKeys: keys,
    allowlist: await buildAllowlist([{ id: 1, ipaddress: '127.0.0.1', hostname: 'localhost' }]),
    allowedOrigins: [ORIGIN],
    ...opts,
    limits: { upgradeRate: { perSecond: 1000, burst: 1000 }, ...opts.limits },
  });
}

export function wsUrl(proxy: RunningVncProxy, ticket: string, service = 7): string {
  return `ws://127.0.0.1:${proxy.port}/ws/${service}?ticket=${encodeURIComponent(ticket)}`;
}

export type Attempt = { opened: true; ws: WebSocket; protocol: string } | { opened: false; status: number; body: string };

/** Opens a WebSocket; resolves with the socket or with the refusal's HTTP status and text. */
export function attempt(url: string, opts: { origin?: string | null; protocols?: string[] } = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin) headers.Origin = origin;
    const ws = new WebSocket(url, opts.protocols ?? [], { headers, perMessageDeflate: false });
    ws.once('open', () => resolve({ opened: true, ws, protocol: ws.protocol }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body: body.trim() }));
    });
    ws.once('error', (err) => reject(err));
  });
}

export function nextMessage(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => ws.once('message', (d: Buffer) => resolve(d)));
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** A free loopback port (for a proxy whose own URL must be known before it starts: its Origin). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
