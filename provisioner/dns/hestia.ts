// HestiaCP HTTP API (reference §3): POST <url>/api/ with `cmd` + `arg1…`, authenticated by an
// access key pair (`hash=ACCESS:SECRET`) or, as the spec's form has it, the admin user and
// password. Names are relative to the domain. v-add-dns-record returns no id and has no
// duplicate check, so create lists before and after and takes the new row; v-change-dns-record
// answers exit 4 when nothing changes (treated as done); v-delete-dns-record refuses the last A
// or NS record of a domain (exit 2), which is reported, never retried.
import { request, type HttpReply } from './http.ts';
import { normName, relativeName } from './names.ts';
import {
  DnsError,
  type DnsErrorKind,
  type DnsProvider,
  type ProviderOptions,
  type ProviderRecord,
  type RecordType,
  type ZoneConfig,
} from './types.ts';

/** Exit code → our error kind (codes from func/main.sh; 14 load, 15 connect, 17 db, 20 restart). */
function kindOfExit(code: number, status: number): DnsErrorKind {
  if ([5, 6, 9, 10, 21].includes(code) || status === 401 || status === 403) return 'auth';
  if (code === 3) return 'not_found';
  if ([14, 15, 17, 20].includes(code) || status >= 500) return 'transient';
  return 'invalid';
}

interface Reply {
  code: number;
  text: string;
}

function read(r: HttpReply): Reply {
  const header = r.headers.get('hestia-exit-code');
  const code = header !== null ? Number(header) : r.status === 200 || r.status === 204 ? 0 : -1;
  if (r.status >= 500 && header === null) throw new DnsError('transient', `HestiaCP: HTTP ${r.status}`, r.status);
  if (r.status === 429) throw new DnsError('rate_limited', 'HestiaCP: too many requests', r.status);
  return { code, text: r.text.trim() };
}

interface HestiaRow {
  RECORD: string;
  TYPE: string;
  VALUE: string;
  ID: string;
}

export function hestiaProvider(zone: ZoneConfig, o: ProviderOptions = {}): DnsProvider {
  const url = `${String(zone.settings.url ?? '').replace(/\/+$/, '')}/api/`;
  const user = zone.settings.user ?? '';
  const domain = normName(zone.name);
  const auth: Record<string, string> = zone.secrets.accessKey
    ? { hash: `${zone.secrets.accessKey}:${zone.secrets.secretKey ?? ''}` }
    : { user: zone.settings.adminUser ?? 'admin', password: zone.secrets.adminPassword ?? '' };

  async function run(cmd: string, args: string[], okCodes: number[] = [0]): Promise<Reply> {
    const form = new URLSearchParams({ ...auth, cmd });
    args.forEach((a, i) => form.set(`arg${i + 1}`, a));
    const r = await request(
      url,
      { method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      o,
      read,
    );
    if (okCodes.includes(r.code)) return r;
    const status = r.code === -1 ? 0 : r.code;
    throw new DnsError(kindOfExit(status, 0), `HestiaCP ${cmd}: exit ${r.code}: ${r.text.slice(0, 200) || 'no output'}`);
  }

  async function rows(): Promise<HestiaRow[]> {
    const r = await run('v-list-dns-records', [user, domain, 'json']);
    return Object.values((r.text ? JSON.parse(r.text) : {}) as Record<string, HestiaRow>);
  }

  const abs = (rel: string) => (rel === '@' ? domain : `${normName(rel)}.${domain}`);
  const toRecord = (row: HestiaRow): ProviderRecord => ({
    id: String(row.ID),
    name: abs(row.RECORD),
    type: row.TYPE as RecordType,
    content: row.TYPE === 'PTR' ? normName(row.VALUE) : row.VALUE,
  });
  const value = (type: RecordType, content: string) => (type === 'PTR' ? `${normName(content)}.` : content);

  return {
    async test() {
      const r = await run('v-list-dns-domains', [user, 'json']);
      const domains = Object.keys((r.text ? JSON.parse(r.text) : {}) as Record<string, unknown>);
      if (!domains.includes(domain)) throw new DnsError('not_found', `HestiaCP: user ${user} has no DNS domain ${domain}`);
      return `HestiaCP reachable, credentials accepted, domain ${domain} found`;
    },
    async list(name, type) {
      return (await rows()).map(toRecord).filter((r) => r.name === normName(name) && r.type === type);
    },
    async create(rec) {
      const before = new Set((await rows()).map((r) => String(r.ID)));
      const rel = relativeName(rec.name, domain);
      await run('v-add-dns-record', [user, domain, rel, rec.type, value(rec.type, rec.content), '', '', '', String(rec.ttl)]);
      const want = rec.type === 'PTR' ? normName(rec.content) : rec.content;
      const added = (await rows())
        .map(toRecord)
        .find((r) => !before.has(r.id) && r.name === normName(rec.name) && r.type === rec.type && r.content === want);
      if (!added) throw new DnsError('invalid', `HestiaCP: ${rec.name} ${rec.type} was accepted but is not listed`);
      return added;
    },
    async update(existing, rec) {
      const rel = relativeName(rec.name, domain);
      await run(
        'v-change-dns-record',
        [user, domain, existing.id, rel, rec.type, value(rec.type, rec.content), '', '', String(rec.ttl)],
        [0, 4],
      );
      return { ...existing, content: rec.type === 'PTR' ? normName(rec.content) : rec.content };
    },
    async remove(existing) {
      const r = await run('v-delete-dns-record', [user, domain, existing.id], [0, 3]);
      void r;
    },
  };
}
