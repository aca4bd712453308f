// The cluster model: nodes, storages, volumes, VMs and tasks. Tasks run on the clock: each has
// an end time (duration × timeScale) and `advance()` (called before every request) finishes the
// ones that are due, applying their effect. No timers, so thousands of VMs stay cheap.
import { createHash } from 'node:crypto';
import { die } from '../http/errors.ts';
import { createRng, type Rng } from './rng.ts';
import { formatUpid } from './upid.ts';
import { diskEntries, GiB, parseSize, volumeName } from './disks.ts';
import type { Scenario, StorageSpec, Task, TaskEffect, Vm, Volume } from './types.ts';

export interface EffectContext {
  state: ClusterState;
  task: Task;
  args: Record<string, unknown>;
}

export interface Effect {
  /** Applies the task's result; may throw to fail the task. */
  apply(ctx: EffectContext): void;
  /** Runs when the task failed (before or in apply). */
  cleanup?(ctx: EffectContext): void;
}

const effects = new Map<string, Effect>();
export const registerEffect = (kind: string, effect: Effect) => effects.set(kind, effect);

export interface TaskStart {
  node: string;
  type: string;
  id: string | number;
  user: string;
  seconds: number;
  /** In-task check result known at start (Proxmox would fail inside the worker). */
  error?: string;
  effect?: TaskEffect;
  log?: string[];
  /** VM whose lock is released when the task ends. */
  unlock?: number;
}

export class ClusterState {
  readonly vms = new Map<number, Vm>();
  readonly volumes = new Map<string, Volume>();
  readonly tasks = new Map<string, Task>();
  running: Task[] = [];
  nextPid = 0x1a2b0;
  readonly bootMs = Date.now() - 86_400_000;
  readonly rng: Rng;
  /** Called after state changes (persistence). */
  onChange: () => void = () => {};
  /** Decides whether a task of this type fails (fault injection); returns the error text. */
  taskFault: (type: string) => string | undefined = () => undefined;
  downNodes = new Set<string>();
  /** VMs whose RRD data is missing (fault rrdMissing): listed as status unknown. */
  rrdMissing = new Set<number>();

  constructor(
    readonly scenario: Scenario,
    readonly timeScale: number,
  ) {
    this.rng = createRng(scenario.seed);
  }

  // --- nodes and storages -------------------------------------------------------------

  hasNode(name: string): boolean {
    return this.scenario.nodes.some((n) => n.name === name);
  }

  storage(id: string): StorageSpec | undefined {
    return this.scenario.storages.find((s) => s.id === id);
  }

  storageOnNode(node: string, id: string): StorageSpec | undefined {
    const s = this.storage(id);
    return s && (!s.nodes || s.nodes.includes(node)) ? s : undefined;
  }

  storagesOnNode(node: string): StorageSpec[] {
    return this.scenario.storages.filter((s) => !s.nodes || s.nodes.includes(node));
  }

  // --- volumes ------------------------------------------------------------------------

  private volKey(node: string | null, volid: string): string {
    return `${node ?? '*'}|${volid}`;
  }

  addVolume(v: Volume): Volume {
    this.volumes.set(this.volKey(v.node, v.volid), v);
    return v;
  }

  /** The volume as seen from a node (its local storages or a shared one). */
  volume(node: string, volid: string): Volume | undefined {
    return this.volumes.get(this.volKey(node, volid)) ?? this.volumes.get(this.volKey(null, volid));
  }

  removeVolume(v: Volume): void {
    this.volumes.delete(this.volKey(v.node, v.volid));
  }

  volumesOn(node: string, storage: string): Volume[] {
    const shared = this.storage(storage)?.shared;
    return [...this.volumes.values()].filter((v) => v.storage === storage && (shared ? v.node === null : v.node === node));
  }

  usedBytes(node: string, storage: string): number {
    return this.volumesOn(node, storage).reduce((sum, v) => sum + v.size, 0);
  }

  /** Allocates a new disk volume for a VM on a storage (numbering like Proxmox). */
  allocDisk(node: string, vmid: number, storageId: string, size: number, kind: 'disk' | 'cloudinit' = 'disk', base = false): Volume {
    const s = this.storageOnNode(node, storageId);
    if (!s) return die(`storage '${storageId}' is not available on node '${node}'`);
    if (!s.content.includes('images')) return die(`storage '${storageId}' does not support content-type 'images'`);
    let name = volumeName(s.type, vmid, 'cloudinit');
    if (kind === 'disk') {
      // Disk numbers are per VM and storage; linked clones count too (".../vm-101-disk-0").
      const taken = new Set(
        this.volumesOn(node, storageId)
          .map((v) => new RegExp(`(?:vm|base)-${vmid}-disk-(\\d+)(?:\\.\\w+)?$`).exec(v.volid)?.[1])
          .filter((n): n is string => n !== undefined)
          .map(Number),
      );
      let n = 0;
      while (taken.has(n)) n++;
      name = volumeName(s.type, vmid, n, base);
    }
    const format = ['dir', 'nfs', 'cifs'].includes(s.type) ? 'qcow2' : 'raw';
    return this.addVolume({
      volid: `${storageId}:${name}`,
      storage: storageId,
      node: s.shared ? null : node,
      content: 'images',
      format,
      size,
      ctime: this.now(),
      vmid,
    });
  }

  // --- VMs ----------------------------------------------------------------------------

  /** qemu-server load_config: the VM must exist on that node. */
  vm(node: string, vmid: number): Vm {
    const vm = this.vms.get(vmid);
    if (!vm || vm.node !== node) return die(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
    return vm;
  }

  newVm(vmid: number, node: string, config: Record<string, string>): Vm {
    const vm: Vm = {
      vmid,
      node,
      config,
      pending: {},
      pendingDelete: [],
      status: 'stopped',
      snapshots: {},
      firewall: { options: {}, rules: [], ipsets: {} },
    };
    this.vms.set(vmid, vm);
    return vm;
  }

  digest(config: Record<string, string>): string {
    const text = Object.keys(config)
      .sort()
      .map((k) => `${k}: ${config[k]}`)
      .join('\n');
    return createHash('sha1').update(text).digest('hex');
  }

  diskBytes(vm: Vm): number {
    return diskEntries(vm.config).reduce((sum, [, d]) => sum + (d.media === 'cdrom' ? 0 : d.size ? parseSize(d.size) : 0), 0);
  }

  unlock(vmid: number): void {
    const vm = this.vms.get(vmid);
    if (vm && !vm.stuckLock) delete vm.config.lock;
  }

  macAddress(): string {
    const b = () =>
      Math.floor(this.rng() * 256)
        .toString(16)
        .toUpperCase()
        .padStart(2, '0');
    return `BC:24:11:${b()}:${b()}:${b()}`;
  }

  // --- tasks --------------------------------------------------------------------------

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  startTask(t: TaskStart): Task {
    const startMs = Date.now();
    const pid = this.nextPid++;
    const fields = {
      node: t.node,
      pid,
      pstart: Math.floor((startMs - this.bootMs) / 10),
      starttime: Math.floor(startMs / 1000),
      type: t.type,
      id: String(t.id),
      user: t.user,
    };
    const error = t.error ?? this.taskFault(t.type);
    const seconds = error ? Math.min(t.seconds, 0.2) : t.seconds;
    const task: Task = {
      upid: formatUpid(fields),
      ...fields,
      startMs,
      endMs: startMs + seconds * 1000 * this.timeScale,
      done: false,
      error,
      log: t.log ?? [],
      effect: t.effect,
    };
    if (t.unlock !== undefined) task.effect = { kind: task.effect?.kind ?? 'none', args: { ...task.effect?.args, unlock: t.unlock } };
    this.tasks.set(task.upid, task);
    this.running.push(task);
    return task;
  }

  /** Finishes due tasks in end-time order. */
  advance(nowMs = Date.now()): void {
    if (!this.running.some((t) => t.endMs <= nowMs)) return;
    const due = this.running.filter((t) => t.endMs <= nowMs).sort((a, b) => a.endMs - b.endMs);
    this.running = this.running.filter((t) => t.endMs > nowMs);
    for (const t of due) this.finish(t);
    this.onChange();
  }

  /** Ends a task now; `error` forces failure (used by open-ended tasks). */
  finish(task: Task, error?: string): void {
    if (task.done) return;
    task.error ??= error;
    const effect = task.effect ? effects.get(task.effect.kind) : undefined;
    const ctx: EffectContext = { state: this, task, args: task.effect?.args ?? {} };
    if (!task.error && effect) {
      try {
        effect.apply(ctx);
      } catch (err) {
        task.error = (err as Error).message;
      }
    }
    if (task.error) effect?.cleanup?.(ctx);
    if (typeof ctx.args.unlock === 'number') this.unlock(ctx.args.unlock);
    task.done = true;
    task.endMs = Math.min(task.endMs, Date.now());
    task.exitstatus = task.error ?? 'OK';
    task.log.push(task.error ? `TASK ERROR: ${task.error}` : 'TASK OK');
    this.running = this.running.filter((t) => t !== task);
  }

  // --- loading ------------------------------------------------------------------------

  /** Registers the scenario's ISOs and VMs (with volumes from their disks' size=). */
  seed(): void {
    for (const iso of this.scenario.isos) {
      const s = this.storage(iso.storage);
      if (!s) throw new Error(`scenario: ISO on unknown storage '${iso.storage}'`);
      const nodes = s.shared ? [null] : this.scenario.nodes.map((n) => n.name).filter((n) => this.storageOnNode(n, s.id));
      for (const node of nodes)
        this.addVolume({
          volid: `${s.id}:iso/${iso.file}`,
          storage: s.id,
          node,
          content: 'iso',
          format: 'iso',
          size: iso.sizeMiB * 1024 * 1024,
          ctime: this.now() - 86_400,
        });
    }
    for (const spec of this.scenario.vms) {
      const config = Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k, String(v)]));
      const vm = this.newVm(spec.vmid, spec.node, config);
      vm.config.vmgenid ??= `00000000-0000-4000-8000-${String(spec.vmid).padStart(12, '0')}`;
      if (spec.status === 'running') {
        vm.status = 'running';
        vm.startedAt = Date.now() - 3_600_000;
      }
      for (const [key, d] of diskEntries(config)) {
        const storage = this.storage(d.file.split(':')[0]!);
        if (!storage) throw new Error(`scenario: VM ${spec.vmid} ${key} on unknown storage`);
        const size = d.media === 'cdrom' ? 4 * 1024 * 1024 : d.size ? parseSize(d.size) : GiB;
        this.addVolume({
          volid: d.file,
          storage: storage.id,
          node: storage.shared ? null : spec.node,
          content: 'images',
          format: ['dir', 'nfs'].includes(storage.type) ? 'qcow2' : 'raw',
          size,
          ctime: this.now() - 86_400,
          vmid: spec.vmid,
        });
        if (!d.size && d.media !== 'cdrom') vm.config[key] = `${config[key]},size=1G`;
      }
    }
  }
}
