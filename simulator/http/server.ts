// The HTTP(S) front of the simulator: auth, faults, schema validation, dispatch, envelope and
// Proxmox-style errors (reason phrase in the status line), plus the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchRoute } from '../validate/schema.ts';
import { validateParams } from '../validate/check.ts';
import { PveError } from './errors.ts';
import { Envelope, Params, type Routes, type SimServices } from './context.ts';
import { handleControl } from './control.ts';

export interface RequestLogEntry {
  method: string;
  path: string;
  params: Record<string, unknown>;
  status: number;
  time: number;
}

export interface ServerOptions {
  services: SimServices;
  routes: Routes;
  tokenId: string;
  secret: string;
  requestLog: RequestLogEntry[];
  authFailDelayMs: number;
  maxLog?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reason(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 512);
}

function send(res: ServerResponse, status: number, body: unknown, message?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.statusCode = status;
  if (message) res.statusMessage = reason(message);
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) reject(new PveError(413, 'request too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function formToObject(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Token check as pve-http-server extract_auth_value + pve-access-control verify_token. */
function authenticate(header: string | undefined, tokenId: string, secret: string): { user?: string; error?: string } {
  if (!header) return { error: 'No ticket' };
  const m = /^PVEAPIToken[= ](.+)$/.exec(header.trim());
  if (!m) return { error: 'No ticket' };
  const value = m[1]!;
  const cut = value.lastIndexOf('=');
  if (cut < 0 || value.slice(0, cut) !== tokenId || value.slice(cut + 1) !== secret) return { error: 'Authentication failed!' };
  return { user: tokenId };
}

export function createHandler(opts: ServerOptions) {
  const { services, routes, requestLog } = opts;
  const maxLog = opts.maxLog ?? 20_000;
  const log = (e: RequestLogEntry) => {
    requestLog.push(e);
    if (requestLog.length > maxLog) requestLog.splice(0, requestLog.length - maxLog);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim');
    const auth = authenticate(req.headers.authorization, opts.tokenId, opts.secret);
    if (!auth.user) {
      await sleep(opts.authFailDelayMs);
      res.statusCode = 401;
      res.statusMessage = auth.error!;
      res.end();
      log({ method, path: url.pathname, params: {}, status: 401, time: Date.now() });
      return;
    }
    if (url.pathname.startsWith('/__sim/')) return handleControl(req, res, url, services, requestLog, readBody, send);

    const path = url.pathname.replace(/^\/api2\/json/, '');
    let params: Record<string, unknown> = {};
    let status = 200;
    try {
      const fault = services.faults.forRequest(method, path);
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.hangMs !== undefined) {
        status = 0;
        setTimeout(() => req.socket.destroy(), fault.hangMs).unref();
        return;
      }
      if (fault.error) throw new PveError(fault.error.status, fault.error.message);
      if (!url.pathname.startsWith('/api2/json/')) throw new PveError(501, `Method '${method} ${url.pathname}' not implemented`);
      const route = matchRoute(method, path);
      if (!route?.endpoint) throw new PveError(501, `Method '${method} ${path}' not implemented`);
      const text = method === 'GET' ? '' : await readBody(req);
      const json = /application\/json/.test(req.headers['content-type'] ?? '');
      const body = text ? (json ? (JSON.parse(text) as Record<string, unknown>) : formToObject(text)) : {};
      params = { ...body, ...formToObject(url.search.slice(1)) };
      const conflicts: Record<string, string> = {};
      for (const [k, v] of Object.entries(route.pathParams)) {
        if (params[k] !== undefined && String(params[k]) !== v) conflicts[k] = 'value conflicts with path';
        params[k] = v;
      }
      if (Object.keys(conflicts).length) throw new PveError(400, 'Parameter verification failed.', conflicts);
      const { values, errors } = validateParams(route.endpoint, params, json);
      if (Object.keys(errors).length) throw new PveError(400, 'Parameter verification failed.', errors);
      const node = route.pathParams.node;
      if (node && services.state.downNodes.has(node)) throw new PveError(595, `No route to host`);
      if (node && !services.state.hasNode(node))
        throw new PveError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
      const handler = routes[`${method} ${route.template}`];
      if (!handler) throw new PveError(501, `Method '${method} ${path}' not implemented`);
      services.state.advance();
      const out = await handler({ ...services, p: new Params(values), user: auth.user });
      if (method !== 'GET') services.state.onChange();
      if (out instanceof Envelope) send(res, 200, { ...out.extra, data: out.data ?? null });
      else send(res, 200, { data: out ?? null });
    } catch (err) {
      const e =
        err instanceof PveError ? err : new PveError(500, err instanceof SyntaxError ? 'malformed JSON body' : (err as Error).message);
      status = e.status;
      const body: Record<string, unknown> = { data: null, message: `${e.message}\n` };
      if (e.errors) body.errors = e.errors;
      send(res, e.status, body, e.message);
    } finally {
      log({ method, path, params, status: status === 0 ? 0 : res.statusCode, time: Date.now() });
    }
  };
}
