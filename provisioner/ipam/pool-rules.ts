// The rules an IP pool must keep (spec §IP Pools, issue 12), checked before a create, edit or
// delete: the gateway and the range lie in one network, pools never overlap, and no change
// strands an address that is still allocated — a refusal names the field and the services that
// hold the addresses. Also the reverse-zone hint and the usage figures of the Pools page.
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import { fromBigInt, toBigInt, type Family } from './address.ts';
import { ALLOCATIONS } from './allocate.ts';
import { listPools, type Pool } from './pools.ts';

const bits = (f: Family) => (f === 'ipv4' ? 32 : 128);

/** First and last address of the network `address/mask`. */
export function networkOf(f: Family, address: string, mask: number): { first: bigint; last: bigint } {
  const host = (1n << BigInt(bits(f) - mask)) - 1n;
  const first = toBigInt(address) & ~host;
  return { first, last: first | host };
}

export interface ReverseZoneHint {
  /** The reverse zone's name, or null when the prefix cannot have one of its own. */
  zone: string | null;
  /** Why there is no zone: classless delegation (IPv4 not /8, /16, /24) or a prefix not nibble aligned (IPv6). */
  notice: 'classless_delegation' | 'nibble_alignment' | null;
}

/** The reverse zone holding the pool's PTR records (spec: IPv4 /8 /16 /24, IPv6 any multiple of 4). */
export function reverseZone(f: Family, address: string, mask: number): ReverseZoneHint {
  const { first } = networkOf(f, address, mask);
  if (f === 'ipv4') {
    if (mask !== 8 && mask !== 16 && mask !== 24) return { zone: null, notice: 'classless_delegation' };
    const octets = fromBigInt('ipv4', first)
      .split('.')
      .slice(0, mask / 8);
    return { zone: `${octets.reverse().join('.')}.in-addr.arpa`, notice: null };
  }
  if (mask % 4 !== 0) return { zone: null, notice: 'nibble_alignment' };
  const nibbles = first
    .toString(16)
    .padStart(32, '0')
    .slice(0, mask / 4)
    .split('');
  return { zone: `${nibbles.reverse().join('.')}${nibbles.length ? '.' : ''}ip6.arpa`, notice: null };
}

const inRange = (n: bigint, lo: bigint, hi: bigint) => lo <= n && n <= hi;

function excludedRanges(p: Pick<Pool, 'exclusions'>): Array<[bigint, bigint]> {
  return p.exclusions.map((x) => {
    const [a = '', b = a] = x.split('-');
    return [toBigInt(a), toBigInt(b)];
  });
}

/** Addresses a pool can hand out: its range minus the gateway and the exclusions inside it. */
export function poolSize(p: Pool): bigint {
  const lo = toBigInt(p.start);
  const hi = toBigInt(p.stop);
  let size = hi - lo + 1n;
  const merged = excludedRanges(p)
    .map(([a, b]) => [a < lo ? lo : a, b > hi ? hi : b] as [bigint, bigint])
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
  let reach = lo - 1n;
  for (const [a, b] of merged) {
    const from = a > reach ? a : reach + 1n;
    if (b >= from) size -= b - from + 1n;
    if (b > reach) reach = b;
  }
  const gw = p.gateway ? toBigInt(p.gateway) : -1n;
  if (inRange(gw, lo, hi) && !merged.some(([a, b]) => inRange(gw, a, b))) size -= 1n;
  return size;
}

export function isExcluded(p: Pool, address: string): boolean {
  const n = toBigInt(address);
  return excludedRanges(p).some(([a, b]) => inRange(n, a, b));
}

export interface Holder {
  address: string;
  serviceId: number;
}

const holderText = (h: Holder[]) =>
  h
    .slice(0, 10)
    .map((x) => `${x.address} (service #${x.serviceId})`)
    .join(', ') + (h.length > 10 ? ` and ${h.length - 10} more` : '');

/** Addresses allocated from pool `id`, numerically ordered. */
export async function poolHolders(db: Db, id: number): Promise<Holder[]> {
  const rows = (await db(ALLOCATIONS).where({ pool_id: id }).select('address', 'service_id')) as Array<{
    address: string;
    service_id: number;
  }>;
  return rows
    .map((r) => ({ address: r.address, serviceId: Number(r.service_id) }))
    .sort((a, b) => (toBigInt(a.address) < toBigInt(b.address) ? -1 : 1));
}

/** A refusal naming the field: invalid input (400) or a conflict with other pools or allocations (409). */
const refuse = (field: string, message: string, code: 'PVB_VALIDATION' | 'PVB_CONFLICT' = 'PVB_CONFLICT'): never => {
  throw new AppError(code, `Invalid IP pool — ${field}: ${message}`, { [field]: message });
};

/** Throws (naming the field) when `p` breaks a pool rule; `p.id` is the pool being edited, if any. */
export async function checkPoolRules(db: Db, p: Pool, prev?: Pool): Promise<void> {
  const net = networkOf(p.type, p.start, p.mask);
  const netText = `${fromBigInt(p.type, net.first)}/${p.mask}`;
  if (!inRange(toBigInt(p.gateway), net.first, net.last))
    refuse('gateway', `${p.gateway} is outside the pool's network ${netText}`, 'PVB_VALIDATION');
  if (!inRange(toBigInt(p.stop), net.first, net.last))
    refuse('stop', `${p.stop} is outside the pool's network ${netText}`, 'PVB_VALIDATION');
  for (const x of p.exclusions) {
    const [a = '', b = a] = x.split('-');
    if (!inRange(toBigInt(a), net.first, net.last) || !inRange(toBigInt(b), net.first, net.last))
      refuse('exclusions', `${x} is outside the pool's network ${netText}`, 'PVB_VALIDATION');
  }
  const lo = toBigInt(p.start);
  const hi = toBigInt(p.stop);
  for (const o of await listPools(db)) {
    if (o.id === p.id || o.type !== p.type) continue;
    if (lo <= toBigInt(o.stop) && toBigInt(o.start) <= hi)
      refuse('start', `the range ${p.start}–${p.stop} overlaps pool #${o.id} (${o.start}–${o.stop}, server ${o.serverId})`);
  }
  if (p.id === null) return;
  const holders = await poolHolders(db, p.id);
  if (holders.length && prev && (prev.serverId !== p.serverId || prev.type !== p.type))
    refuse(prev.serverId !== p.serverId ? 'serverId' : 'type', `cannot change while addresses are allocated: ${holderText(holders)}`);
  const stranded = holders.filter((h) => {
    const n = toBigInt(h.address);
    return !inRange(n, lo, hi) || isExcluded(p, h.address) || h.address === p.gateway;
  });
  if (stranded.length)
    refuse(stranded.some((h) => toBigInt(h.address) < lo) ? 'start' : 'stop', `still allocated: ${holderText(stranded)}`);
}

/** Throws when pool `id` still has allocated addresses (naming the services that hold them). */
export async function checkPoolDeletable(db: Db, id: number): Promise<void> {
  const held = await poolHolders(db, id);
  if (held.length) refuse('id', `the pool still has ${held.length} allocated address(es): ${holderText(held)}`);
}

/** Allocated addresses per pool id, in one grouped query. */
export async function allocatedCounts(db: Db): Promise<Map<number, number>> {
  const rows = (await db(ALLOCATIONS).whereNotNull('pool_id').groupBy('pool_id').select('pool_id').count({ n: '*' })) as Array<{
    pool_id: number;
    n: number | string;
  }>;
  return new Map(rows.map((r) => [Number(r.pool_id), Number(r.n)]));
}
