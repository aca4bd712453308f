// A Cloudflare API v4 simulator for the DNS calls pvebridge makes (GET /zones, dns_records CRUD,
// GET /user/tokens/verify). Every request is validated against the vendored schema subset
// (cloudflare-dns-openapi-subset.json, provenance inside): query parameters against the
// operation's parameter schemas, bodies against the per-record-type schema
// (dns-records_ARecord, …) as the subset's notes advise. Answers use Cloudflare's envelope,
// errors included (codes from reference §1.2). Faults: down (connections reset), a status for
// the next n matching requests (401, 429 with retry-after, 503).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';

const SPEC = JSON.parse(fs.readFileSync(new URL('./cloudflare-dns-openapi-subset.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean; schema: unknown }> }>>;
  components: unknown;
};

const ajv = new Ajv({ allErrors: true, unknownFormats: 'ignore', nullable: true } as ConstructorParameters<typeof Ajv>[0]);
ajv.addSchema(SPEC, 'cf.json');
// Query values arrive as strings: a second instance coerces them to the declared types.
const queryAjv = new Ajv({ allErrors: true, unknownFormats: 'ignore', coerceTypes: true } as ConstructorParameters<typeof Ajv>[0]);
const compiled = new Map<string, Ajv.ValidateFunction>();
const validator = (ref: string) => {
  let v = compiled.get(ref);
  if (!v) compiled.set(ref, (v = ajv.compile({ $ref: `cf.json${ref}` })));
  return v;
};

export interface CfRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied?: boolean;
  comment?: string | null;
  created_on: string;
  modified_on: string;
}

interface Fault {
  status: number;
  times: number;
  match?: RegExp;
}

export interface CloudflareSim {
  url: string;
  token: string;
  zones: Map<string, { id: string; name: string; records: Map<string, CfRecord> }>;
  addZone(name: string): string;
  records(zoneName: string): CfRecord[];
  requestLog: Array<{ method: string; path: string; status: number }>;
  faults: { down: boolean; fail(status: number, times?: number, match?: RegExp): void; clear(): void };
  close(): Promise<void>;
}

const hex = () => crypto.randomBytes(16).toString('hex');
type Msg = { code: number; message: string };

export async function startCloudflareSim(o: { token?: string } = {}): Promise<CloudflareSim> {
  const token = o.token ?? `cf-${hex()}`;
  const zones: CloudflareSim['zones'] = new Map();
  const requestLog: CloudflareSim['requestLog'] = [];
  let pending: Fault[] = [];
  const faults = {
    down: false,
    fail: (status: number, times = 1, match?: RegExp) => void pending.push({ status, times, ...(match && { match }) }),
    clear: () => {
      pending = [];
      faults.down = false;
    },
  };

  const envelope = (result: unknown, info?: Record<string, number>) => ({
    success: true,
    errors: [],
    messages: [],
    result,
    ...(info && { result_info: info }),
  });
  const failure = (errors: Msg[]) => ({ success: false, errors, messages: [], result: null });

  function route(method: string, path: string): { op: string; params: Record<string, string> } | undefined {
    for (const [p, ops] of Object.entries(SPEC.paths)) {
      if (!ops[method.toLowerCase()]) continue;
      const names: string[] = [];
      const re = new RegExp(`^${p.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
      const m = re.exec(path);
      if (m) return { op: p, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    }
    return undefined;
  }

  /** Query parameters against the operation's declared ones; unknown names are refused. */
  function checkQuery(op: string, method: string, q: URLSearchParams): Msg[] {
    const declared = (SPEC.paths[op]![method.toLowerCase()]!.parameters ?? []).filter((p) => p.in === 'query');
    const errs: Msg[] = [];
    for (const [k, raw] of q) {
      const p = declared.find((d) => d.name === k);
      if (!p) {
        errs.push({ code: 1004, message: `unknown query parameter ${k}` });
        continue;
      }
      const key = `${op} ${method} ${k}`;
      let v = compiled.get(key);
      if (!v) compiled.set(key, (v = queryAjv.compile({ components: SPEC.components, properties: { value: { allOf: [p.schema] } } })));
      if (!v({ value: raw })) errs.push({ code: 1004, message: `${k}: ${queryAjv.errorsText(v.errors)}` });
    }
    return errs;
  }

  function checkRecord(body: unknown, partial: boolean): Msg[] {
    const b = (body ?? {}) as Record<string, unknown>;
    const type = String(b.type ?? '');
    if (!/^[A-Z]+$/.test(type)) return partial ? [] : [{ code: 1004, message: 'DNS Validation Error: type is required' }];
    let v: Ajv.ValidateFunction;
    try {
      v = validator(`#/components/schemas/dns-records_${type}Record`);
    } catch {
      return [{ code: 1004, message: `DNS Validation Error: unsupported type ${type}` }];
    }
    if (!v(b)) return [{ code: 1004, message: `DNS Validation Error: ${ajv.errorsText(v.errors)}` }];
    if (type === 'A' && !/^(\d{1,3}\.){3}\d{1,3}$/.test(String(b.content)))
      return [{ code: 9005, message: 'Content for A record must be a valid IPv4 address.' }];
    if (type === 'AAAA' && !String(b.content).includes(':'))
      return [{ code: 9006, message: 'Content for AAAA record must be a valid IPv6 address.' }];
    return [];
  }

  function handle(
    method: string,
    url: URL,
    auth: string | undefined,
    body: unknown,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const r = route(method, url.pathname.replace(/^\/client\/v4/, ''));
    if (!r) return { status: 400, body: failure([{ code: 7003, message: `No route for the URI` }]) };
    const qErr = checkQuery(r.op, method, url.searchParams);
    if (qErr.length) return { status: 400, body: failure(qErr) };
    if (auth !== `Bearer ${token}`)
      return r.op === '/user/tokens/verify'
        ? { status: 401, body: failure([{ code: 1000, message: 'Invalid API Token' }]) }
        : { status: 403, body: failure([{ code: 10000, message: 'Authentication error' }]) };
    if (r.op === '/user/tokens/verify') return { status: 200, body: envelope({ id: hex(), status: 'active' }) };
    if (r.op === '/zones') {
      const name = url.searchParams.get('name');
      const all = [...zones.values()].filter((z) => !name || z.name === name);
      const [page, per] = [Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('per_page') ?? 20)];
      const slice = all
        .slice((page - 1) * per, page * per)
        .map((z) => ({ id: z.id, name: z.name, status: 'active', paused: false, type: 'full', name_servers: ['ns1.cloudflare.test'] }));
      return {
        status: 200,
        body: envelope(slice, {
          page,
          per_page: per,
          count: slice.length,
          total_count: all.length,
          total_pages: Math.ceil(all.length / per),
        }),
      };
    }
    const zone = zones.get(r.params.zone_id!);
    if (!zone)
      return {
        status: 400,
        body: failure([
          { code: 7003, message: `Could not route to /zones/${r.params.zone_id}/dns_records, perhaps your object identifier is invalid?` },
        ]),
      };
    const recs = zone.records;
    const full = (n: string) => (n === '@' ? zone.name : n.endsWith(zone.name) ? n : `${n}.${zone.name}`).toLowerCase();
    if (r.op === '/zones/{zone_id}/dns_records' && method === 'GET') {
      const q = url.searchParams;
      const list = [...recs.values()].filter(
        (x) =>
          (!q.get('type') || x.type === q.get('type')) &&
          (!q.get('name') || x.name === q.get('name')!.toLowerCase()) &&
          (!q.get('content') || x.content === q.get('content')),
      );
      const [page, per] = [Number(q.get('page') ?? 1), Number(q.get('per_page') ?? 100)];
      const slice = list.slice((page - 1) * per, page * per);
      return {
        status: 200,
        body: envelope(slice, {
          page,
          per_page: per,
          count: slice.length,
          total_count: list.length,
          total_pages: Math.max(1, Math.ceil(list.length / per)),
        }),
      };
    }
    const b = body as Partial<CfRecord>;
    const now = new Date().toISOString();
    if (method === 'POST' || method === 'PUT') {
      const errs = checkRecord(body, false);
      if (errs.length) return { status: 400, body: failure(errs) };
      const name = full(String(b.name));
      if (
        [...recs.values()].some((x) => x.id !== r.params.dns_record_id && x.type === b.type && x.name === name && x.content === b.content)
      )
        return { status: 400, body: failure([{ code: 81058, message: 'An identical record already exists.' }]) };
    }
    if (method === 'POST') {
      const rec: CfRecord = {
        id: hex(),
        type: b.type!,
        name: full(String(b.name)),
        content: String(b.content),
        ttl: b.ttl ?? 1,
        proxied: b.proxied ?? false,
        comment: b.comment ?? null,
        created_on: now,
        modified_on: now,
      };
      recs.set(rec.id, rec);
      return { status: 200, body: envelope(rec) };
    }
    const existing = recs.get(r.params.dns_record_id ?? '');
    if (!existing) return { status: 404, body: failure([{ code: 81044, message: 'Record does not exist.' }]) };
    if (method === 'GET') return { status: 200, body: envelope(existing) };
    if (method === 'DELETE') {
      recs.delete(existing.id);
      return { status: 200, body: envelope({ id: existing.id }) };
    }
    if (method === 'PATCH') {
      const errs = checkRecord({ ...existing, ...b }, true);
      if (errs.length) return { status: 400, body: failure(errs) };
    }
    const next = {
      ...(method === 'PATCH' ? existing : {}),
      ...b,
      id: existing.id,
      name: full(String(b.name ?? existing.name)),
      created_on: existing.created_on,
      modified_on: now,
    } as CfRecord;
    recs.set(existing.id, next);
    return { status: 200, body: envelope(next) };
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const log = (status: number) => requestLog.push({ method, path: url.pathname + url.search, status });
      if (faults.down) {
        log(0);
        req.socket.destroy();
        return;
      }
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        log(status);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const f = pending.find((x) => !x.match || x.match.test(`${method} ${url.pathname}`));
      if (f) {
        if (--f.times <= 0) pending = pending.filter((x) => x !== f);
        if (f.status === 429)
          return send(429, failure([{ code: 971, message: 'Please wait and consider throttling your request speed' }]), {
            'retry-after': '300',
          });
        if (f.status === 401) return send(401, failure([{ code: 10000, message: 'Authentication error' }]));
        return send(f.status, failure([{ code: 10001, message: 'service temporarily unavailable' }]));
      }
      let body: unknown;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, failure([{ code: 6007, message: 'Malformed JSON in request body' }]));
        }
      }
      const out = handle(method, url, req.headers.authorization, body);
      send(out.status, out.body, out.headers);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    token,
    zones,
    requestLog,
    faults,
    addZone(name) {
      const id = hex();
      zones.set(id, { id, name, records: new Map() });
      return id;
    },
    records: (name) => [...([...zones.values()].find((z) => z.name === name)?.records.values() ?? [])],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
