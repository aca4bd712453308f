// Admin API: the per-VM actions of spec §VM Management (used by the addon pages): Redeploy (only
// while the VM is not ready), Reset VM Status (to a re-runnable state), Delete Record (only in
// error_terminate/remove; touches neither Proxmox nor tblhosting) — plus Reinstall for an admin
// or the owning client (REINSTALL typed exactly, a template from the product's list, no lock).
// Each writes state and kicks the runner; none waits for a Proxmox task (invariant 1). Who acts:
// `actor` in the body (module API style) or the signed `?actor=admin:<id>` of the admin API.
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import { getProductSettings } from '../../provisioner/plan/product-settings.ts';
import { loadServiceOptions, optionOverrides } from '../../provisioner/plan/resolve.ts';
import { deleteVmRecord, getVm, patchVm, queuePipelineState, setState, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { assertClientOwnsService } from '../whmcs/access.ts';
import { upstream } from '../whmcs/pve.ts';
import { activity } from '../whmcs/states.ts';
import { adminActor as actorFromQuery } from './actor.ts';

/** The spec's Reset VM Status targets. */
export const RESET_STATES = ['ready', 'creation', 'set_ip', 'change_package', 'set_dns_records', 'terminate', 'remove'] as const;

const id = z.coerce.number().int().positive();
const adminActor = z.discriminatedUnion('type', [z.object({ type: z.literal('admin'), id }), z.object({ type: z.literal('system') })]);
const anyActor = z.discriminatedUnion('type', [
  z.object({ type: z.literal('admin'), id }),
  z.object({ type: z.literal('client'), id }),
  z.object({ type: z.literal('system') }),
]);

async function vmOrThrow(ctx: GatewayContext, serviceId: number): Promise<VmRecord> {
  const vm = await getVm(ctx.db, serviceId);
  if (!vm) throw new AppError('PVB_NOT_FOUND', `Service ${serviceId} has no VM record`);
  return vm;
}

/** Working data of an earlier attempt that a re-queued pipeline must not resume from. */
const STALE_KEYS = [
  'termStop',
  'termStartedAt',
  'vmGone',
  'terminateLogged',
  'cpVerifyAttempts',
  'upgradeEmailSent',
  'verifyAttempts',
  'restarts',
];

export async function redeploy(ctx: GatewayContext, serviceId: number): Promise<{ state: string }> {
  const vm = await vmOrThrow(ctx, serviceId);
  if (vm.state === 'ready') throw new AppError('PVB_CONFLICT', 'Redeploy is offered only while the VM is not ready');
  const state = vm.vmid ? 'redeploy' : 'creation';
  await setState(ctx.db, serviceId, state);
  ctx.runner?.kick(serviceId);
  return { state };
}

export async function resetStatus(
  ctx: GatewayContext,
  serviceId: number,
  state: (typeof RESET_STATES)[number],
): Promise<{ state: string }> {
  const vm = await vmOrThrow(ctx, serviceId);
  await setState(ctx.db, serviceId, state, { data: Object.fromEntries(Object.entries(vm.data).filter(([k]) => !STALE_KEYS.includes(k))) });
  ctx.runner?.kick(serviceId);
  return { state };
}

export async function deleteRecord(ctx: GatewayContext, serviceId: number): Promise<{ deleted: true }> {
  const vm = await vmOrThrow(ctx, serviceId);
  if (!(await deleteVmRecord(ctx.db, serviceId))) {
    throw new AppError('PVB_CONFLICT', `Delete Record is only for VMs in error_terminate or remove; this one is in ${vm.state}`);
  }
  return { deleted: true };
}

/** Templates a reinstall may use: the product's OS template and the Operating System option's values. */
export async function allowedTemplates(ctx: GatewayContext, serviceId: number, productId: number): Promise<number[]> {
  const out = new Set<number>();
  const settings = await getProductSettings(ctx.db, productId);
  if (settings.osTemplate >= 100) out.add(settings.osTemplate);
  const current = optionOverrides(await loadServiceOptions(ctx.db, serviceId)).os;
  if (current) out.add(current);
  const subs = (await ctx
    .db('tblproductconfiglinks as l')
    .join('tblproductconfigoptions as o', 'o.gid', 'l.gid')
    .join('tblproductconfigoptionssub as s', 's.configid', 'o.id')
    .where('l.pid', productId)
    .andWhere((q) => q.where('o.optionname', 'Operating System').orWhere('o.optionname', 'like', 'OS|%'))
    .select('s.optionname as name')) as Array<{ name: string }>;
  for (const s of subs) {
    const n = Number(String(s.name).split('|')[0]);
    if (Number.isInteger(n) && n >= 100) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

async function lockOf(ctx: GatewayContext, vm: VmRecord): Promise<string | undefined> {
  if (!vm.vmid || !vm.node) return undefined;
  const { proxmoxForServer } = await import('../../provisioner/servers.ts');
  const pve = await proxmoxForServer(ctx.db, ctx.config, vm.serverId);
  try {
    const lock = (await pve.nodes(vm.node).qemu(vm.vmid).config.get()).lock;
    return lock ? String(lock) : undefined;
  } catch (err) {
    throw upstream(err, `config of VM ${vm.vmid}`);
  } finally {
    await pve.close();
  }
}

export interface ReinstallRequest {
  serviceId: number;
  actor: z.output<typeof anyActor>;
  template?: number | undefined;
  confirm?: string | undefined;
}

export async function requestReinstall(ctx: GatewayContext, r: ReinstallRequest): Promise<{ state: string; template: number }> {
  if (r.actor.type === 'client') {
    await assertClientOwnsService(ctx.db, r.actor.id, r.serviceId, 'reinstall');
    if (r.confirm !== 'REINSTALL')
      throw new AppError('PVB_VALIDATION', 'Type REINSTALL (in capital letters) to confirm', { confirm: 'must be REINSTALL' });
  }
  const vm = await vmOrThrow(ctx, r.serviceId);
  const allowed = await allowedTemplates(ctx, r.serviceId, vm.productId);
  const template = r.template ?? allowed[0];
  if (template === undefined || !allowed.includes(template)) {
    throw new AppError('PVB_VALIDATION', `Template ${r.template ?? '-'} is not offered for this product`, {
      template: `one of ${allowed.join(', ') || '(none)'}`,
    });
  }
  if (vm.state !== 'ready') throw new AppError('PVB_CONFLICT', `Reinstall is not possible now: ${activity(vm.state)}`);
  const lock = await lockOf(ctx, vm);
  if (lock) throw new AppError('PVB_CONFLICT', `The VM is locked by another operation (${lock}); try again when it has finished`);
  await patchVm(ctx.db, r.serviceId, { data: { reinstallTemplate: template, keepMac: null } });
  const { queued, previous } = await queuePipelineState(ctx.db, r.serviceId, 'reinstall', ['ready']);
  if (!queued) throw new AppError('PVB_CONFLICT', `Reinstall is not possible now: ${activity(previous ?? vm.state)}`);
  ctx.runner?.kick(r.serviceId);
  return { state: 'reinstall', template };
}

const tag = 'admin API';
const path = (action: string) => `/v1/admin/vms/:serviceId/${action}`;

export const vmActionRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: path('redeploy'),
    summary: 'Redeploy: destroy the VM (if ours), release its IPs, clear its log, deploy from creation. Only while not ready. → {state}',
    tag,
    auth: 'shim',
    input: z.object({ serviceId: id, actor: adminActor.optional() }),
    handler: ({ ctx, input, req }) => (input.actor ?? actorFromQuery(req), redeploy(ctx, input.serviceId)),
  }),
  defineRoute({
    method: 'post',
    path: path('reset'),
    summary:
      'Reset VM Status to a re-runnable state (ready, creation, set_ip, change_package, set_dns_records, terminate, remove). → {state}',
    tag,
    auth: 'shim',
    input: z.object({ serviceId: id, actor: adminActor.optional(), state: z.enum(RESET_STATES) }),
    audit: { before: async (ctx, input) => ({ state: (await getVm(ctx.db, input.serviceId))?.state ?? null }) },
    handler: ({ ctx, input, req }) => (input.actor ?? actorFromQuery(req), resetStatus(ctx, input.serviceId, input.state)),
  }),
  defineRoute({
    method: 'post',
    path: path('delete-record'),
    summary: 'Delete Record: remove the VM row (only in error_terminate or remove). Touches neither Proxmox nor tblhosting. → {deleted}',
    tag,
    auth: 'shim',
    input: z.object({ serviceId: id, actor: adminActor.optional() }),
    audit: { before: async (ctx, input) => ({ state: (await getVm(ctx.db, input.serviceId))?.state ?? null }) },
    handler: ({ ctx, input, req }) => (input.actor ?? actorFromQuery(req), deleteRecord(ctx, input.serviceId)),
  }),
  defineRoute({
    method: 'post',
    path: path('reinstall'),
    summary:
      'Reinstall from a template of the product (client: permission, confirm = REINSTALL). Keeps VMID, IPs, MAC; new password. → {state, template}',
    tag,
    auth: 'shim',
    input: z.object({
      serviceId: id,
      actor: anyActor.optional(),
      template: z.coerce.number().int().min(100).optional(),
      confirm: z.string().max(32).optional(),
    }),
    handler: ({ ctx, input, req }) => requestReinstall(ctx, { ...input, actor: input.actor ?? actorFromQuery(req) }),
  }),
] as RouteDef[];
