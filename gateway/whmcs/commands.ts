// Admin custom commands (the spec's "Module Commands"), one table. Markers as in the spec:
//   *  may run while the VM is running     ** only while it is stopped
//   -> takes part in the deploy pipeline and points to the next step
// A pipeline command moves the VM record to the state *before* its step (a state names the last
// completed step) and kicks the runner, which runs that step and the rest of the chain to ready.
// Power commands send one request to Proxmox and do not wait for its task.
import { accessDenied, AppError } from '../../common/errors.ts';
import { getVm, setState, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor, assertClientOwnsService, type ClientPermission } from './access.ts';
import { powerState, removeVm, sendPower, type PowerState } from './pve.ts';
import { successReply, type ServiceCall } from './schemas.ts';
import { loadService } from './service.ts';
import { activity } from './states.ts';

type Needs = 'running' | 'stopped' | 'any';

export interface Command {
  /** PHP function suffix (pvebridge_<fn>) and route name (/v1/whmcs/<fn>). */
  fn: string;
  /** Button label, with the spec's markers. */
  label: string;
  needs: Needs;
  /** The client-area permission that lets a client run it (Start/Stop only). */
  client?: ClientPermission;
  run(ctx: GatewayContext, vm: VmRecord, power: PowerState | undefined): Promise<void>;
}

const requeue =
  (state: string, needsVm = true) =>
  async (ctx: GatewayContext, vm: VmRecord) => {
    if (needsVm && !vm.vmid) throw new AppError('PVB_CONFLICT', 'The VM has not been cloned yet: let the deploy reach this step first');
    await setState(ctx.db, vm.serviceId, state);
    ctx.runner?.kick(vm.serviceId);
  };

/** Steps before the clone: only while no VM exists, or a second VM would be cloned. */
const beforeClone = (state: string) => async (ctx: GatewayContext, vm: VmRecord) => {
  if (vm.vmid && !['creation', 'set_ip', 'remove'].includes(vm.state)) {
    throw new AppError('PVB_CONFLICT', `The VM already exists (VMID ${vm.vmid}); use Redeploy to start over`);
  }
  await setState(ctx.db, vm.serviceId, state);
  ctx.runner?.kick(vm.serviceId);
};

export const commands: Command[] = [
  {
    fn: 'Start',
    label: 'Start',
    needs: 'stopped',
    client: 'start',
    async run(ctx, vm) {
      if (vm.state !== 'ready')
        throw new AppError('PVB_CONFLICT', `The VM cannot be started now: ${activity(vm.state)}`, undefined, { key: 'error.vm_busy' });
      await sendPower(ctx, vm, 'start');
    },
  },
  { fn: 'Stop', label: 'Stop', needs: 'running', client: 'stop', run: (ctx, vm) => sendPower(ctx, vm, 'stop').then(() => undefined) },
  { fn: 'Reinstall', label: '**Reinstall', needs: 'stopped', run: requeue('reinstall') },
  { fn: 'VMSetDedicatedIp', label: 'VMSetDedicatedIp ->', needs: 'any', run: beforeClone('creation') },
  { fn: 'VMClone', label: 'VMClone ->', needs: 'any', run: beforeClone('set_ip') },
  { fn: 'SetCPURAM', label: '**Set CPU RAM ->', needs: 'stopped', run: requeue('migrated') },
  { fn: 'SetSystemDiskSize', label: '*Set System Disk Size ->', needs: 'any', run: requeue('set_cpu_ram') },
  { fn: 'SetSystemDiskBandwidth', label: '*Set System Disk Bandwidth ->', needs: 'any', run: requeue('set_system_disk_size') },
  { fn: 'SetCreatedAdditionalDisk', label: '*Set Created Additional Disk ->', needs: 'any', run: requeue('set_system_disk_bandwidth') },
  { fn: 'SetAdditionalDiskSize', label: '*Set Additional Disk Size ->', needs: 'any', run: requeue('set_created_additional_disk') },
  { fn: 'SetAdditionalDiskBandwidth', label: '*Set Additional Disk Bandwidth ->', needs: 'any', run: requeue('set_additional_disk_size') },
  { fn: 'SetNetwork', label: '*Set Network ->', needs: 'any', run: requeue('set_additional_disk_bandwidth') },
  { fn: 'SetFirewall', label: '*Set Firewall ->', needs: 'any', run: requeue('set_network') },
  { fn: 'SetCloudinit', label: '**SetCloudinit', needs: 'stopped', run: requeue('set_firewall') },
  {
    fn: 'VMRemove',
    label: '*VMRemove',
    // Proxmox refuses to destroy a running VM, so the VM must be stopped first.
    needs: 'stopped',
    async run(ctx, vm) {
      await removeVm(ctx, vm);
      await setState(ctx.db, vm.serviceId, 'remove');
    },
  },
  { fn: 'SetDNSRecords', label: 'Set DNS records', needs: 'any', run: requeue('set_dns_records', false) },
  {
    fn: 'Redeploy',
    label: 'Redeploy',
    needs: 'any',
    async run(ctx, vm) {
      // Spec (VM Management): offered only while the VM is not ready; destroys it and deploys anew.
      if (vm.state === 'ready') throw new AppError('PVB_CONFLICT', 'Redeploy is for a VM whose deploy did not finish; this VM is ready');
      await setState(ctx.db, vm.serviceId, vm.vmid ? 'redeploy' : 'creation');
      ctx.runner?.kick(vm.serviceId);
    },
  },
];

export const commandByFn = new Map(commands.map((c) => [c.fn, c]));

const plainLabel = (c: Command) => c.label.replace(/^\*+|\s*->$/g, '');

function needsMessage(c: Command, power: PowerState): string {
  if (c.fn === 'Start') return 'The VM is already running';
  if (c.fn === 'Stop') return `The VM is not running (it is ${power})`;
  return c.needs === 'stopped'
    ? `${plainLabel(c)} needs a stopped VM, and the VM is ${power}: stop it first`
    : `${plainLabel(c)} needs a running VM, and the VM is ${power}`;
}

/** What a person is told (a language key, php-shim/lang/server/errors.ts). */
const needsKey = (c: Command) => (c.fn === 'Start' ? 'error.already_running' : c.fn === 'Stop' ? 'error.not_running' : 'error.conflict');

/** Runs one command for an admin, the system, or (Start/Stop only) the owning client. */
export async function runCommand(ctx: GatewayContext, c: Command, call: ServiceCall) {
  if (call.actor.type === 'client') {
    if (!c.client) throw accessDenied();
    await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid, c.client);
  } else {
    assertActor(call.actor, ['admin', 'system']);
  }
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  if (!vm) throw new AppError('PVB_CONFLICT', 'This service has no VM record yet: run Create first');
  let power: PowerState | undefined;
  if (c.needs !== 'any') {
    if (!vm.vmid || !vm.node)
      throw new AppError('PVB_CONFLICT', `The VM does not exist yet: ${activity(vm.state)}`, undefined, { key: 'error.vm_busy' });
    power = await powerState(ctx, vm);
    if (power !== c.needs) throw new AppError('PVB_CONFLICT', needsMessage(c, power), undefined, { key: needsKey(c) });
  }
  await c.run(ctx, vm, power);
  return successReply;
}
