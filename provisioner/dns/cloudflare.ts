// Cloudflare API v4 (reference §1): bearer token, the zone found by name (`GET /zones?name=`)
// unless its id is configured, records one per value with ids, paged lists, the
// {success, errors, messages, result, result_info} envelope. A/AAAA stay proxied:false so DNS
// answers with the VM's own address.
import { classify, request, type HttpReply } from './http.ts';
import { normName } from './names.ts';
import { DnsError, type DnsProvider, type ProviderOptions, type ProviderRecord, type RecordType, type ZoneConfig } from './types.ts';

export const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';

interface Envelope<T> {
  success: boolean;
  errors?: Array<{ code: number; message: string }>;
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages?: number };
}

function check<T>(r: HttpReply): Envelope<T> {
  const body = (r.headers.get('content-type') ?? '').includes('json') ? (r.json() as Envelope<T>) : undefined;
  if (r.status >= 200 && r.status < 300 && body?.success) return body;
  const errs = (body?.errors ?? []).map((e) => `${e.code} ${e.message}`).join('; ') || r.text.slice(0, 200) || `HTTP ${r.status}`;
  const e = classify(r.status, `Cloudflare: ${errs}`);
  // 10000 "Authentication error" arrives as 400 on some paths; 81044 is "Record does not exist".
  if (body?.errors?.some((x) => x.code === 10000 || x.code === 1000)) throw new DnsError('auth', e.message, r.status);
  if (body?.errors?.some((x) => x.code === 81044)) throw new DnsError('not_found', e.message, r.status);
  throw e;
}

interface CfRecord {
  id: string;
  type: string;
  name: string;
  content: string;
}

const PAGE = 100;

export function cloudflareProvider(zone: ZoneConfig, o: ProviderOptions = {}): DnsProvider {
  const base = String(zone.settings.apiUrl || CLOUDFLARE_API).replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${zone.secrets.apiToken ?? ''}`, 'Content-Type': 'application/json' };
  let zoneId = zone.settings.zoneId || undefined;

  const call = <T>(path: string, init: RequestInit = {}) => request(`${base}${path}`, { ...init, headers }, o, (r) => check<T>(r));

  async function id(): Promise<string> {
    if (zoneId) return zoneId;
    const r = await call<Array<{ id: string; name: string }>>(`/zones?name=${encodeURIComponent(normName(zone.name))}&per_page=5`);
    const hit = r.result.filter((z) => normName(z.name) === normName(zone.name));
    if (hit.length !== 1) throw new DnsError('not_found', `Cloudflare: zone ${normName(zone.name)} not found for this token`);
    zoneId = hit[0]!.id;
    return zoneId;
  }

  const toRecord = (r: CfRecord): ProviderRecord => ({
    id: r.id,
    name: normName(r.name),
    type: r.type as RecordType,
    content: r.type === 'PTR' ? normName(r.content) : r.content,
  });

  const body = (rec: { name: string; type: RecordType; content: string; ttl: number }) =>
    JSON.stringify({
      type: rec.type,
      name: normName(rec.name),
      content: rec.type === 'PTR' ? normName(rec.content) : rec.content,
      ttl: rec.ttl,
      ...(rec.type !== 'PTR' && { proxied: false }),
      comment: 'pvebridge',
    });

  return {
    async test() {
      const v = await call<{ status: string }>('/user/tokens/verify');
      if (v.result.status !== 'active') throw new DnsError('auth', `Cloudflare: the API token is ${v.result.status}`);
      await id();
      return `Cloudflare token active, zone ${normName(zone.name)} found`;
    },
    async list(name, type) {
      const z = await id();
      const out: ProviderRecord[] = [];
      for (let page = 1; page <= 1000; page++) {
        const q = `type=${type}&name=${encodeURIComponent(normName(name))}&page=${page}&per_page=${PAGE}`;
        const r = await call<CfRecord[]>(`/zones/${z}/dns_records?${q}`);
        out.push(...r.result.map(toRecord));
        const info = r.result_info;
        if (r.result.length < PAGE || (info?.total_pages !== undefined && page >= info.total_pages)) break;
      }
      return out.filter((r) => r.name === normName(name) && r.type === type);
    },
    async create(rec) {
      return toRecord((await call<CfRecord>(`/zones/${await id()}/dns_records`, { method: 'POST', body: body(rec) })).result);
    },
    async update(existing, rec) {
      const path = `/zones/${await id()}/dns_records/${existing.id}`;
      return toRecord((await call<CfRecord>(path, { method: 'PUT', body: body(rec) })).result);
    },
    async remove(existing) {
      try {
        await call(`/zones/${await id()}/dns_records/${existing.id}`, { method: 'DELETE' });
      } catch (err) {
        if (!(err instanceof DnsError && err.kind === 'not_found')) throw err;
      }
    },
  };
}
