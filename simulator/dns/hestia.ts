// A HestiaCP API simulator (reference §3, web/api/index.php at d128cc6f): POST /api/ with cmd +
// arg1…, form or JSON bodies; access keys (`hash=ACCESS:SECRET`, or access_key/secret_key) or the
// legacy admin user + password. Answers like the access-key path: Hestia-Exit-Code header, the
// HTTP status mapped from the exit code, 204 for silent success, `Error: …` texts. The DNS
// commands keep Hestia's quirks: add returns no id and has no duplicate check, change answers
// exit 4 when nothing changes, delete refuses the domain's last A or NS record (exit 2).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HestiaRecord {
  ID: string;
  RECORD: string;
  TYPE: string;
  PRIORITY: string;
  VALUE: string;
  SUSPENDED: string;
  TTL: string;
}

const HTTP_OF: Record<number, number> = { 0: 200, 1: 400, 2: 422, 5: 401, 6: 401, 9: 401, 10: 401, 11: 400, 21: 401 };
const USAGE: Record<string, [number, string]> = {
  'v-list-dns-domains': [1, 'USER [FORMAT]'],
  'v-list-dns-records': [2, 'USER DOMAIN [FORMAT]'],
  'v-add-dns-record': [5, 'USER DOMAIN RECORD TYPE VALUE [PRIORITY] [ID] [RESTART] [TTL]'],
  'v-change-dns-record': [6, 'USER DOMAIN ID RECORD TYPE VALUE [PRIORITY] [RESTART] [TTL]'],
  'v-delete-dns-record': [3, 'USER DOMAIN ID [RESTART]'],
};

export interface HestiaSim {
  url: string;
  user: string;
  accessKey: string;
  secretKey: string;
  adminPassword: string;
  /** domain → id → record, for the simulated user. */
  domains: Map<string, Map<string, HestiaRecord>>;
  addDomain(name: string, ip?: string): void;
  records(domain: string): HestiaRecord[];
  requestLog: Array<{ cmd: string; code: number; status: number }>;
  faults: { down: boolean; fail(status: number, times?: number): void; clear(): void };
  close(): Promise<void>;
}

const rand = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 34)]).join('');
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export async function startHestiaSim(o: { user?: string } = {}): Promise<HestiaSim> {
  const user = o.user ?? 'vmdns';
  const accessKey = rand(20);
  const secretKey = rand(40);
  const adminPassword = `pw-${rand(12)}`;
  const domains: HestiaSim['domains'] = new Map();
  const requestLog: HestiaSim['requestLog'] = [];
  let pending: Array<{ status: number; times: number }> = [];
  const faults = {
    down: false,
    fail: (status: number, times = 1) => void pending.push({ status, times }),
    clear: () => {
      pending = [];
      faults.down = false;
    },
  };

  function exec(cmd: string, a: string[]): [number, string] {
    const u = USAGE[cmd];
    if (!u) return [2, `Error: command ${cmd} invalid`];
    if (a.filter((x) => x !== '').length < u[0]) return [1, `Usage: ${cmd} ${u[1]}`];
    if (a[0] !== user) return [3, `Error: user ${a[0]} doesn't exist`];
    if (cmd === 'v-list-dns-domains') {
      const out: Record<string, Record<string, string>> = {};
      for (const [d, recs] of domains)
        out[d] = { IP: '192.0.2.1', TPL: 'default', TTL: '14400', RECORDS: String(recs.size), SUSPENDED: 'no' };
      return [0, JSON.stringify(out, null, 2)];
    }
    const domain = String(a[1])
      .toLowerCase()
      .replace(/^\.+|\.+$/g, '');
    const recs = domains.get(domain);
    if (!recs) return [3, `Error: dns domain ${domain} doesn't exist`];
    if (cmd === 'v-list-dns-records') return [0, JSON.stringify(Object.fromEntries(recs), null, 2)];
    const validate = (rec: string, type: string, value: string): string | undefined => {
      if (/[!#$^&()+={}:<>?/\\"';% `]/.test(rec) || /\.\.|--|__/.test(rec)) return `invalid record format :: ${rec}`;
      if (type === 'A' && !IPV4.test(value)) return `invalid A record format :: ${value}`;
      if (type === 'AAAA' && !/^[0-9a-f:]+$/i.test(value)) return `invalid AAAA record format :: ${value}`;
      if (type === 'PTR' && value.replace(/\.$/, '').split('.').length < 2)
        return `PTR record ${value} should be a fully qualified domain name (FQDN)`;
      return undefined;
    };
    const fqdnValue = (type: string, v: string) => (['PTR', 'NS', 'CNAME', 'MX', 'SRV'].includes(type) && !v.endsWith('.') ? `${v}.` : v);
    if (cmd === 'v-add-dns-record') {
      const [rec, type, value, , id, , ttl] = [a[2]!.toLowerCase(), a[3]!.toUpperCase(), a[4]!, a[5], a[6], a[7], a[8]];
      const bad = validate(rec, type, value);
      if (bad) return [2, `Error: ${bad}`];
      const next = id || String(Math.max(0, ...[...recs.keys()].map(Number)) + 1);
      if (recs.has(next)) return [4, `Error: ID=${next} already exists`];
      recs.set(next, {
        ID: next,
        RECORD: rec,
        TYPE: type,
        PRIORITY: '',
        VALUE: fqdnValue(type, value),
        SUSPENDED: 'no',
        TTL: ttl || '14400',
      });
      return [0, ''];
    }
    const existing = recs.get(String(a[2]));
    if (!existing) return [3, `Error: ${domain} id ${a[2]} doesn't exist`];
    if (cmd === 'v-change-dns-record') {
      const [rec, type, value, ttl] = [a[3]!, (a[4] || existing.TYPE).toUpperCase(), a[5]!, a[8]];
      const bad = validate(rec, type, value);
      if (bad) return [2, `Error: ${bad}`];
      const next = { ...existing, RECORD: rec, TYPE: type, VALUE: fqdnValue(type, value), TTL: ttl || existing.TTL, SUSPENDED: 'no' };
      if (JSON.stringify(next) === JSON.stringify(existing)) return [4, 'No pending changes in DNS entry.'];
      recs.set(existing.ID, next);
      return [0, ''];
    }
    // v-delete-dns-record: is_dns_record_critical counts the type in the whole domain.
    if ((existing.TYPE === 'A' || existing.TYPE === 'NS') && [...recs.values()].filter((r) => r.TYPE === existing.TYPE).length <= 1)
      return [2, `Error: at least one ${existing.TYPE} record should remain active`];
    recs.delete(existing.ID);
    return [0, ''];
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (faults.down) return void req.socket.destroy();
      const reply = (status: number, code: number, text: string, cmd = '') => {
        requestLog.push({ cmd, code, status });
        res.writeHead(status, {
          'Hestia-Exit-Code': String(code),
          'content-type': text.startsWith('{') ? 'application/json' : 'text/plain',
        });
        res.end(status === 204 ? undefined : text);
      };
      const f = pending[0];
      if (f) {
        if (--f.times <= 0) pending.shift();
        return reply(f.status, f.status === 401 ? 9 : 15, f.status === 401 ? 'Error: authentication failed' : 'Error: service unavailable');
      }
      if (req.method !== 'POST' || !/^\/api\/?$/.test(new URL(req.url ?? '/', 'http://x').pathname))
        return reply(405, 2, 'Error: method not allowed');
      let p: Record<string, string>;
      const form = Object.fromEntries(new URLSearchParams(raw));
      if (form.access_key || form.user || form.hash) p = form;
      else {
        try {
          p = JSON.parse(raw) as Record<string, string>;
        } catch {
          return reply(
            405,
            2,
            'Error: data received is null or invalid, check https://hestiacp.com/docs/server-administration/rest-api.html',
          );
        }
      }
      let [ak, sk] = [p.access_key, p.secret_key];
      if (!ak && p.hash && p.hash.split(':').length === 2) [ak, sk] = p.hash.split(':');
      const authed = ak ? ak === accessKey && sk === secretKey : p.user === 'admin' && p.password === adminPassword;
      if (!authed) return reply(401, 9, 'Error: authentication failed', p.cmd ?? '');
      if (!p.cmd) return reply(400, 2, 'Error: Command not provided');
      if (!/^[a-zA-Z0-9_-]+$/.test(p.cmd)) return reply(422, 2, `Error: ${p.cmd} command invalid`, p.cmd);
      const args = Array.from({ length: 13 }, (_, i) => String(p[`arg${i + 1}`] ?? '').trim());
      const [code, text] = exec(p.cmd, args);
      if (p.returncode === 'yes') return reply(200, code, String(code), p.cmd);
      reply(code === 0 ? (text ? 200 : 204) : (HTTP_OF[code] ?? 400), code, text, p.cmd);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    user,
    accessKey,
    secretKey,
    adminPassword,
    domains,
    requestLog,
    faults,
    addDomain(name, ip = '192.0.2.1') {
      // The default template leaves an apex A and NS records (which the API may never delete).
      domains.set(
        name,
        new Map([
          ['1', { ID: '1', RECORD: '@', TYPE: 'NS', PRIORITY: '', VALUE: 'ns1.example.net.', SUSPENDED: 'no', TTL: '14400' }],
          ['2', { ID: '2', RECORD: '@', TYPE: 'A', PRIORITY: '', VALUE: ip, SUSPENDED: 'no', TTL: '14400' }],
        ]),
      );
    },
    records: (d) => [...(domains.get(d)?.values() ?? [])],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
