// Admin API: DNS zones (spec §DNS Zones) — list, add, edit, delete, and a live test that names
// what is wrong (unreachable, bad credentials, zone not found at the provider). Secrets are
// write-only: every answer shows them as `__KEEP__`, and sending `__KEEP__` back keeps the
// stored value. Plus the Sync DNS action: queue set_dns_records for one VM.
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import {
  createZone,
  deleteZone,
  DnsError,
  getZone,
  listZones,
  PROVIDER_TYPES,
  providerFor,
  updateZone,
  whmcsSealer,
  zoneConfigs,
} from '../../provisioner/dns/index.ts';
import { getVm, queuePipelineState } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { adminActor } from './actor.ts';

const tag = 'admin API';
const id = z.coerce.number().int().positive();
// Forward names, reverse names and RFC 2317 labels (`64/26.…`, `64-127.…`); a trailing dot is fine.
const zoneName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,254}$)([a-z0-9_]([a-z0-9_/-]{0,61}[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/, 'not a zone name');
const url = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'an http(s) URL');
const text = (max: number) => z.string().trim().max(max);
const settings = z
  .object({
    url: url.optional(),
    apiUrl: url.optional(),
    zoneId: z.union([z.literal(''), z.string().regex(/^[0-9a-f]{32}$/, '32 hex digits')]).optional(),
    accountId: z.union([z.literal(''), z.string().regex(/^[0-9a-f]{32}$/, '32 hex digits')]).optional(),
    user: text(64)
      .regex(/^[A-Za-z0-9_.-]*$/, 'a HestiaCP user name')
      .optional(),
    adminUser: text(64)
      .regex(/^[A-Za-z0-9_.-]*$/, 'a HestiaCP user name')
      .optional(),
  })
  .strict();
const secrets = z
  .object({ apiKey: text(512), apiToken: text(512), accessKey: text(64), secretKey: text(128), adminPassword: text(512) })
  .partial()
  .strict();
const ttl = z.coerce.number().int().min(30).max(86400);
const zoneBody = z.object({
  name: zoneName,
  type: z.enum(PROVIDER_TYPES),
  ttl: ttl.optional(),
  settings: settings.default({}),
  secrets: secrets.default({}),
});

const sealer = (ctx: GatewayContext) => whmcsSealer(ctx.config.ccEncryptionHash);

/** The cheapest authenticated call at the provider, with the problem named. */
export async function testZone(ctx: GatewayContext, zoneId: number) {
  const zone = (await zoneConfigs(ctx.db, sealer(ctx))).find((z) => z.id === zoneId);
  if (!zone) throw new AppError('PVB_NOT_FOUND', `DNS zone ${zoneId} does not exist`);
  try {
    return { ok: true, message: await providerFor(zone, { timeoutMs: 5000, retries: 0 }).test() };
  } catch (err) {
    const e = err instanceof DnsError ? err : new DnsError('invalid', (err as Error).message);
    const problem =
      e.kind === 'auth'
        ? 'bad credentials'
        : e.kind === 'not_found'
          ? 'zone not found at the provider'
          : /unreachable/.test(e.message)
            ? 'unreachable'
            : e.kind === 'rate_limited'
              ? 'rate limited'
              : 'provider error';
    return { ok: false, problem, message: e.message };
  }
}

/**
 * The legacy dns.php mapping (spec §Legacy DNS endpoint): one entry per address of every VM
 * that has one — `{forward: FQDN, ip, reverse: the PTR name (custom rDNS, else the FQDN)}`.
 */
export async function legacyDnsMap(ctx: GatewayContext) {
  const rows = (await ctx
    .db('mod_pvebridge_vms as v')
    .join('tblhosting as h', 'h.id', 'v.service_id')
    .whereNotIn('v.state', ['remove', 'terminate_deleted'])
    .whereNotIn('h.domainstatus', ['Terminated', 'Cancelled', 'Fraud'])
    .orderBy('v.service_id')
    .select('v.service_id', 'v.data', 'h.domain', 'h.dedicatedip', 'h.assignedips')) as Array<Record<string, unknown>>;
  const out: Array<{ forward: string; ip: string; reverse: string }> = [];
  for (const r of rows) {
    const data = JSON.parse(String(r.data || '{}')) as {
      fqdn?: string;
      rdns?: Record<string, string>;
      net?: { ipv4?: Array<{ address: string }>; ipv6?: Array<{ address: string }> };
    };
    const forward = String(data.fqdn || r.domain || '');
    const fromNet = [...(data.net?.ipv4 ?? []), ...(data.net?.ipv6 ?? [])].map((e) => e.address);
    const fromSvc = [String(r.dedicatedip ?? ''), ...String(r.assignedips ?? '').split(/[\s,]+/)].map((x) => x.trim()).filter(Boolean);
    const ips = data.net ? fromNet : fromSvc;
    for (const ip of [...new Set(ips)]) out.push({ forward, ip, reverse: data.rdns?.[ip] || forward });
  }
  return out;
}

async function syncDns(ctx: GatewayContext, serviceId: number) {
  const vm = await getVm(ctx.db, serviceId);
  if (!vm) throw new AppError('PVB_NOT_FOUND', `Service ${serviceId} has no VM record`);
  const { queued, previous } = await queuePipelineState(ctx.db, serviceId, 'set_dns_records', ['ready', 'set_dns_records']);
  if (!queued) throw new AppError('PVB_CONFLICT', `DNS can be synced only while the VM is ready (it is ${previous})`);
  ctx.runner?.kick(serviceId);
  return { state: 'set_dns_records' };
}

export const dnsZoneRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/dns-zones',
    summary: 'DNS zones, secrets masked as __KEEP__. → {zones}',
    tag,
    auth: 'shim',
    handler: async ({ ctx, req }) => (adminActor(req), { zones: await listZones(ctx.db, sealer(ctx)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/dns-zones',
    summary:
      'Add a DNS zone (PowerDNS: settings.url + secrets.apiKey; Cloudflare: secrets.apiToken; HestiaCP: settings.url, user + access key or admin password). → zone',
    tag,
    auth: 'shim',
    input: zoneBody,
    handler: ({ ctx, input, req }) => (adminActor(req), createZone(ctx.db, sealer(ctx), input)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/dns-zones/:id',
    summary: 'One DNS zone, secrets masked. → zone',
    tag,
    auth: 'shim',
    input: z.object({ id, actor: z.string().optional() }),
    handler: ({ ctx, input, req }) => (adminActor(req), getZone(ctx.db, sealer(ctx), input.id)),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/admin/dns-zones/:id',
    summary: 'Edit a DNS zone; a secret sent as __KEEP__ (or left out) keeps its stored value. → zone',
    tag,
    auth: 'shim',
    input: zoneBody.partial().extend({ id, settings: settings.optional(), secrets: secrets.optional() }),
    handler: ({ ctx, input, req }) => (adminActor(req), updateZone(ctx.db, sealer(ctx), input.id, input)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/admin/dns-zones/:id',
    summary: 'Delete a DNS zone; the records pvebridge made in it stay at the provider and are forgotten. → {deleted, forgotten}',
    tag,
    auth: 'shim',
    input: z.object({ id, actor: z.string().optional() }),
    handler: async ({ ctx, input, req }) => (adminActor(req), { deleted: true, ...(await deleteZone(ctx.db, input.id)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/dns-zones/:id/test',
    summary: 'Test a zone at its provider (reachability, credentials, zone present). → {ok, problem?, message}',
    tag,
    auth: 'shim',
    input: z.object({ id }),
    handler: ({ ctx, input, req }) => (adminActor(req), testZone(ctx, input.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/dns/legacy-map',
    summary: 'The legacy dns.php mapping: [{forward, ip, reverse}] for every address of every VM (read only). → array',
    tag,
    auth: 'shim',
    handler: ({ ctx, req }) => (adminActor(req), legacyDnsMap(ctx)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/vms/:serviceId/sync-dns',
    summary: 'Sync DNS: queue set_dns_records (create missing, fix wrong, delete stale records pvebridge made), back to ready. → {state}',
    tag,
    auth: 'shim',
    input: z.object({ serviceId: id }),
    handler: ({ ctx, input, req }) => (adminActor(req), syncDns(ctx, input.serviceId)),
  }),
];
