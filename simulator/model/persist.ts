// Optional persistence of the cluster state to a JSON file, so a test can restart the gateway
// (or the simulator) while the cluster keeps its VMs, volumes and tasks.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ClusterState } from './state.ts';
import type { Task, Vm, Volume } from './types.ts';

interface Saved {
  version: 1;
  vms: Vm[];
  volumes: Volume[];
  tasks: Array<Omit<Task, 'endMs'> & { endMs: number | null }>;
  nextPid: number;
}

export function saveState(state: ClusterState, file: string): void {
  const data: Saved = {
    version: 1,
    vms: [...state.vms.values()],
    volumes: [...state.volumes.values()],
    tasks: [...state.tasks.values()].map((t) => ({ ...t, endMs: Number.isFinite(t.endMs) ? t.endMs : null })),
    nextPid: state.nextPid,
  };
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(data));
  renameSync(tmp, file);
}

/** Replaces the seeded state with the file's; returns false when there is no file yet. */
export function loadState(state: ClusterState, file: string): boolean {
  if (!existsSync(file)) return false;
  const data = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  state.vms.clear();
  state.volumes.clear();
  state.tasks.clear();
  for (const vm of data.vms) state.vms.set(vm.vmid, vm);
  for (const v of data.volumes) state.addVolume(v);
  state.running = [];
  for (const saved of data.tasks) {
    const task: Task = { ...saved, endMs: saved.endMs ?? Infinity };
    state.tasks.set(task.upid, task);
    if (!task.done) state.running.push(task);
  }
  // Open-ended tasks (console listeners) died with the old process.
  for (const t of state.running.filter((t) => !Number.isFinite(t.endMs))) state.finish(t, 'interrupted by simulator restart');
  state.nextPid = data.nextPid;
  return true;
}
