// PowerDNS Authoritative 4.x HTTP API (reference §2): X-API-Key, absolute names with trailing
// dots, records as RRsets changed by PATCH with changetype REPLACE (the whole set) or DELETE.
// A record's handle is `name|type|content` since RRsets have no per-record id. The zone id is
// the one the server returns for `?zone=<name.>` (a `/` in RFC 2317 names becomes `=2F`).
import { classify, request, type HttpReply } from './http.ts';
import { normName } from './names.ts';
import { DnsError, type DnsProvider, type ProviderOptions, type ProviderRecord, type RecordType, type ZoneConfig } from './types.ts';

const dot = (n: string) => `${normName(n)}.`;

function errorOf(r: HttpReply): DnsError {
  let msg = r.text.trim().slice(0, 300) || `HTTP ${r.status}`;
  if ((r.headers.get('content-type') ?? '').includes('json')) {
    const body = r.json() as { error?: string };
    if (body.error) msg = body.error;
  }
  if (r.status === 401) msg = 'bad API key (PowerDNS answered 401 Unauthorized)';
  return classify(r.status, `PowerDNS: ${msg}`);
}

const ok = (r: HttpReply) => {
  if (r.status >= 200 && r.status < 300) return r;
  throw errorOf(r);
};

interface RRset {
  name: string;
  type: string;
  ttl: number;
  records: Array<{ content: string; disabled?: boolean }>;
}

export function powerDnsProvider(zone: ZoneConfig, o: ProviderOptions = {}): DnsProvider {
  const base = `${String(zone.settings.url ?? '').replace(/\/+$/, '')}/api/v1/servers/localhost`;
  const headers = { 'X-API-Key': zone.secrets.apiKey ?? '', 'Content-Type': 'application/json', Accept: 'application/json' };
  let zoneId: string | undefined;

  const call = (path: string, init: RequestInit = {}) => request(`${base}${path}`, { ...init, headers }, o, ok);

  async function id(): Promise<string> {
    if (zoneId) return zoneId;
    const found = (await call(`/zones?zone=${encodeURIComponent(dot(zone.name))}`)).json() as Array<{ id: string }>;
    if (!found.length) throw new DnsError('not_found', `PowerDNS: zone ${dot(zone.name)} does not exist on the server`);
    zoneId = found[0]!.id;
    return zoneId;
  }

  async function rrset(name: string, type: RecordType): Promise<RRset | undefined> {
    const z = encodeURIComponent(await id());
    const q = `rrset_name=${encodeURIComponent(dot(name))}&rrset_type=${type}`;
    const body = (await call(`/zones/${z}?${q}`)).json() as { rrsets?: RRset[] };
    return (body.rrsets ?? []).find((s) => normName(s.name) === normName(name) && s.type === type);
  }

  const value = (type: RecordType, content: string) => (type === 'PTR' ? dot(content) : content);
  const toRecord = (name: string, type: RecordType, content: string): ProviderRecord => {
    const c = type === 'PTR' ? normName(content) : content;
    return { id: `${normName(name)}|${type}|${c}`, name: normName(name), type, content: c };
  };

  async function replace(name: string, type: RecordType, ttl: number, contents: string[]): Promise<void> {
    const z = encodeURIComponent(await id());
    const set = contents.length
      ? { name: dot(name), type, ttl, changetype: 'REPLACE', records: contents.map((c) => ({ content: value(type, c), disabled: false })) }
      : { name: dot(name), type, changetype: 'DELETE' };
    await call(`/zones/${z}`, { method: 'PATCH', body: JSON.stringify({ rrsets: [set] }) });
  }

  const contentsOf = (s: RRset | undefined, type: RecordType) =>
    (s?.records ?? []).map((r) => (type === 'PTR' ? normName(r.content) : r.content));

  return {
    async test() {
      const server = (await call('')).json() as { version?: string };
      await id();
      return `PowerDNS ${server.version ?? ''} reachable, key accepted, zone ${dot(zone.name)} found`.replace('  ', ' ');
    },
    async list(name, type) {
      const s = await rrset(name, type);
      return contentsOf(s, type).map((c) => toRecord(name, type, c));
    },
    async create(rec) {
      const have = contentsOf(await rrset(rec.name, rec.type), rec.type);
      const want = rec.type === 'PTR' ? normName(rec.content) : rec.content;
      // A PTR name holds one value; A/AAAA sets grow by the new address.
      const next = rec.type === 'PTR' ? [want] : [...have.filter((c) => c !== want), want];
      await replace(rec.name, rec.type, rec.ttl, next);
      return toRecord(rec.name, rec.type, want);
    },
    async update(existing, rec) {
      const have = contentsOf(await rrset(rec.name, rec.type), rec.type);
      const want = rec.type === 'PTR' ? normName(rec.content) : rec.content;
      const next = [...have.filter((c) => c !== existing.content && c !== want), want];
      await replace(rec.name, rec.type, rec.ttl, next);
      return toRecord(rec.name, rec.type, want);
    },
    async remove(existing) {
      const s = await rrset(existing.name, existing.type);
      const have = contentsOf(s, existing.type);
      if (!have.includes(existing.content)) return;
      await replace(
        existing.name,
        existing.type,
        s?.ttl ?? zone.ttl,
        have.filter((c) => c !== existing.content),
      );
    },
  };
}
