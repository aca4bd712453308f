// Atomic IP allocation. One transaction per service; on MySQL it first locks the server's row
// in mod_pvebridge_ipam_locks (SELECT … FOR UPDATE), so allocations on one server run one at a
// time across every gateway; on SQLite the single writer does the same. The unique
// (server_id, address) key backs this up. Pools come first, then the legacy list; all addresses
// of one service share a bridge/VLAN. An address goes back to the pool only when the caller
// proves Proxmox confirmed the VM is gone.
import { dialect, type Db } from '../../common/db/connect.ts';
import { canonical, fromBigInt, toBigInt, type Family } from './address.ts';
import { listPools, parseLegacyLines, type Pool } from './pools.ts';

export const ALLOCATIONS = 'mod_pvebridge_ip_allocations';
const LOCKS = 'mod_pvebridge_ipam_locks';

export class PoolExhausted extends Error {
  constructor(message: string) {
    super(`pool exhausted: ${message}`);
  }
}

export interface IpEntry {
  address: string;
  family: Family;
  prefix: number;
  gateway: string;
  dns: string[];
  poolId: number | null;
}

export interface NetAssignment {
  bridge: string;
  vlan: number;
  ipv4: IpEntry[];
  ipv6: IpEntry[];
}

export interface AllocationRequest {
  serviceId: number;
  serverId: number;
  ipv4Count: number;
  ipv6Count: number;
  /** Used when nothing is allocated (DHCP), and as the pool filter without auto bridge/VLAN. */
  bridge: string;
  vlan: number;
  autoBridgeVlan: boolean;
}

type Trx = Db;

/** Addresses held by other live WHMCS services of this server (installs that predate us). */
async function whmcsHeld(trx: Trx, serverId: number, serviceId: number): Promise<Set<string>> {
  const rows = (await trx('tblhosting')
    .where({ server: serverId })
    .whereNot({ id: serviceId })
    .whereNotIn('domainstatus', ['Terminated', 'Cancelled', 'Fraud'])
    .whereNotIn('id', trx(ALLOCATIONS).where({ server_id: serverId }).select('service_id')) // ours are in ALLOCATIONS already
    .andWhere((q) => q.whereNot({ dedicatedip: '' }).orWhereNot({ assignedips: '' }))
    .select('dedicatedip', 'assignedips')) as Array<{ dedicatedip: string | null; assignedips: string | null }>;
  const out = new Set<string>();
  for (const r of rows) {
    for (const a of [r.dedicatedip ?? '', ...(r.assignedips ?? '').split(/[\s,]+/)]) {
      try {
        if (a.trim()) out.add(canonical(a.trim()));
      } catch {
        // not an address: ignore
      }
    }
  }
  return out;
}

/** Up to `need` free addresses of a pool, skipping taken ones, the gateway and the exclusions. */
function freeIn(pool: Pool, taken: Set<string>, need: number): string[] {
  const out: string[] = [];
  const stop = toBigInt(pool.stop);
  const excluded = pool.exclusions.map((x) => x.split('-').map(toBigInt));
  for (let n = toBigInt(pool.start); n <= stop && out.length < need; n++) {
    const a = fromBigInt(pool.type, n);
    if (!taken.has(a) && a !== pool.gateway && !excluded.some(([lo, hi = lo]) => lo! <= n && n <= hi!)) out.push(a);
  }
  return out;
}

interface Group {
  bridge: string;
  vlan: number;
  pools: Pool[];
}

/** Sources grouped by bridge/VLAN, in order: pools first, then legacy lines. */
function groups(sources: Pool[]): Group[] {
  const out: Group[] = [];
  for (const p of sources) {
    let g = out.find((x) => x.bridge === p.bridge && x.vlan === p.vlan);
    if (!g) out.push((g = { bridge: p.bridge, vlan: p.vlan, pools: [] }));
    g.pools.push(p);
  }
  return out;
}

function pick(g: Group, family: Family, need: number, taken: Set<string>): IpEntry[] {
  const out: IpEntry[] = [];
  for (const pool of g.pools.filter((p) => p.type === family)) {
    for (const address of freeIn(pool, taken, need - out.length)) {
      out.push({ address, family, prefix: pool.mask, gateway: pool.gateway, dns: pool.dns, poolId: pool.id });
    }
    if (out.length === need) break;
  }
  return out;
}

async function sources(trx: Trx, r: AllocationRequest): Promise<Pool[]> {
  const server = await trx('tblservers').where({ id: r.serverId }).first('assignedips');
  const legacy = parseLegacyLines(r.serverId, String(server?.assignedips ?? '')).pools;
  const all = [...(await listPools(trx, r.serverId)), ...legacy];
  return r.autoBridgeVlan ? all : all.filter((p) => p.bridge === r.bridge && p.vlan === r.vlan);
}

function entryOf(row: Record<string, unknown>, pools: Pool[]): IpEntry {
  const address = String(row.address);
  const family = row.family as Family;
  const n = toBigInt(address);
  const pool = pools.find(
    (p) => p.type === family && toBigInt(p.start) <= n && n <= toBigInt(p.stop) && (row.pool_id === null || p.id === Number(row.pool_id)),
  );
  return {
    address,
    family,
    prefix: pool?.mask ?? (family === 'ipv4' ? 32 : 128),
    gateway: pool?.gateway ?? '',
    dns: pool?.dns ?? [],
    poolId: pool?.id ?? null,
  };
}

async function writeWhmcs(trx: Trx, serviceId: number, entries: IpEntry[]): Promise<void> {
  const [first, ...rest] = entries;
  await trx('tblhosting')
    .where({ id: serviceId })
    .update({ dedicatedip: first?.address ?? '', assignedips: rest.map((e) => e.address).join('\n') });
}

/**
 * Runs `fn` in a transaction holding the server's lock row: per-server decisions (IP allocation,
 * node placement) then happen one at a time across every gateway. `fn` must use `trx`.
 */
export async function withServerLock<T>(db: Db, serverId: number, fn: (trx: Db) => Promise<T>): Promise<T> {
  await db(LOCKS).insert({ server_id: serverId }).onConflict('server_id').ignore();
  return db.transaction(async (trx) => {
    if (dialect(db) === 'mysql') await trx(LOCKS).where({ server_id: serverId }).forUpdate().first();
    return fn(trx);
  });
}

/**
 * Allocates (or returns the already allocated) addresses of a service, all or nothing, and
 * writes them to tblhosting.dedicatedip / assignedips. Throws PoolExhausted when the server has
 * too few free addresses; nothing is held then, so a later retry can succeed.
 */
export async function allocateServiceIps(db: Db, r: AllocationRequest): Promise<NetAssignment> {
  if (r.ipv4Count === 0 && r.ipv6Count === 0) {
    return { bridge: r.bridge, vlan: r.vlan, ipv4: [], ipv6: [] };
  }
  return withServerLock(db, r.serverId, async (trx) => {
    const src = await sources(trx, r);
    const mine = (await trx(ALLOCATIONS).where({ service_id: r.serviceId }).orderBy('position')) as Array<Record<string, unknown>>;
    if (mine.length) {
      const entries = mine.map((row) => entryOf(row, src));
      const g = src.find((p) => p.id !== null && p.id === entries[0]!.poolId) ?? src.find((p) => p.start === entries[0]!.address);
      const out = {
        bridge: g?.bridge ?? r.bridge,
        vlan: g?.vlan ?? r.vlan,
        ipv4: entries.filter((e) => e.family === 'ipv4'),
        ipv6: entries.filter((e) => e.family === 'ipv6'),
      };
      if (out.ipv4.length >= r.ipv4Count && out.ipv6.length >= r.ipv6Count) return out;
      await trx(ALLOCATIONS).where({ service_id: r.serviceId }).delete(); // re-plan the whole set below
    }
    const taken = new Set<string>(
      ((await trx(ALLOCATIONS).where({ server_id: r.serverId }).select('address')) as Array<{ address: string }>).map((x) => x.address),
    );
    for (const a of await whmcsHeld(trx, r.serverId, r.serviceId)) taken.add(a);
    let best = { v4: 0, v6: 0 };
    for (const g of groups(src)) {
      const v4 = pick(g, 'ipv4', r.ipv4Count, taken);
      const v6 = pick(g, 'ipv6', r.ipv6Count, taken);
      if (v4.length === r.ipv4Count && v6.length === r.ipv6Count) {
        const entries = [...v4, ...v6];
        const now = Date.now();
        await trx(ALLOCATIONS).insert(
          entries.map((e, position) => ({
            server_id: r.serverId,
            address: e.address,
            family: e.family,
            pool_id: e.poolId,
            service_id: r.serviceId,
            position,
            status: 'assigned',
            created_at: now,
          })),
        );
        await writeWhmcs(trx, r.serviceId, entries);
        return { bridge: g.bridge, vlan: g.vlan, ipv4: v4, ipv6: v6 };
      }
      best = { v4: Math.max(best.v4, v4.length), v6: Math.max(best.v6, v6.length) };
    }
    const where = r.autoBridgeVlan ? `server ${r.serverId}` : `server ${r.serverId} on ${r.bridge}/VLAN ${r.vlan}`;
    throw new PoolExhausted(
      `need ${r.ipv4Count} IPv4 and ${r.ipv6Count} IPv6 on one bridge/VLAN of ${where}; free: ${best.v4} IPv4, ${best.v6} IPv6`,
    );
  });
}

/** Proof that Proxmox confirmed the VM is gone (invariant 5); the caller builds it only then. */
export interface VmGone {
  vmGone: true;
  vmid: number | null;
  confirmedAt: number;
}

/** Returns a service's addresses to the pool. Only after the VM is gone in Proxmox. */
export async function releaseServiceIps(db: Db, serviceId: number, proof: VmGone): Promise<number> {
  if (proof?.vmGone !== true) throw new Error('IP addresses are released only after Proxmox confirms the VM is gone');
  return db(ALLOCATIONS).where({ service_id: serviceId }).delete();
}

/** Current addresses of a service, dedicated first. */
export async function serviceIps(db: Db, serviceId: number): Promise<Array<{ address: string; family: Family }>> {
  return (await db(ALLOCATIONS).where({ service_id: serviceId }).orderBy('position').select('address', 'family')) as Array<{
    address: string;
    family: Family;
  }>;
}
