// The DNS layer seam: pipelines ask it to (re)write a VM's forward and reverse records. It
// matches the FQDN and every IP against the configured zones (spec §DNS Zones: suffix match for
// forward zones, any level of in-addr.arpa / ip6.arpa delegation for reverse) and hands each
// record to the zone's provider. Providers arrive in a later issue; with no zones configured the
// layer finds nothing to do. Provider errors never block a pipeline (invariant 6): they are
// reported per record.
import ipaddr from 'ipaddr.js';
import type { Db } from '../common/db/connect.ts';

export interface DnsZone {
  id: number;
  name: string;
  type: string;
}

export interface DnsRecord {
  zone: DnsZone;
  kind: 'A' | 'AAAA' | 'PTR';
  name: string;
  content: string;
}

export interface DnsProvider {
  upsert(zone: DnsZone, record: DnsRecord): Promise<void>;
}

export interface DnsReport {
  zones: number;
  ok: number;
  errors: number;
  lines: string[];
}

export interface DnsLayer {
  setRecords(vm: { fqdn: string; ips: string[] }, say?: (line: string) => void): Promise<DnsReport>;
}

const norm = (name: string) => name.trim().toLowerCase().replace(/\.+$/, '');

export function reverseName(ip: string): string {
  const a = ipaddr.parse(ip);
  if (a.kind() === 'ipv4') return `${a.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const hex = (a as ipaddr.IPv6)
    .toByteArray()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

const fits = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/** Every record the VM needs, in every zone it fits (forward by suffix, PTR by arpa suffix). */
export function plannedRecords(zones: DnsZone[], fqdn: string, ips: string[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  const host = norm(fqdn);
  for (const zone of zones) {
    const z = norm(zone.name);
    const reverse = z.endsWith('.in-addr.arpa') || z.endsWith('.ip6.arpa');
    if (!reverse && fits(host, z)) {
      for (const ip of ips) out.push({ zone, kind: ipaddr.parse(ip).kind() === 'ipv4' ? 'A' : 'AAAA', name: host, content: ip });
    }
    if (reverse) {
      for (const ip of ips) {
        const ptr = reverseName(ip);
        if (ptr !== z && fits(ptr, z)) out.push({ zone, kind: 'PTR', name: ptr, content: host });
      }
    }
  }
  return out;
}

/** Zones configured by the DNS admin pages (a later issue creates the table). */
export async function configuredZones(db: Db): Promise<DnsZone[]> {
  if (!(await db.schema.hasTable('mod_pvebridge_dns_zones'))) return [];
  const rows = (await db('mod_pvebridge_dns_zones').select('id', 'name', 'type')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), type: String(r.type) }));
}

export function createDnsLayer(opts: { zones: () => Promise<DnsZone[]>; providers?: Record<string, DnsProvider> }): DnsLayer {
  return {
    async setRecords(vm, say = () => {}) {
      const zones = await opts.zones();
      const report: DnsReport = { zones: zones.length, ok: 0, errors: 0, lines: [] };
      const line = (l: string) => (report.lines.push(l), say(l));
      for (const rec of plannedRecords(zones, vm.fqdn, vm.ips)) {
        const dir = rec.kind === 'PTR' ? 'rev' : 'fwd';
        const provider = opts.providers?.[rec.zone.type];
        try {
          if (!provider) throw new Error(`no provider for zone type '${rec.zone.type}'`);
          await provider.upsert(rec.zone, rec);
          report.ok++;
          line(`  · ${dir} OK ${rec.kind} ${rec.name} → ${rec.content} (${rec.zone.name})`);
        } catch (err) {
          report.errors++;
          line(`  · ${dir} ERR ${rec.kind} ${rec.name} (${rec.zone.name}): ${(err as Error).message}`);
        }
      }
      return report;
    },
  };
}
