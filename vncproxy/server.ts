// The console proxy: an HTTP server that serves the noVNC page and turns `GET /ws?ticket=…`
// upgrades into relayed console sessions. Every refusal happens in the upgrade handler as a
// bare HTTP status before any WebSocket exists and before any upstream is dialled.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import ipaddr from 'ipaddr.js';
import { MemoryJtiStore, verifyTicket, type JtiStore, type TicketClaims, type TicketKeys } from '../common/console-ticket.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import type { UpstreamAllowlist } from './allowlist.ts';
import { defaultLimits, type ProxyLimits } from './limits.ts';
import { createProxyMetrics, type ProxyMetrics } from './metrics.ts';
import { pageRouter } from './page.ts';
import { RateLimiter } from './rate-limit.ts';
import { Close, relay, type SessionRecord } from './relay.ts';
import { dialUpstream, UpstreamError, type CredentialsLookup } from './upstream.ts';
import { handshakeResponse } from './ws-frames.ts';

/** Console WebSockets live at /ws/<service id>; the id must equal the ticket's service. */
export const WS_PATH = /^\/ws\/(\d{1,10})$/;

export interface VncProxyOptions {
  host?: string;
  port?: number;
  ticketKeys: TicketKeys;
  allowlist: UpstreamAllowlist;
  /** Exact Origin values (scheme://host[:port]) allowed to open a console WebSocket. */
  allowedOrigins: string[];
  jtiStore?: JtiStore;
  credentials?: CredentialsLookup;
  limits?: Partial<ProxyLimits>;
  log?: Logger;
  metrics?: ProxyMetrics;
  /** Honour X-Forwarded-For from a reverse proxy on loopback (rate limit key, logs). */
  trustLoopbackProxy?: boolean;
}

export interface RunningVncProxy {
  url: string;
  port: number;
  server: http.Server;
  metrics: ProxyMetrics;
  sessions: ReadonlyMap<number, SessionRecord>;
  setAllowlist(a: UpstreamAllowlist): void;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly text: string,
  ) {
    super(text);
  }
}

const statusText: Record<number, string> = {
  500: 'Internal Server Error',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function refuseSocket(socket: Duplex, r: Refusal): void {
  if (socket.writable) {
    const body = `${r.text}\n`;
    socket.end(
      `HTTP/1.1 ${r.status} ${statusText[r.status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  setTimeout(() => socket.destroy(), 1000).unref();
}

export async function startVncProxy(opts: VncProxyOptions): Promise<RunningVncProxy> {
  const limits: ProxyLimits = { ...defaultLimits, ...opts.limits };
  const log = opts.log ?? silentLogger;
  const metrics = opts.metrics ?? createProxyMetrics();
  const jtiStore: JtiStore = opts.jtiStore ?? new MemoryJtiStore();
  const origins = new Set(opts.allowedOrigins.map((o) => o.replace(/\/$/, '')));
  const limiter = new RateLimiter(limits.upgradeRate.perSecond, limits.upgradeRate.burst);
  let allowlist = opts.allowlist;
  const sessions = new Map<number, SessionRecord>();
  const perService = new Map<number, number>();
  let reserved = 0;
  let nextId = 1;

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sessions: sessions.size });
  });
  app.get('/metrics', async (req, res) => {
    if (!trustedScraper(req.socket.remoteAddress)) return void res.status(403).end();
    res.type(metrics.register.contentType).send(await metrics.register.metrics());
  });
  app.use(pageRouter([...origins]));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  const server = http.createServer(app);
  server.headersTimeout = limits.handshakeMs;
  server.requestTimeout = limits.handshakeMs * 2;

  const clientIp = (req: http.IncomingMessage): string => {
    const remote = req.socket.remoteAddress ?? '?';
    const fwd = req.headers['x-forwarded-for'];
    if (opts.trustLoopbackProxy && typeof fwd === 'string' && isLoopback(remote)) return fwd.split(',')[0]!.trim();
    return remote;
  };

  /** Cheap checks, synchronous: nothing of the ticket is trusted yet. */
  const preflight = (req: http.IncomingMessage, url: URL, ip: string): TicketClaims => {
    if (!limiter.take(ip)) throw new Refusal(429, 'rate_limited', 'Too many console connections; wait a moment');
    const pathService = WS_PATH.exec(url.pathname)?.[1];
    if (!pathService) throw new Refusal(404, 'bad_path', 'Not found');
    const key = req.headers['sec-websocket-key'];
    if (
      req.method !== 'GET' ||
      req.headers.upgrade?.toLowerCase() !== 'websocket' ||
      req.headers['sec-websocket-version'] !== '13' ||
      !key ||
      !/^[+/0-9A-Za-z]{22}==$/.test(key)
    ) {
      throw new Refusal(400, 'bad_handshake', 'Not a WebSocket version 13 handshake');
    }
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) throw new Refusal(403, 'origin', 'Origin not allowed');
    const offered = offeredProtocols(req);
    if (offered.length && !offered.includes('binary')) throw new Refusal(400, 'subprotocol', 'Subprotocol must be binary or none');
    const ticket = url.searchParams.get('ticket') ?? '';
    const v = verifyTicket(opts.ticketKeys, ticket);
    if (!v.ok)
      throw new Refusal(
        403,
        `ticket_${v.reason}`,
        v.reason === 'expired' ? 'Console link expired; open the console again' : 'Invalid console ticket',
      );
    if (v.claims.sid !== Number(pathService)) throw new Refusal(403, 'ticket_other_service', 'Invalid console ticket');
    return v.claims;
  };

  const reserve = (claims: TicketClaims): (() => void) => {
    if (sessions.size + reserved >= limits.maxSessions) throw new Refusal(503, 'global_cap', 'Too many console sessions on this proxy');
    const n = perService.get(claims.sid) ?? 0;
    if (n >= limits.maxSessionsPerService) throw new Refusal(429, 'service_cap', 'Too many console sessions for this service');
    perService.set(claims.sid, n + 1);
    reserved++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      reserved--;
      const left = (perService.get(claims.sid) ?? 1) - 1;
      if (left > 0) perService.set(claims.sid, left);
      else perService.delete(claims.sid);
    };
  };

  const onUpgrade = async (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const started = Date.now();
    const ip = clientIp(req);
    socket.on('error', () => socket.destroy());
    let upstream: Duplex | undefined;
    let release: (() => void) | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      upstream?.destroy();
      release?.();
      metrics.refusals.inc({ reason: 'handshake_timeout' });
      socket.destroy();
    }, limits.handshakeMs);
    try {
      const url = new URL(req.url ?? '/', 'http://proxy.invalid');
      const claims = preflight(req, url, ip);
      release = reserve(claims);
      const allowed = await allowlist.check(
        claims.srv,
        claims.host,
        claims.mode === 'pve-websocket' ? (claims.apiPort ?? 0) : claims.port,
        claims.mode === 'pve-websocket' ? 'api' : 'console',
      );
      if (!allowed.ok) throw new Refusal(403, allowed.reason, 'Console upstream not allowed');
      if (claims.mode === 'pve-websocket' && (claims.port < 5900 || claims.port > 5999))
        throw new Refusal(403, 'port_not_allowed', 'Console upstream not allowed');
      if (!(await jtiStore.consume(claims.jti, claims.exp)))
        throw new Refusal(403, 'ticket_reused', 'This console link was already used; open the console again');
      if (timedOut) return;
      if (socket.destroyed) throw new Refusal(400, 'client_gone', 'Client went away');
      upstream = await dialUpstream(claims, allowed.address, limits.upstreamConnectMs, opts.credentials).catch((err: unknown) => {
        if (err instanceof UpstreamError)
          throw new Refusal(err.reason === 'upstream_timeout' ? 504 : 502, err.reason, 'The console is not reachable');
        throw err;
      });
      if (timedOut) return void upstream.destroy();
      clearTimeout(timer);
      release();
      // The handshake was validated in preflight (key format, version 13, subprotocol).
      const browser = socket as net.Socket;
      browser.setTimeout(0);
      browser.setNoDelay(true);
      browser.write(handshakeResponse(req.headers['sec-websocket-key']!, offeredProtocols(req).includes('binary') ? 'binary' : undefined));
      const id = nextId++;
      const s = relay(id, claims, browser, head, upstream, {
        highWaterMark: limits.highWaterMark,
        maxPayload: limits.maxPayload,
        onEnd: (rec) => ended(rec),
      });
      sessions.set(id, s);
      perService.set(claims.sid, (perService.get(claims.sid) ?? 0) + 1);
      metrics.active.set(sessions.size);
      metrics.setupSeconds.observe((Date.now() - started) / 1000);
      log.debug({ session: id, service: claims.sid, vmid: claims.vmid }, 'console session started');
    } catch (err) {
      clearTimeout(timer);
      upstream?.destroy();
      release?.();
      const r = err instanceof Refusal ? err : new Refusal(500, 'internal', 'Internal error');
      if (!(err instanceof Refusal)) log.error({ err }, 'console upgrade failed');
      metrics.refusals.inc({ reason: r.reason });
      log.info({ event: 'console_refused', ip, reason: r.reason, status: r.status }, 'console upgrade refused');
      refuseSocket(socket, r);
    }
  };

  const ended = (s: SessionRecord) => {
    if (!sessions.delete(s.id)) return;
    const left = (perService.get(s.claims.sid) ?? 1) - 1;
    if (left > 0) perService.set(s.claims.sid, left);
    else perService.delete(s.claims.sid);
    const durationMs = Date.now() - s.startedAt;
    metrics.active.set(sessions.size);
    metrics.sessions.inc({ reason: s.closeReason ?? 'unknown' });
    metrics.bytes.inc({ direction: 'up' }, s.bytesUp);
    metrics.bytes.inc({ direction: 'down' }, s.bytesDown);
    metrics.durationSeconds.observe(durationMs / 1000);
    const c = s.claims;
    log.info(
      {
        event: 'console_session',
        session: s.id,
        service: c.sid,
        vmid: c.vmid,
        node: c.node,
        upstream: `${c.host}:${c.port}`,
        mode: c.mode,
        bytesUp: s.bytesUp,
        bytesDown: s.bytesDown,
        durationMs,
        closeReason: s.closeReason,
      },
      'console session ended',
    );
  };

  server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));

  // One sweeper for all sessions (cheaper than timers per session): idle, lifetime, liveness.
  let lastPing = Date.now();
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      const pingDue = now - lastPing >= limits.pingMs;
      if (pingDue) lastPing = now;
      for (const s of sessions.values()) {
        if (now - s.lastActivity > limits.idleMs) s.close(Close.goingAway, 'idle timeout');
        else if (now - s.startedAt > limits.maxSessionMs) s.close(Close.goingAway, 'session lifetime reached');
        else if (pingDue && !s.ping()) s.close(Close.goingAway, 'no pong');
      }
    },
    Math.max(50, Math.min(1000, limits.idleMs / 4, limits.pingMs / 2)),
  );
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    server,
    metrics,
    sessions,
    setAllowlist: (a) => void (allowlist = a),
    async close() {
      clearInterval(sweeper);
      for (const s of sessions.values()) s.close(Close.goingAway, 'proxy shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await jtiStore.close?.();
    },
  };
}

/** `binary` is echoed when offered; none otherwise (plain noVNC offers none). */
function offeredProtocols(req: http.IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function isLoopback(ip: string): boolean {
  try {
    return ipaddr.process(ip).range() === 'loopback';
  } catch {
    return false;
  }
}

/** Metrics are for the operator's network, not the internet. */
function trustedScraper(ip: string | undefined): boolean {
  try {
    return ['loopback', 'private', 'uniqueLocal'].includes(ipaddr.process(ip ?? '').range());
  } catch {
    return false;
  }
}
