// Admin API: VM Management (spec §VM Management): every VM across servers, filtered, sorted and
// keyset-paged in the database (indexes of migration 007), then one page enriched with WHMCS's
// names and the addresses in four IN-queries — so a page costs the same at 100,000 rows as at
// 100. Plus the raw DB record of one VM (secrets masked as __KEEP__).
import ipaddr from 'ipaddr.js';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import { ALLOCATIONS } from '../../provisioner/ipam/allocate.ts';
import { VMS } from '../../provisioner/vm-record.ts';
import { adminRoute, queryInt, strictId } from './common.ts';
import { maskSecrets } from './secrets.ts';

const SORTS = { serviceId: 'service_id', state: 'state', updated: 'updated_at', server: 'server_id' } as const;
type SortKey = keyof typeof SORTS;
const SORT_VALUES = Object.keys(SORTS).flatMap((k) => [k, `-${k}`]) as [string, ...string[]];
const SERVICE_STATUS = ['Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'] as const;

export const vmListInput = z.object({
  serverId: strictId.optional(),
  node: z.string().trim().min(1).max(64).optional(),
  /** One state or several, comma separated. */
  state: z
    .string()
    .trim()
    .max(400)
    .regex(/^[a-z_]+(,[a-z_]+)*$/, 'state names (comma separated)')
    .optional(),
  serviceStatus: z.enum(SERVICE_STATUS).optional(),
  /** Search: a service id, VMID or client id; an IP (or its beginning); a domain or client name. */
  q: z.string().trim().max(100).optional(),
  failing: z.enum(['1', 'true']).optional(),
  sort: z.enum(SORT_VALUES).default('-serviceId'),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]*$/, 'a cursor from nextCursor')
    .optional(),
  limit: queryInt(1, 200).default(50),
});
export type VmListInput = z.output<typeof vmListInput>;

const likeEscape = (v: string) => v.replace(/[%_\\]/g, (c) => `\\${c}`);

function applySearch(db: Db, q: Knex.QueryBuilder, text: string): void {
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    q.where((w) => w.where('v.service_id', n).orWhere('v.vmid', n).orWhere('v.client_id', n));
    return;
  }
  if (/^[0-9a-f:.]+$/i.test(text) && /[.:]/.test(text)) {
    const exact = ipaddr.isValid(text) ? ipaddr.parse(text).toString() : null;
    const ids = db(ALLOCATIONS).select('service_id');
    if (exact) ids.where('address', exact);
    else ids.where('address', 'like', `${likeEscape(text.toLowerCase())}%`);
    q.whereIn('v.service_id', ids);
    return;
  }
  const like = `%${likeEscape(text)}%`;
  q.where((w) =>
    w
      .whereIn('v.service_id', db('tblhosting').where('domain', 'like', like).select('id'))
      .orWhereIn(
        'v.client_id',
        db('tblclients')
          .where((c) =>
            c
              .where('firstname', 'like', like)
              .orWhere('lastname', 'like', like)
              .orWhere('companyname', 'like', like)
              .orWhere('email', 'like', like),
          )
          .select('id'),
      )
      .orWhere('v.vm_name', 'like', like),
  );
}

function filtered(db: Db, i: VmListInput): Knex.QueryBuilder {
  const q = db(`${VMS} as v`);
  if (i.serverId !== undefined) q.where('v.server_id', i.serverId);
  if (i.node) q.where('v.node', i.node);
  if (i.state) {
    const states = i.state.split(',');
    if (states.length === 1) q.where('v.state', states[0]!);
    else q.whereIn('v.state', states);
  }
  if (i.serviceStatus) q.whereIn('v.service_id', db('tblhosting').where('domainstatus', i.serviceStatus).select('id'));
  if (i.failing) q.whereNotNull('v.last_error');
  if (i.q) applySearch(db, q, i.q);
  return q;
}

type Cursor = [string | number, number];
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown;
    if (Array.isArray(c) && c.length === 2 && ['string', 'number'].includes(typeof c[0]) && Number.isInteger(c[1])) return c as Cursor;
  } catch {
    // falls through to the refusal
  }
  throw new AppError('PVB_VALIDATION', 'Invalid input — cursor: not a cursor from nextCursor', { cursor: 'not a cursor from nextCursor' });
}

/** The page's addresses, one IN-query. */
async function ipsOf(db: Db, sids: number[]): Promise<Map<number, Array<{ address: string; family: string }>>> {
  const out = new Map<number, Array<{ address: string; family: string }>>();
  if (!sids.length) return out;
  const rows = (await db(ALLOCATIONS)
    .whereIn('service_id', sids)
    .orderBy(['service_id', 'position'])
    .select('service_id', 'address', 'family')) as Array<Record<string, unknown>>;
  for (const r of rows) {
    const list = out.get(Number(r.service_id)) ?? [];
    list.push({ address: String(r.address), family: String(r.family) });
    out.set(Number(r.service_id), list);
  }
  return out;
}

/** The per-row actions the spec allows in this state. */
export function vmActions(state: string): { redeploy: boolean; reset: true; log: true; record: true; deleteRecord: boolean } {
  return {
    redeploy: state !== 'ready',
    reset: true,
    log: true,
    record: true,
    deleteRecord: state === 'error_terminate' || state === 'remove',
  };
}

function item(r: Record<string, unknown>, ips: Map<number, Array<{ address: string; family: string }>>) {
  const sid = Number(r.service_id);
  const clientName = [r.firstname, r.lastname].filter(Boolean).join(' ') || (r.companyname ? String(r.companyname) : null);
  const state = String(r.state);
  return {
    serviceId: sid,
    clientId: Number(r.client_id),
    clientName,
    productId: Number(r.product_id),
    productName: (r.product_name as string | null) ?? null,
    serverId: Number(r.server_id),
    serverName: (r.server_name as string | null) ?? null,
    node: (r.node as string | null) ?? null,
    vmid: r.vmid === null ? null : Number(r.vmid),
    vmName: (r.vm_name as string | null) ?? null,
    state,
    serviceStatus: (r.domainstatus as string | null) ?? null,
    domain: (r.domain as string | null) ?? null,
    ips: ips.get(sid) ?? [],
    lastError: (r.last_error as string | null) ?? null,
    updatedAt: Number(r.updated_at),
    actions: vmActions(state),
  };
}

export async function listVms(db: Db, i: VmListInput) {
  const desc = i.sort.startsWith('-');
  const key = (desc ? i.sort.slice(1) : i.sort) as SortKey;
  const col = `v.${SORTS[key]}`;
  const dir = desc ? 'desc' : 'asc';
  const page = filtered(db, i)
    // WHMCS's names by primary key, joined for the page's rows only (the LIMIT walks v's index).
    .leftJoin('tblhosting as h', 'h.id', 'v.service_id')
    .leftJoin('tblclients as c', 'c.id', 'v.client_id')
    .leftJoin('tblproducts as p', 'p.id', 'v.product_id')
    .leftJoin('tblservers as s', 's.id', 'v.server_id')
    .select(
      'v.service_id',
      'v.client_id',
      'v.product_id',
      'v.server_id',
      'v.node',
      'v.vmid',
      'v.vm_name',
      'v.state',
      'v.last_error',
      'v.updated_at',
    )
    .select('h.domain', 'h.domainstatus', 'c.firstname', 'c.lastname', 'c.companyname', 'p.name as product_name', 's.name as server_name')
    .orderBy([{ column: col, order: dir }, ...(key === 'serviceId' ? [] : [{ column: 'v.service_id', order: dir }])])
    .limit(i.limit + 1);
  if (i.cursor) {
    const [value, sid] = decodeCursor(i.cursor);
    const op = desc ? '<' : '>';
    if (key === 'serviceId') page.where('v.service_id', op, sid);
    else page.where((w) => w.where(col, op, value).orWhere((x) => x.where(col, value).andWhere('v.service_id', op, sid)));
  }
  const [rows, total] = await Promise.all([
    page as Promise<Array<Record<string, unknown>>>,
    i.cursor ? Promise.resolve(null) : filtered(db, i).count({ n: '*' }).first(),
  ]);
  const more = rows.length > i.limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  const ips = await ipsOf(
    db,
    rows.map((r) => Number(r.service_id)),
  );
  return {
    vms: rows.map((r) => item(r, ips)),
    nextCursor: more && last ? encodeCursor([last[SORTS[key]] as string | number, Number(last.service_id)]) : null,
    total: total ? Number((total as { n: number | string }).n) : null,
  };
}

export const vmRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/vms',
    summary:
      'Every VM across servers: filters (serverId, node, state, serviceStatus, failing, q over service id/client/domain/IP/VMID), sort, cursor paging. → {vms, nextCursor, total}',
    input: vmListInput,
    handler: ({ ctx, input }) => listVms(ctx.db, input),
  }),
  adminRoute({
    method: 'get',
    path: '/v1/admin/vms/:serviceId',
    summary: 'The raw DB record of a VM (secrets masked as __KEEP__), its addresses and allowed actions. → {record, ips, actions}',
    input: z.object({ serviceId: strictId }),
    async handler({ ctx, input }) {
      const row = (await ctx.db(VMS).where({ service_id: input.serviceId }).first()) as Record<string, unknown> | undefined;
      if (!row) throw new AppError('PVB_NOT_FOUND', `Service ${input.serviceId} has no VM record`, { serviceId: 'no VM record' });
      const record = Object.fromEntries(
        Object.entries(row).map(([k, v]) => {
          if ((k === 'data' || k === 'plan') && typeof v === 'string') {
            try {
              return [k, maskSecrets(JSON.parse(v))];
            } catch {
              return [k, v];
            }
          }
          return [k, v];
        }),
      );
      const ips = await ctx
        .db(ALLOCATIONS)
        .where({ service_id: input.serviceId })
        .orderBy('position')
        .select('address', 'family', 'pool_id', 'status');
      return { record, ips, actions: vmActions(String(row.state)) };
    },
  }),
];
