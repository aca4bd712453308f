// Node placement (spec: Target node, Migration step). The target is the pinned node, or
// "automatically" the online node with the most free resources that has the needed storage.
// Cloning happens on the template's node; when the target differs: a template on shared
// storage is cloned straight to the target (Proxmox's `target`), otherwise the clone is migrated
// offline afterwards with targetstorage — as a full clone, since Proxmox cannot move a linked
// clone off its base. No suitable target → the VM stays on the template node, and says so.
import type { ClusterResource } from './proxmox/types.ts';

/** One volume of the template config: a disk, the cloud-init drive or a CD-ROM's ISO. */
export interface TemplateVolume {
  key: string;
  storage: string;
  kind: 'disk' | 'cloudinit' | 'iso';
}

const DRIVE_KEY = /^(scsi|virtio|sata|ide)\d+$|^(efidisk|tpmstate)0$/;

/**
 * Every volume Proxmox weighs when cloning to another node (Qemu.pm check_storage_access_clone:
 * disks, the cloud-init drive and ISOs in CD-ROMs; `none` and a host `cdrom` are skipped).
 */
export function templateVolumes(config: Record<string, unknown>): TemplateVolume[] {
  const out: TemplateVolume[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (!DRIVE_KEY.test(key)) continue;
    const value = String(raw);
    const file = value.split(',')[0]!.replace(/^file=/, '');
    if (file === 'none' || file === 'cdrom' || !file.includes(':')) continue;
    const cdrom = /(^|,)media=cdrom(,|$)/.test(value);
    const kind = /vm-\d+-cloudinit/.test(file) ? 'cloudinit' : cdrom || /:iso\//.test(file) ? 'iso' : 'disk';
    out.push({ key, storage: file.slice(0, file.indexOf(':')), kind });
  }
  return out;
}

export interface PlacementInput {
  resources: ClusterResource[];
  /** volumes: the whole template config (templateVolumes); without it only the system disk counts. */
  template: { node: string; storage: string; volumes?: TemplateVolume[] };
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
  /** CD-ROM keys holding an ISO on local storage: emptied before the migration (Proxmox refuses it). */
  ejectCdroms: string[];
  note: string;
}

interface NodeInfo {
  name: string;
  freeMb: number;
  freeCpu: number;
}

const isShared = (r: ClusterResource[], storage: string) =>
  r.some((x) => x.type === 'storage' && x.storage === storage && Number(x.shared) === 1);

/** The storage is on the node, available, and holds VM disks (Proxmox refuses `images`-less storages with a 400). */
function hasStorage(r: ClusterResource[], node: string, storage: string): boolean {
  return r.some(
    (x) =>
      x.type === 'storage' &&
      x.node === node &&
      x.storage === storage &&
      (x.status === undefined || x.status === 'available') &&
      (x.content === undefined || x.content.split(',').includes('images')),
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
    ejectCdroms: [],
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
  const volumes = p.template.volumes ?? [{ key: 'system', storage: p.template.storage, kind: 'disk' as const }];
  const local = volumes.filter((v) => !isShared(p.resources, v.storage));
  if (!local.length && (p.storage === null || p.storage === p.template.storage || isShared(p.resources, storage))) {
    return {
      target,
      cloneTarget: target,
      migrate: false,
      full: p.cloneType === 'full',
      targetStorage: '1',
      ejectCdroms: [],
      note: `cloned straight to ${target} (shared storage)`,
    };
  }
  if (!p.migrationEnabled) return stay(`post-clone migration is disabled: staying on template node ${p.template.node}`);
  const isos = local.filter((v) => v.kind === 'iso');
  const why = local.length ? `${local.map((v) => `${v.key} on ${v.storage}`).join(', ')} local` : `storage ${storage} not shared`;
  return {
    target,
    cloneTarget: null,
    migrate: true,
    // A linked clone cannot leave its base's node; a shared-storage linked clone never gets here.
    full: true,
    targetStorage: storage === p.template.storage ? '1' : storage,
    ejectCdroms: isos.map((v) => v.key),
    note: `clone on ${p.template.node}, then migrate to ${target} (${why}${isos.length ? '; local ISO ejected first' : ''})`,
  };
}
