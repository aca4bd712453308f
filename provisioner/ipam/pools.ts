// IP pools per server (spec §IP Pools) and the legacy "Assigned IP Addresses" list of the WHMCS
// server entry (`bridge|vlan|ip|cidr|gw|dns,dns`, one address per line).
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import { canonical, familyOf, isValidPrefix, toBigInt, type Family } from './address.ts';

export const POOLS = 'mod_pvebridge_ip_pools';

const ip = z
  .string()
  .trim()
  .refine((v) => familyOf(v) !== undefined, 'a valid IP address');

/** The fields of a pool (the admin API declares its input from these). */
export const poolFields = z.object({
  serverId: z.coerce.number().int().positive(),
  type: z.enum(['ipv4', 'ipv6']),
  bridge: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, 'a Proxmox bridge name such as vmbr0'),
  vlan: z.coerce.number().int().min(0).max(4094).default(0),
  gateway: ip,
  mask: z.coerce.number().int(),
  dns1: z.union([ip, z.literal('')]).default(''),
  dns2: z.union([ip, z.literal('')]).default(''),
  start: ip,
  stop: ip,
  /** Addresses or first-last ranges inside the pool that are never allocated. */
  exclusions: z
    .union([z.string().max(4000), z.array(z.string().max(100)).max(500)])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,;]+/)).map((x) => x.trim()).filter(Boolean))
    .default([]),
});

export const poolInputSchema = poolFields.superRefine((p, ctx) => {
  for (const k of ['gateway', 'start', 'stop'] as const) {
    if (familyOf(p[k]) !== p.type)
      ctx.addIssue({ code: 'custom', path: [k], message: `must be an ${p.type === 'ipv4' ? 'IPv4' : 'IPv6'} address` });
  }
  if (!isValidPrefix(p.type, p.mask)) ctx.addIssue({ code: 'custom', path: ['mask'], message: p.type === 'ipv4' ? '1–32' : '1–128' });
  if (familyOf(p.start) === p.type && familyOf(p.stop) === p.type && toBigInt(p.start) > toBigInt(p.stop)) {
    ctx.addIssue({ code: 'custom', path: ['stop'], message: 'must not be below start' });
  }
  for (const x of p.exclusions) {
    const [a = '', b = a] = x.split('-');
    if (familyOf(a) !== p.type || familyOf(b) !== p.type || toBigInt(a) > toBigInt(b)) {
      ctx.addIssue({
        code: 'custom',
        path: ['exclusions'],
        message: `'${x}' is not an ${p.type === 'ipv4' ? 'IPv4' : 'IPv6'} address or first-last range`,
      });
      break;
    }
  }
});

export type PoolInput = z.input<typeof poolInputSchema>;

export interface Pool {
  id: number | null; // null: a legacy line
  serverId: number;
  type: Family;
  bridge: string;
  vlan: number;
  gateway: string;
  mask: number;
  dns: string[];
  start: string;
  stop: string;
  /** Canonical addresses or `first-last` ranges never allocated. */
  exclusions: string[];
}

function parsePool(input: PoolInput): z.output<typeof poolInputSchema> {
  const r = poolInputSchema.safeParse(input);
  if (!r.success) {
    const fields = Object.fromEntries(r.error.issues.map((i) => [i.path.join('.') || '(input)', i.message]));
    throw new AppError(
      'PVB_VALIDATION',
      `Invalid IP pool — ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
      fields,
    );
  }
  return r.data;
}

function toRow(p: z.output<typeof poolInputSchema>) {
  return {
    server_id: p.serverId,
    type: p.type,
    bridge: p.bridge,
    vlan: p.vlan,
    gateway: canonical(p.gateway),
    mask: p.mask,
    dns1: p.dns1 ? canonical(p.dns1) : '',
    dns2: p.dns2 ? canonical(p.dns2) : '',
    start_ip: canonical(p.start),
    stop_ip: canonical(p.stop),
    exclusions: p.exclusions.map((x) => x.split('-').map(canonical).join('-')).join(',') || null,
  };
}

export async function createPool(db: Db, input: PoolInput): Promise<Pool> {
  const now = Date.now();
  const [id] = await db(POOLS).insert({ ...toRow(parsePool(input)), created_at: now, updated_at: now });
  return (await getPool(db, Number(id)))!;
}

/** Changes apply to new allocations only (spec): assigned addresses stay as they are. */
export async function updatePool(db: Db, id: number, input: PoolInput): Promise<Pool> {
  const n = await db(POOLS)
    .where({ id })
    .update({ ...toRow(parsePool(input)), updated_at: Date.now() });
  if (!n) throw new AppError('PVB_NOT_FOUND', `IP pool ${id} not found`);
  return (await getPool(db, id))!;
}

export async function deletePool(db: Db, id: number): Promise<boolean> {
  return (await db(POOLS).where({ id }).delete()) > 0;
}

function fromRow(r: Record<string, unknown>): Pool {
  return {
    id: Number(r.id),
    serverId: Number(r.server_id),
    type: r.type as Family,
    bridge: String(r.bridge),
    vlan: Number(r.vlan),
    gateway: String(r.gateway),
    mask: Number(r.mask),
    dns: [r.dns1, r.dns2].filter((d): d is string => typeof d === 'string' && d !== ''),
    start: String(r.start_ip),
    stop: String(r.stop_ip),
    exclusions: typeof r.exclusions === 'string' && r.exclusions ? r.exclusions.split(',') : [],
  };
}

export async function getPool(db: Db, id: number): Promise<Pool | undefined> {
  const r = await db(POOLS).where({ id }).first();
  return r ? fromRow(r) : undefined;
}

export async function listPools(db: Db, serverId?: number): Promise<Pool[]> {
  const q = db(POOLS).orderBy('id');
  if (serverId !== undefined) q.where({ server_id: serverId });
  return ((await q) as Array<Record<string, unknown>>).map(fromRow);
}

/** Legacy lines as one-address pools; malformed lines are skipped (and reported). */
export function parseLegacyLines(serverId: number, text: string): { pools: Pool[]; invalid: string[] } {
  const pools: Pool[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const [bridge, vlan, address, cidr, gw, dns] = line.split('|').map((s) => s.trim());
    const family = address ? familyOf(address) : undefined;
    const mask = Number(cidr);
    if (!bridge || !family || !isValidPrefix(family, mask) || !/^\d+$/.test(vlan ?? '') || (gw && familyOf(gw) !== family)) {
      invalid.push(line);
      continue;
    }
    const a = canonical(address!);
    pools.push({
      id: null,
      serverId,
      type: family,
      bridge,
      vlan: Number(vlan),
      gateway: gw ? canonical(gw) : '',
      mask,
      dns: (dns ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter((d) => familyOf(d)),
      start: a,
      stop: a,
      exclusions: [],
    });
  }
  return { pools, invalid };
}
