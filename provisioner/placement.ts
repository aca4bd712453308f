// Node placement (spec: Target node, Migration step). The target is the pinned node, or
// "automatically" the online node with the most free resources that has the needed storage.
// Cloning happens on the template's node; when the target differs: a template on shared
// storage is cloned straight to the target (Proxmox's `target`), otherwise the clone is migrated
// offline afterwards with targetstorage — as a full clone, since Proxmox cannot move a linked
// clone off its base. No suitable target → the VM stays on the template node, and says so.
import type { ClusterResource } from './proxmox/types.ts';

export interface PlacementInput {
  resources: ClusterResource[];
  template: { node: string; storage: string };
  /** Pinned node, or null for automatically. */
  pinned: string | null;
  /** Storage the system disk must end on; null = the template's. */
  storage: string | null;
  cloneType: 'linked' | 'full';
  memoryMb: number;
  migrationEnabled: boolean;
  /** Memory (MB) of VMs already placed on each node but not yet running (in-flight deploys). */
  reservedMb?: Record<string, number>;
}

export interface Placement {
  target: string;
  /** Pass `target` to the clone call (template on shared storage). */
  cloneTarget: string | null;
  /** Migrate after cloning (template on local storage). */
  migrate: boolean;
  /** Clone type actually used (a clone that will be migrated must be full). */
  full: boolean;
  /** targetstorage for the migration ('1' keeps names). */
  targetStorage: string;
  note: string;
}

interface NodeInfo {
  name: string;
  freeMb: number;
  freeCpu: number;
}

const isShared = (r: ClusterResource[], storage: string) =>
  r.some((x) => x.type === 'storage' && x.storage === storage && Number(x.shared) === 1);

function hasStorage(r: ClusterResource[], node: string, storage: string): boolean {
  return r.some(
    (x) => x.type === 'storage' && x.node === node && x.storage === storage && (x.status === undefined || x.status === 'available'),
  );
}

function onlineNodes(r: ClusterResource[], reservedMb: Record<string, number>): NodeInfo[] {
  return r
    .filter((x) => x.type === 'node' && x.status === 'online' && x.node)
    .map((x) => ({
      name: x.node!,
      freeMb: ((x.maxmem ?? 0) - (x.mem ?? 0)) / 1024 ** 2 - (reservedMb[x.node!] ?? 0),
      freeCpu: (x.maxcpu ?? 0) * (1 - (x.cpu ?? 0)),
    }));
}

/** The node with the most free memory (then CPU) that has the storage; name order breaks ties. */
export function mostFreeNode(nodes: NodeInfo[]): NodeInfo | undefined {
  return [...nodes].sort((a, b) => b.freeMb - a.freeMb || b.freeCpu - a.freeCpu || a.name.localeCompare(b.name))[0];
}

export function choosePlacement(p: PlacementInput): Placement {
  const storage = p.storage ?? p.template.storage;
  const nodes = onlineNodes(p.resources, p.reservedMb ?? {});
  const fit = nodes.filter((n) => hasStorage(p.resources, n.name, storage) && n.freeMb >= p.memoryMb);
  const stay = (note: string): Placement => ({
    target: p.template.node,
    cloneTarget: null,
    migrate: false,
    full: p.cloneType === 'full',
    targetStorage: '1',
    note,
  });
  let target: string;
  if (p.pinned) {
    if (!fit.some((n) => n.name === p.pinned))
      return stay(
        `pinned node ${p.pinned} is not online or lacks storage ${storage} / memory: staying on template node ${p.template.node}`,
      );
    target = p.pinned;
  } else {
    const best = mostFreeNode(fit);
    if (!best) return stay(`no online node has storage ${storage} and ${p.memoryMb} MB free: staying on template node ${p.template.node}`);
    target = best.name;
  }
  if (target === p.template.node) return stay(`target ${target} is the template node`);
  const sharedTemplate = isShared(p.resources, p.template.storage);
  if (sharedTemplate && (p.storage === null || p.storage === p.template.storage || isShared(p.resources, storage))) {
    return {
      target,
      cloneTarget: target,
      migrate: false,
      full: p.cloneType === 'full',
      targetStorage: '1',
      note: `cloned straight to ${target} (shared storage)`,
    };
  }
  if (!p.migrationEnabled) return stay(`post-clone migration is disabled: staying on template node ${p.template.node}`);
  return {
    target,
    cloneTarget: null,
    migrate: true,
    full: true,
    targetStorage: storage === p.template.storage ? '1' : storage,
    note: `clone on ${p.template.node}, then migrate to ${target}`,
  };
}
