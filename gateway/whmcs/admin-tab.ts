// The admin service page: rows for the module's tab (VM ID, local status, last error, reverse DNS
// names per IP) and the save of the reverse DNS names. Saved names are kept on the VM record and,
// on a ready VM, queue a DNS resync (set_dns_records) for the DNS layer.
import { AppError } from '../../common/errors.ts';
import { getVm, patchVm, queuePipelineState } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor } from './access.ts';
import type { ServiceCall } from './schemas.ts';
import { loadService, serviceIps } from './service.ts';
import { activity } from './states.ts';

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;

export async function adminTabFields(ctx: GatewayContext, call: ServiceCall) {
  assertActor(call.actor, ['admin', 'system']);
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  const rdns = (vm?.data.rdns ?? {}) as Record<string, string>;
  return {
    // `key`/`text`: what the shim shows, translated; label/value stay for logs and other callers.
    rows: [
      {
        label: 'VM ID',
        key: 'tab.vmid',
        value: vm?.vmid ? `${vm.vmid}${vm.node ? ` on ${vm.node}` : ''}` : 'not assigned yet',
        text: vm?.vmid
          ? vm.node
            ? { key: 'tab.vmid_value', args: { vmid: vm.vmid, node: vm.node } }
            : null
          : { key: 'tab.vmid_none', args: {} },
      },
      {
        label: 'Local status',
        key: 'tab.local_status',
        value: vm ? `${vm.state}${vm.state === 'ready' ? '' : ` — ${activity(vm.state)}`}` : 'no VM record (run Create)',
        text: vm
          ? { key: `state.${vm.state}`, args: {}, detail: vm.state === 'ready' ? null : `activity.${vm.state}` }
          : { key: 'tab.no_record', args: {} },
      },
      ...(vm?.lastError ? [{ label: 'Last error', key: 'tab.last_error', value: vm.lastError, text: null }] : []),
    ],
    rdns: serviceIps(s).map((ip) => ({ ip, ptr: rdns[ip] ?? '' })),
  };
}

export async function adminTabFieldsSave(ctx: GatewayContext, call: ServiceCall & { rdns?: Record<string, string> }) {
  assertActor(call.actor, ['admin', 'system']);
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  if (!call.rdns || !Object.keys(call.rdns).length) return { result: 'success' as const, changed: false };
  if (!vm) throw new AppError('PVB_CONFLICT', 'This service has no VM record yet: run Create first');
  const ips = new Set(serviceIps(s));
  const current = (vm.data.rdns ?? {}) as Record<string, string>;
  const next = { ...current };
  for (const [ip, raw] of Object.entries(call.rdns)) {
    const ptr = raw.trim();
    if (!ips.has(ip)) throw new AppError('PVB_VALIDATION', `${ip} is not an IP of this service`, { [ip]: 'not an IP of this service' });
    if (ptr && !HOSTNAME.test(ptr)) throw new AppError('PVB_VALIDATION', `"${ptr}" is not a valid host name`, { [ip]: 'not a host name' });
    if (ptr) next[ip] = ptr;
    else delete next[ip];
  }
  const changed = JSON.stringify(next) !== JSON.stringify(current);
  if (changed) {
    await patchVm(ctx.db, s.id, { data: { rdns: next } });
    const { queued } = await queuePipelineState(ctx.db, s.id, 'set_dns_records', ['ready']);
    if (queued) ctx.runner?.kick(s.id);
  }
  return { result: 'success' as const, changed };
}
