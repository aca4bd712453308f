// The core module functions. Each writes state and returns within milliseconds; pipelines (the
// provisioner) do the Proxmox work. Suspend/Unsuspend/Terminate send a single power request to
// Proxmox and never wait for its task.
import { AppError } from '../../common/errors.ts';
import { getProductSettings } from '../../provisioner/plan/product-settings.ts';
import { DEPLOY_STATES } from '../../provisioner/pipelines/deploy.ts';
import { createVmRecord, getVm, queuePipelineState, setState, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor } from './access.ts';
import { checkPlan } from './plan-policy.ts';
import { syncWhmcsFields } from './product-fields.ts';
import { powerState, sendPower } from './pve.ts';
import { successReply, type Actor, type ServiceCall } from './schemas.ts';
import { assertProvisionable, loadService, type ServiceRow } from './service.ts';
import { activity } from './states.ts';

const actorLabel = (a: Actor) => (a.type === 'system' ? 'system' : `${a.type}:${a.id}`);

async function validatedService(ctx: GatewayContext, call: ServiceCall): Promise<ServiceRow> {
  assertActor(call.actor, ['admin', 'system']);
  const s = await loadService(ctx.db, call.params.serviceid);
  await assertProvisionable(ctx.db, s);
  await syncWhmcsFields(ctx, s.productId);
  await checkPlan(ctx.db, s.id, s.productId, await getProductSettings(ctx.db, s.productId));
  return s;
}

/** States in which a deploy of the service is queued, running or done: a repeated Create is a retry. */
const DEPLOYED_OR_DEPLOYING = new Set<string>([...DEPLOY_STATES, 'reinstall', 'redeploy']);

/**
 * Every module call is idempotent: WHMCS's module queue repeats a call whose reply it did not get
 * (a shim timeout), so a Create for a service whose deploy is queued, running or done answers
 * success instead of a conflict, and so do Suspend/Unsuspend/Terminate/ChangePackage repeated.
 */
export async function createAccount(ctx: GatewayContext, call: ServiceCall) {
  const s = await validatedService(ctx, call);
  const existing = await getVm(ctx.db, s.id);
  const data = { queuedBy: actorLabel(call.actor) };
  if (!existing) {
    try {
      await createVmRecord(ctx.db, { serviceId: s.id, clientId: s.clientId, productId: s.productId, serverId: s.serverId, data });
    } catch (err) {
      // The same call arriving twice at once: the other one wrote the record first.
      const now = await getVm(ctx.db, s.id);
      if (!now || !DEPLOYED_OR_DEPLOYING.has(now.state)) throw err;
    }
  } else if (existing.state === 'remove') {
    // A terminated service created again starts from scratch.
    await setState(ctx.db, s.id, 'creation', { vmid: null, node: null, vmName: null, vmUuid: null, plan: null, data });
  } else if (!DEPLOYED_OR_DEPLOYING.has(existing.state)) {
    throw new AppError(
      'PVB_CONFLICT',
      `This service already has a VM: ${activity(existing.state)}. Use Redeploy or reset the VM status instead.`,
    );
  }
  ctx.runner?.kick(s.id);
  return successReply;
}

async function vmOf(ctx: GatewayContext, call: ServiceCall): Promise<{ s: ServiceRow; vm: VmRecord | undefined }> {
  assertActor(call.actor, ['admin', 'system']);
  const s = await loadService(ctx.db, call.params.serviceid);
  return { s, vm: await getVm(ctx.db, s.id) };
}

export async function suspendAccount(ctx: GatewayContext, call: ServiceCall) {
  const { vm } = await vmOf(ctx, call);
  if (vm?.vmid && vm.node && (await powerState(ctx, vm)) === 'running') await sendPower(ctx, vm, 'stop');
  return successReply;
}

export async function unsuspendAccount(ctx: GatewayContext, call: ServiceCall) {
  const { vm } = await vmOf(ctx, call);
  // A VM still deploying is started by its pipeline; only a ready one is started here.
  if (vm?.vmid && vm.node && vm.state === 'ready' && (await powerState(ctx, vm)) === 'stopped') await sendPower(ctx, vm, 'start');
  return successReply;
}

export async function terminateAccount(ctx: GatewayContext, call: ServiceCall) {
  const { s, vm } = await vmOf(ctx, call);
  if (!vm || vm.state === 'terminate' || vm.state === 'remove') return successReply;
  await setState(ctx.db, s.id, 'terminate', { data: { ...vm.data, queuedBy: actorLabel(call.actor) } });
  if (vm.vmid && vm.node) {
    // Fire and forget (spec v3.2): the VM starts shutting down now; the pipeline polls and deletes.
    void sendPower(ctx, vm, 'stop').catch((err: unknown) => ctx.log.warn({ err, serviceId: s.id }, 'terminate: early stop request failed'));
  }
  ctx.runner?.kick(s.id);
  return successReply;
}

export async function changePackage(ctx: GatewayContext, call: ServiceCall) {
  const s = await validatedService(ctx, call);
  const vm = await getVm(ctx.db, s.id);
  if (!vm) throw new AppError('PVB_CONFLICT', 'This service has no VM yet: run Create first');
  const { queued, previous } = await queuePipelineState(ctx.db, s.id, 'change_package', ['ready', 'change_package'], {
    data: { ...vm.data, queuedBy: actorLabel(call.actor) },
  });
  // A repeated call finds its own change under way (cp_* states): that is success, not a conflict.
  if (!queued && !(previous ?? '').startsWith('cp_'))
    throw new AppError('PVB_CONFLICT', `Change Package not queued: ${activity(previous ?? vm.state)}. Try again once the VM is ready.`);
  if (!queued) return successReply;
  ctx.runner?.kick(s.id);
  return successReply;
}
