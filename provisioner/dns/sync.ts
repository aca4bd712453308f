// The DNS layer the pipelines call. sync() makes a VM's records what they should be — A/AAAA
// for its FQDN in the longest matching forward zone, a PTR per address in the longest covering
// reverse zone — creating missing records, fixing wrong ones and deleting stale ones, but only
// records pvebridge created (tracked in mod_pvebridge_dns_records). A record at the same name
// that someone else made is reported and left alone. removeAll() deletes every record we made
// for a service. Provider errors never throw out of here (invariant 6): each record's outcome is
// one line (`· fwd OK vm1.example.com A 192.0.2.10 [powerdns example.com]`, `· ptr FAIL …
// (reason)`); after a zone's credentials or reachability fail, its other records fail fast.
import type { Db } from '../../common/db/connect.ts';
import { logModuleCall } from '../lifecycle/activity-log.ts';
import { canonicalIp, familyOf, forwardZonesFor, normName, ptrOwnerIn, reverseZonesFor } from './names.ts';
import { providerFor } from './providers.ts';
import { DnsError, type DnsProvider, type ProviderRecord, type RecordType, type ZoneConfig } from './types.ts';
import { RECORDS } from './zones.ts';

export interface DnsTarget {
  serviceId: number;
  fqdn: string;
  ips: string[];
  /** Custom PTR names by address (rDNS page / admin tab); the FQDN otherwise. */
  ptr?: Record<string, string>;
}

export interface DnsReport {
  zones: number;
  ok: number;
  errors: number;
  /** Records left alone because someone else's record holds the name. */
  conflicts: number;
  lines: string[];
}

export interface DnsLayer {
  sync(target: DnsTarget, say?: (line: string) => void): Promise<DnsReport>;
  removeAll(serviceId: number, say?: (line: string) => void): Promise<DnsReport>;
}

export interface DnsLayerOptions {
  /** Our database: the ledger of records we created (absent: nothing is tracked or synced). */
  db?: Db;
  zones: () => Promise<ZoneConfig[]>;
  /** Overrides the provider per zone (tests). */
  provider?: (zone: ZoneConfig) => DnsProvider;
}

interface Wanted {
  zone: ZoneConfig;
  type: RecordType;
  name: string;
  content: string;
}

interface Owned {
  id: number;
  zoneId: number;
  type: RecordType;
  name: string;
  content: string;
  providerId: string;
}

const dir = (t: RecordType) => (t === 'PTR' ? 'ptr' : 'fwd');
const same = (t: RecordType, a: string, b: string) => (t === 'PTR' ? normName(a) === normName(b) : canonicalIp(a) === canonicalIp(b));
const why = (err: unknown) => (err instanceof DnsError ? `${err.kind}: ${err.message}` : (err as Error).message);

/** Every record the target needs, in the zones it belongs to. */
export function wantedRecords(zones: ZoneConfig[], t: DnsTarget): Wanted[] {
  const out: Wanted[] = [];
  const host = normName(t.fqdn);
  for (const ip of t.ips) {
    if (host) for (const zone of forwardZonesFor(zones, host)) out.push({ zone, type: familyOf(ip), name: host, content: canonicalIp(ip) });
    const ptr = normName(t.ptr?.[ip] ?? '') || host;
    if (!ptr) continue;
    for (const zone of reverseZonesFor(zones, ip)) out.push({ zone, type: 'PTR', name: ptrOwnerIn(zone.name, ip)!, content: ptr });
  }
  return out;
}

async function ownedRecords(db: Db | undefined, serviceId: number): Promise<Owned[]> {
  if (!db || !(await db.schema.hasTable(RECORDS))) return [];
  const rows = (await db(RECORDS).where({ service_id: serviceId }).orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    zoneId: Number(r.zone_id),
    type: String(r.type) as RecordType,
    name: String(r.name),
    content: String(r.content),
    providerId: String(r.provider_id),
  }));
}

export function createDnsLayer(o: DnsLayerOptions): DnsLayer {
  const make = o.provider ?? ((z: ZoneConfig) => providerFor(z));

  function session(report: DnsReport, say: (l: string) => void) {
    const providers = new Map<number, DnsProvider>();
    const broken = new Map<number, string>();
    const line = (l: string) => (report.lines.push(l), say(l));
    const tag = (z: ZoneConfig | undefined) => (z ? ` [${z.type} ${z.name}]` : '');
    return {
      line,
      /** Runs one provider operation for a record and writes its line; never throws. */
      async op(
        verb: string,
        zone: ZoneConfig,
        r: { type: RecordType; name: string; content: string },
        fn: (p: DnsProvider) => Promise<string | void>,
      ) {
        const head = `· ${dir(r.type)}${verb} `;
        const what = `${r.name} ${r.type} ${r.content}${tag(zone)}`;
        const down = broken.get(zone.id);
        if (down) {
          report.errors++;
          line(`${head}FAIL ${what} (${down})`);
          return false;
        }
        try {
          let p = providers.get(zone.id);
          if (!p) providers.set(zone.id, (p = make(zone)));
          const note = await fn(p);
          if (note && note.startsWith('SKIP')) {
            report.conflicts++;
            line(`${head}SKIP ${what} (${note.slice(5)})`);
            return false;
          }
          report.ok++;
          line(`${head}OK ${what}${note ? ` (${note})` : ''}`);
          return true;
        } catch (err) {
          report.errors++;
          const reason = why(err);
          // Bad credentials, a rate limit or an unreachable server hold for the whole zone: its other
          // records fail fast instead of each waiting for timeouts and retries.
          if (err instanceof DnsError && (err.kind === 'auth' || err.kind === 'rate_limited' || /unreachable/.test(err.message)))
            broken.set(zone.id, reason);
          line(`${head}FAIL ${what} (${reason})`);
          return false;
        }
      },
    };
  }

  async function summary(serviceId: number, action: string, report: DnsReport) {
    if (o.db && report.errors + report.conflicts > 0)
      await logModuleCall(o.db, action, { serviceId }, report.lines.filter((l) => !/ OK /.test(l)).join('\n')).catch(() => false);
  }

  async function removeOwned(s: ReturnType<typeof session>, zones: Map<number, ZoneConfig>, rec: Owned) {
    const zone = zones.get(rec.zoneId);
    if (!zone) {
      await o.db!(RECORDS).where({ id: rec.id }).delete(); // its zone was removed from the config
      return;
    }
    await s.op('-del', zone, rec, async (p) => {
      const live = (await p.list(rec.name, rec.type)).find((l) => l.id === rec.providerId);
      if (live) await p.remove(live);
      await o.db!(RECORDS).where({ id: rec.id }).delete();
      return live ? undefined : 'already gone';
    });
  }

  return {
    async sync(t, say = () => {}) {
      const zones = await o.zones();
      const owned = await ownedRecords(o.db, t.serviceId);
      const report: DnsReport = { zones: zones.length, ok: 0, errors: 0, conflicts: 0, lines: [] };
      if (!zones.length && !owned.length) return report;
      const s = session(report, say);
      const byId = new Map(zones.map((z) => [z.id, z]));
      const ownedIds = new Set(owned.map((r) => `${r.zoneId}|${r.providerId}`));
      const kept = new Set<number>();
      for (const w of wantedRecords(zones, t)) {
        const mine = owned.find(
          (r) => r.zoneId === w.zone.id && r.type === w.type && r.name === w.name && same(w.type, r.content, w.content),
        );
        if (mine) kept.add(mine.id);
        await s.op('', w.zone, w, async (p) => {
          const live = await p.list(w.name, w.type);
          const input = { name: w.name, type: w.type, content: w.content, ttl: w.zone.ttl };
          const save = async (rec: ProviderRecord, id?: number) => {
            const now = Date.now();
            if (id) await o.db?.(RECORDS).where({ id }).update({ provider_id: rec.id, content: w.content, updated_at: now });
            else
              await o.db?.(RECORDS).insert({
                service_id: t.serviceId,
                zone_id: w.zone.id,
                type: w.type,
                name: w.name,
                content: w.content,
                provider_id: rec.id,
                created_at: now,
                updated_at: now,
              });
          };
          if (mine) {
            const at = live.find((l) => l.id === mine.providerId);
            if (at && same(w.type, at.content, w.content)) return 'unchanged';
            if (at) return save(await p.update(at, input), mine.id).then(() => 'fixed');
            return save(await p.create(input), mine.id).then(() => 're-created');
          }
          const foreign = live.filter((l) => !ownedIds.has(`${w.zone.id}|${l.id}`));
          if (foreign.length) return `SKIP a record not created by pvebridge holds this name: ${foreign.map((f) => f.content).join(', ')}`;
          await save(await p.create(input));
        });
      }
      for (const rec of owned) {
        if (kept.has(rec.id)) continue;
        // A PTR whose content changed was re-pointed above; the old row still goes.
        await removeOwned(s, byId, rec);
      }
      await summary(t.serviceId, 'dns_sync', report);
      return report;
    },
    async removeAll(serviceId, say = () => {}) {
      const zones = await o.zones();
      const owned = await ownedRecords(o.db, serviceId);
      const report: DnsReport = { zones: zones.length, ok: 0, errors: 0, conflicts: 0, lines: [] };
      const s = session(report, say);
      const byId = new Map(zones.map((z) => [z.id, z]));
      for (const rec of owned) await removeOwned(s, byId, rec);
      await summary(serviceId, 'dns_delete', report);
      return report;
    },
  };
}
