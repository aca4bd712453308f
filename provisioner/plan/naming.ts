// VM names and host names: the product's VM name rule with its macros, the FQDN under the main
// domain, and the VMID reservation from First VM ID (reserved in our DB, checked in Proxmox).
import crypto from 'node:crypto';
import type { Db } from '../../common/db/connect.ts';
import { VMS } from '../vm-record.ts';

export interface NameContext {
  clientId: number;
  serviceId: number;
  now?: Date;
  /** Random integer in [0, n); injectable for tests. */
  random?: (n: number) => number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Expands {client_id} {service_id} {random_digit_X} {random_letter_X} {unixtime} {year} … {second}. */
export function expandNameRule(rule: string, c: NameContext): string {
  const now = c.now ?? new Date();
  const rnd = c.random ?? ((n: number) => crypto.randomInt(n));
  const fixed: Record<string, string> = {
    client_id: String(c.clientId),
    service_id: String(c.serviceId),
    unixtime: String(Math.floor(now.getTime() / 1000)),
    year: String(now.getUTCFullYear()),
    month: pad(now.getUTCMonth() + 1),
    day: pad(now.getUTCDate()),
    hour: pad(now.getUTCHours()),
    minute: pad(now.getUTCMinutes()),
    second: pad(now.getUTCSeconds()),
  };
  return rule.replace(/\{(\w+?)(?:_(\d+))?\}/g, (whole, name: string, count?: string) => {
    if (count !== undefined && name === 'random_digit') return Array.from({ length: Number(count) }, () => String(rnd(10))).join('');
    if (count !== undefined && name === 'random_letter')
      return Array.from({ length: Number(count) }, () => String.fromCharCode(97 + rnd(26))).join('');
    const key = count !== undefined ? `${name}_${count}` : name;
    return fixed[key] ?? whole;
  });
}

/** A name Proxmox accepts (format dns-name) and a DNS label: lowercase, [a-z0-9-], ≤ 63. */
export function toHostLabel(s: string): string {
  const label = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63)
    .replace(/-$/, '');
  return label || 'vm';
}

/** "5551-1776530141" + ".puqcloud.com" (or "puqcloud.com") → "5551-1776530141.puqcloud.com". */
export function fqdn(hostname: string, mainDomain: string): string {
  const domain = mainDomain
    .trim()
    .replace(/^\.+|\.+$/g, '')
    .toLowerCase();
  return domain ? `${hostname}.${domain}` : hostname;
}

export function vmNames(rule: string, c: NameContext, mainDomain: string): { vmName: string; hostname: string; fqdn: string } {
  const hostname = toHostLabel(expandNameRule(rule, c));
  return { vmName: hostname, hostname, fqdn: fqdn(hostname, mainDomain) };
}

/**
 * Reserves a VMID for the service: the lowest id ≥ firstVmId that is neither reserved in our DB
 * (on this server) nor `inUse` in Proxmox, written on the record. The unique (server_id, vmid)
 * key makes concurrent reservations safe; a lost race moves on to the next id. Idempotent: a
 * record that already has a VMID keeps it.
 */
export async function reserveVmid(
  db: Db,
  serviceId: number,
  serverId: number,
  firstVmId: number,
  inUse: ReadonlySet<number>,
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const cur = await db(VMS).where({ service_id: serviceId }).first('vmid');
    if (cur?.vmid !== null && cur?.vmid !== undefined) return Number(cur.vmid);
    const ours = new Set(
      (
        (await db(VMS).where({ server_id: serverId }).whereNotNull('vmid').andWhere('vmid', '>=', firstVmId).select('vmid')) as Array<{
          vmid: number;
        }>
      ).map((r) => Number(r.vmid)),
    );
    let id = firstVmId;
    while (ours.has(id) || inUse.has(id)) id++;
    try {
      const n = await db(VMS).where({ service_id: serviceId }).whereNull('vmid').update({ vmid: id, updated_at: Date.now() });
      if (n === 1) return id;
    } catch {
      // another service took `id` between our read and write: try again
    }
  }
  throw new Error(`could not reserve a VMID from ${firstVmId} after 50 attempts`);
}
