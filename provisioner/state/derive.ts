// Pure rules of the live state: match a /cluster/resources listing to our VM records, decide
// what moved and what vanished, and what power state a person is shown. No I/O here.
import type { ClusterResource, VmStatus } from '../proxmox/index.ts';
import type { LiveState } from './cache.ts';

/** One of our VM records as the refresher needs it. */
export interface OurVm {
  serviceId: number;
  serverId: number;
  vmid: number;
  node: string | null;
  vmName: string | null;
  state: string;
}

export interface Moved {
  serviceId: number;
  from: string | null;
  to: string;
}

export interface Reconciled {
  states: LiveState[];
  moved: Moved[];
  /** Services newly missing from the listing (were seen before, or are ready). */
  vanished: number[];
  /** Services listed without figures (node offline, no RRD data): last values kept. */
  stale: number[];
}

export type Power = 'running' | 'stopped' | 'paused' | 'suspended' | 'unknown';

/** The tag deploy puts on every VM it creates (provisioner/pipelines/deploy.ts). */
export const OUR_TAG = 'pvebridge';

/**
 * A VMID alone is not identity (invariant 5): the entry is our VM when its name is the record's
 * VM name, or, for a record without one, when it carries our tag (or no tags at all to compare).
 */
export function isOurs(r: ClusterResource, vm: OurVm): boolean {
  if (vm.vmName) return r.name === vm.vmName;
  if (r.tags) return r.tags.split(/[;,\s]+/).includes(OUR_TAG);
  return true;
}

/**
 * Proxmox lists a guest of an offline node (or one without RRD data yet) with `status: unknown`
 * and without name, template or maxmem: such an entry says nothing about the VM's figures.
 */
export function hasFigures(r: ClusterResource): boolean {
  return r.status !== undefined && r.status !== 'unknown' && r.name !== undefined && r.maxmem !== undefined;
}

const blank = (vm: OurVm, now: number): LiveState => ({
  serviceId: vm.serviceId,
  serverId: vm.serverId,
  vmid: vm.vmid,
  node: vm.node,
  status: null,
  qmpstatus: null,
  lock: null,
  uptime: null,
  cpu: null,
  cpus: null,
  mem: null,
  maxmem: null,
  disk: null,
  maxdisk: null,
  netin: null,
  netout: null,
  seenAt: null,
  detailAt: null,
  checkedAt: now,
  stale: false,
  vanished: false,
  vanishedAt: null,
});

const opt = (v: number | undefined) => (v === undefined ? null : v);

/** The state a listing entry with figures gives; qmpstatus survives only while the status holds. */
function fromListing(vm: OurVm, r: ClusterResource, prev: LiveState | undefined, now: number): LiveState {
  const status = r.status ?? null;
  const keepQmp = prev && prev.status === status && prev.vmid === vm.vmid;
  return {
    ...blank(vm, now),
    node: r.node ?? vm.node,
    status,
    qmpstatus: status === 'stopped' ? 'stopped' : keepQmp ? prev.qmpstatus : null,
    detailAt: keepQmp ? prev.detailAt : null,
    lock: r.lock ?? null,
    uptime: opt(r.uptime),
    cpu: opt(r.cpu),
    cpus: opt(r.maxcpu),
    mem: opt(r.mem),
    maxmem: opt(r.maxmem),
    disk: opt(r.disk),
    maxdisk: opt(r.maxdisk),
    netin: opt((r as { netin?: number }).netin),
    netout: opt((r as { netout?: number }).netout),
    seenAt: now,
  };
}

/** Reconciles one server's successful listing with our records of that server. */
export function reconcile(ours: OurVm[], items: ClusterResource[], prev: Map<number, LiveState>, now: number): Reconciled {
  const byVmid = new Map<number, ClusterResource>();
  for (const r of items) if (r.type === 'qemu' && r.vmid !== undefined) byVmid.set(r.vmid, r);
  const out: Reconciled = { states: [], moved: [], vanished: [], stale: [] };
  for (const vm of ours) {
    const before = prev.get(vm.serviceId);
    const r = byVmid.get(vm.vmid);
    if (r && !hasFigures(r)) {
      // Keep the last figures (with their age); only say the data is stale.
      out.states.push({ ...(before ?? blank(vm, now)), checkedAt: now, stale: true });
      out.stale.push(vm.serviceId);
    } else if (r && isOurs(r, vm)) {
      out.states.push(fromListing(vm, r, before, now));
      if (r.node && r.node !== vm.node) out.moved.push({ serviceId: vm.serviceId, from: vm.node, to: r.node });
    } else if ((before && (before.seenAt !== null || before.vanished)) || vm.state === 'ready') {
      // Gone (or its VMID now holds another guest). A VM not created yet is not "vanished".
      out.states.push({ ...(before ?? blank(vm, now)), checkedAt: now, vanished: true, vanishedAt: before?.vanishedAt ?? now });
      if (!before?.vanished) out.vanished.push(vm.serviceId);
    }
  }
  return out;
}

/** Merges a status/current answer (asked only for VMs someone is looking at). */
export function withDetail(s: LiveState, d: VmStatus & { cpu?: number; netin?: number; netout?: number }, now: number): LiveState {
  return {
    ...s,
    status: d.status,
    cpu: d.cpu ?? s.cpu,
    qmpstatus: d.qmpstatus ?? (d.status === 'stopped' ? 'stopped' : s.qmpstatus),
    lock: d.lock ?? null,
    uptime: d.uptime ?? s.uptime,
    cpus: d.cpus ?? s.cpus,
    mem: d.mem ?? s.mem,
    maxmem: d.maxmem ?? s.maxmem,
    maxdisk: d.maxdisk ?? s.maxdisk,
    netin: d.netin ?? s.netin,
    netout: d.netout ?? s.netout,
    detailAt: now,
    seenAt: now,
    stale: false,
  };
}

/** The power state a person is shown: "unknown" only when nothing trustworthy is known. */
export function powerOf(s: LiveState | undefined): Power {
  if (!s || s.vanished || s.status === null) return 'unknown';
  if (s.lock === 'suspended' || s.qmpstatus === 'suspended') return 'suspended';
  if (s.status === 'running') return s.qmpstatus === 'paused' ? 'paused' : 'running';
  if (s.status === 'stopped') return 'stopped';
  return 'unknown';
}
