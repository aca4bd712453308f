// Admin API: IP pools (spec §IP Pools). A pool is given as a CIDR (`192.0.2.0/24`: the range is
// every host address) or as a first–last range with its mask; refusals name the field: an
// overlap with another pool, a gateway outside the network, or an edit/delete that would strand
// addresses still allocated (the message says which services hold them). Every change is
// serialised per server with the IPAM lock, so a check and its write see the same allocations.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import { fromBigInt, toBigInt, type Family } from '../../provisioner/ipam/address.ts';
import { ALLOCATIONS, withServerLock } from '../../provisioner/ipam/allocate.ts';
import {
  allocatedCounts,
  checkPoolDeletable,
  checkPoolRules,
  isExcluded,
  networkOf,
  poolSize,
  reverseZone,
} from '../../provisioner/ipam/pool-rules.ts';
import {
  createPool,
  deletePool,
  getPool,
  listPools,
  poolFields,
  poolInputSchema,
  updatePool,
  type Pool,
  type PoolInput,
} from '../../provisioner/ipam/pools.ts';
import { fieldErrors } from '../http/route.ts';
import { adminRoute, queryInt, strictId } from './common.ts';

const cidr = z
  .string()
  .trim()
  .max(64)
  .refine((v) => ipaddr.isValidCIDR(v), 'a network in CIDR notation such as 192.0.2.0/24 or 2001:db8::/64');

/** The body of a create: the pool's fields, with `cidr` as an alternative to start/stop/mask. */
const poolBody = poolFields.extend({ serverId: strictId, mask: poolFields.shape.mask.optional(), cidr: cidr.optional() }).partial({
  start: true,
  stop: true,
});
const patchBody = poolBody.partial().extend({ id: strictId });

type Body = z.input<typeof poolBody>;

/** Start/stop/mask from a CIDR: every address but the IPv4 network and broadcast (all of a /31 or /32). */
function fromCidr(b: Partial<Body>): Partial<Body> {
  if (!b.cidr) return b;
  const [addr, prefix] = ipaddr.parseCIDR(b.cidr);
  const family: Family = addr.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  const { first, last } = networkOf(family, addr.toString(), prefix);
  const inner = family === 'ipv4' ? prefix <= 30 : prefix <= 126;
  const { cidr: _c, ...rest } = b;
  return {
    ...rest,
    mask: b.mask ?? prefix,
    start: b.start ?? fromBigInt(family, inner ? first + 1n : first),
    stop: b.stop ?? fromBigInt(family, inner && family === 'ipv4' ? last - 1n : last),
  };
}

function parsed(input: unknown, id: number | null): Pool {
  const r = poolInputSchema.safeParse(input);
  if (!r.success) {
    const fields = fieldErrors(r.error);
    throw new AppError(
      'PVB_VALIDATION',
      `Invalid IP pool — ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
      fields,
    );
  }
  const p = r.data;
  const exclusions = p.exclusions.map((x) =>
    x
      .split('-')
      .map((a) => ipaddr.parse(a).toString())
      .join('-'),
  );
  const c = (a: string) => ipaddr.parse(a).toString();
  const dns = [p.dns1, p.dns2].filter(Boolean).map(c);
  return {
    id,
    serverId: p.serverId,
    type: p.type,
    bridge: p.bridge,
    vlan: p.vlan,
    gateway: c(p.gateway),
    mask: p.mask,
    dns,
    start: c(p.start),
    stop: c(p.stop),
    exclusions,
  };
}

const toInput = (p: Pool): PoolInput => ({
  serverId: p.serverId,
  type: p.type,
  bridge: p.bridge,
  vlan: p.vlan,
  gateway: p.gateway,
  mask: p.mask,
  dns1: p.dns[0] ?? '',
  dns2: p.dns[1] ?? '',
  start: p.start,
  stop: p.stop,
  exclusions: p.exclusions,
});

async function serverNames(db: Db): Promise<Map<number, string>> {
  const rows = (await db('tblservers').select('id', 'name')) as Array<{ id: number; name: string }>;
  return new Map(rows.map((r) => [Number(r.id), String(r.name)]));
}

/** A pool as the Pools page shows it: fields, size, allocated count and the rDNS zone hint. */
function view(p: Pool, allocated: number, servers: Map<number, string>) {
  const size = poolSize(p);
  return {
    ...p,
    serverName: servers.get(p.serverId) ?? null,
    size: size.toString(), // may exceed 2^53 for IPv6
    allocated,
    free: (size - BigInt(allocated) < 0n ? 0n : size - BigInt(allocated)).toString(),
    usagePercent: size > 0n ? Number((BigInt(allocated) * 10000n) / size) / 100 : 0,
    reverseZone: reverseZone(p.type, p.start, p.mask),
  };
}

async function poolOrThrow(db: Db, id: number): Promise<Pool> {
  const p = await getPool(db, id);
  if (!p) throw new AppError('PVB_NOT_FOUND', `IP pool ${id} not found`, { id: 'no such pool' });
  return p;
}

async function poolView(db: Db, p: Pool) {
  return view(p, (await allocatedCounts(db)).get(p.id!) ?? 0, await serverNames(db));
}

const ADDRESS_STATUS = ['all', 'allocated', 'free', 'reserved'] as const;

/** The pool's addresses from `offset` (index into its range), each allocated (with its service), free or reserved. */
async function addresses(db: Db, p: Pool, status: (typeof ADDRESS_STATUS)[number], offset: number, limit: number) {
  const rows = (await db(`${ALLOCATIONS} as a`)
    .leftJoin('tblhosting as h', 'h.id', 'a.service_id')
    .where('a.pool_id', p.id!)
    .select('a.address', 'a.service_id', 'a.status', 'h.userid', 'h.domain')) as Array<Record<string, unknown>>;
  const held = new Map(rows.map((r) => [String(r.address), r]));
  const lo = toBigInt(p.start);
  const hi = toBigInt(p.stop);
  const out: Array<Record<string, unknown>> = [];
  let i = BigInt(offset);
  // Bounded scan: a sparse filter over a huge IPv6 range stops after 100,000 addresses with a cursor.
  for (let scanned = 0; lo + i <= hi && out.length < limit && scanned < 100_000; i++, scanned++) {
    const address = fromBigInt(p.type, lo + i);
    const h = held.get(address);
    const reserved = !h && (address === p.gateway || isExcluded(p, address));
    const st = h ? 'allocated' : reserved ? 'reserved' : 'free';
    if (status !== 'all' && status !== st) continue;
    out.push({
      address,
      status: st,
      ...(h && {
        serviceId: Number(h.service_id),
        clientId: h.userid === null ? null : Number(h.userid),
        domain: h.domain ?? null,
        allocation: h.status,
      }),
      ...(reserved && { reason: address === p.gateway ? 'gateway' : 'excluded' }),
    });
  }
  return { pool: await poolView(db, p), addresses: out, nextOffset: lo + i <= hi ? i.toString() : null };
}

export const ipPoolRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/ip-pools',
    summary: 'IP pools (all, or of one server) with size, allocated count, usage and rDNS zone hint. → {pools}',
    input: z.object({ serverId: strictId.optional() }),
    async handler({ ctx, input }) {
      const [pools, counts, servers] = await Promise.all([listPools(ctx.db, input.serverId), allocatedCounts(ctx.db), serverNames(ctx.db)]);
      return { pools: pools.map((p) => view(p, counts.get(p.id!) ?? 0, servers)) };
    },
  }),
  adminRoute({
    method: 'post',
    path: '/v1/admin/ip-pools',
    summary: 'Create an IPv4/IPv6 pool (CIDR, or start/stop with mask). Refuses overlaps and a gateway outside the network. → {pool}',
    input: poolBody,
    audit: { action: 'admin.ip-pools.create', after: (out) => (out as { pool: unknown }).pool },
    async handler({ ctx, input }) {
      const p = parsed(fromCidr(input), null);
      if (!(await ctx.db('tblservers').where({ id: p.serverId }).first('id')))
        throw new AppError('PVB_VALIDATION', `Invalid IP pool — serverId: no WHMCS server ${p.serverId}`, {
          serverId: 'no such WHMCS server',
        });
      const created = await withServerLock(ctx.db, p.serverId, async (trx) => {
        await checkPoolRules(trx, p);
        return createPool(trx, toInput(p));
      });
      return { pool: await poolView(ctx.db, created) };
    },
  }),
  adminRoute({
    method: 'get',
    path: '/v1/admin/ip-pools/:id',
    summary: 'One IP pool with its usage and rDNS zone hint. → {pool}',
    input: z.object({ id: strictId }),
    handler: async ({ ctx, input }) => ({ pool: await poolView(ctx.db, await poolOrThrow(ctx.db, input.id)) }),
  }),
  adminRoute({
    method: 'patch',
    path: '/v1/admin/ip-pools/:id',
    summary: 'Edit a pool (changes apply to new allocations). Refuses shrinking below allocated addresses, naming their services. → {pool}',
    input: patchBody,
    audit: {
      action: 'admin.ip-pools.update',
      before: async (ctx, input) => getPool(ctx.db, input.id),
      after: (out) => (out as { pool: unknown }).pool,
    },
    async handler({ ctx, input, req }) {
      const prev = await poolOrThrow(ctx.db, input.id);
      const { id, ...patch } = input;
      // Only the fields the request names: zod fills defaults (vlan 0, no DNS) for absent ones.
      const sent = new Set(Object.keys((req.body ?? {}) as object));
      const given = Object.entries(patch).filter(([k, v]) => sent.has(k) && v !== undefined);
      const base: Partial<PoolInput> = toInput(prev);
      if (sent.has('cidr')) for (const k of ['start', 'stop', 'mask'] as const) delete base[k]; // the new network replaces the range
      const merged = fromCidr({ ...base, ...Object.fromEntries(given) } as Body);
      const p = parsed(merged, id);
      const updated = await withServerLock(ctx.db, prev.serverId, async (trx) => {
        await checkPoolRules(trx, p, prev);
        return updatePool(trx, id, toInput(p));
      });
      return { pool: await poolView(ctx.db, updated) };
    },
  }),
  adminRoute({
    method: 'delete',
    path: '/v1/admin/ip-pools/:id',
    summary: 'Delete a pool; refused while any of its addresses is allocated (the message names the services). → {deleted}',
    input: z.object({ id: strictId }),
    audit: { action: 'admin.ip-pools.delete', before: async (ctx, input) => getPool(ctx.db, input.id) },
    async handler({ ctx, input }) {
      const p = await poolOrThrow(ctx.db, input.id);
      await withServerLock(ctx.db, p.serverId, async (trx) => {
        await checkPoolDeletable(trx, input.id);
        await deletePool(trx, input.id);
      });
      return { deleted: true, id: input.id };
    },
  }),
  adminRoute({
    method: 'get',
    path: '/v1/admin/ip-pools/:id/addresses',
    summary:
      'Addresses of a pool: allocated (with the holding service), free, reserved (gateway, exclusions); paged by offset. → {pool, addresses, nextOffset}',
    input: z.object({
      id: strictId,
      status: z.enum(ADDRESS_STATUS).default('all'),
      offset: queryInt(0, Number.MAX_SAFE_INTEGER).default(0),
      limit: queryInt(1, 1000).default(256),
    }),
    async handler({ ctx, input }) {
      return addresses(ctx.db, await poolOrThrow(ctx.db, input.id), input.status, input.offset, input.limit);
    },
  }),
];
