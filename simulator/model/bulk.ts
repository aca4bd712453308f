// Fast bulk seeding for benchmarks and tests: thousands of small VMs straight into the model
// (no tasks, no volumes), spread over the scenario's nodes. cluster/resources and status/current
// answer for them like for any VM; disk-touching calls are not meant for them.
import type { ClusterState } from './state.ts';

export interface BulkVmOptions {
  /** First VMID (default 1000). */
  firstVmid?: number;
  /** VM names: `${prefix}${vmid}` (default "bulk-"). */
  prefix?: string;
  /** Every n-th VM runs (default 2: half of them). */
  runningEvery?: number;
  tags?: string;
}

/** Adds `count` VMs round-robin over the nodes; returns their VMIDs. */
export function seedBulkVms(state: ClusterState, count: number, o: BulkVmOptions = {}): number[] {
  const nodes = state.scenario.nodes.map((n) => n.name);
  const first = o.firstVmid ?? 1000;
  const every = o.runningEvery ?? 2;
  const now = Date.now();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const vmid = first + i;
    if (state.vms.has(vmid)) throw new Error(`bulk seed: VM ${vmid} exists`);
    const vm = state.newVm(vmid, nodes[i % nodes.length]!, {
      name: `${o.prefix ?? 'bulk-'}${vmid}`,
      memory: '2048',
      cores: '2',
      scsi0: `local-lvm:vm-${vmid}-disk-0,size=20G`,
      ...(o.tags ? { tags: o.tags } : {}),
    });
    if (every > 0 && i % every === 0) {
      vm.status = 'running';
      vm.startedAt = now - (i % 86_400) * 1000;
    }
    ids.push(vmid);
  }
  return ids;
}
