// Plausible, deterministic usage figures for VMs and nodes (cluster/resources, status, RRD).
import { hashSeed } from './rng.ts';
import { diskEntries, GiB, parseSize } from './disks.ts';
import type { ClusterState } from './state.ts';
import type { Vm } from './types.ts';

const MiB = 1024 * 1024;

export function vmMemoryMiB(config: Record<string, string>): number {
  const m = /^(?:current=)?(\d+)/.exec(config.memory ?? '512');
  return m ? Number(m[1]) : 512;
}

export function vmCpus(config: Record<string, string>): number {
  return Number(config.vcpus ?? 0) || Number(config.cores ?? 1) * Number(config.sockets ?? 1);
}

/** Size of the boot disk (what Proxmox reports as maxdisk). */
export function vmMaxDisk(vm: Vm): number {
  const disk = diskEntries(vm.config).find(([, d]) => d.media !== 'cdrom');
  return disk?.[1].size ? parseSize(disk[1].size) : 0;
}

/** A per-VM constant in [0,1) so figures do not jump between calls. */
export function vmFactor(vmid: number, salt = ''): number {
  return (hashSeed(`${vmid}${salt}`) % 1000) / 1000;
}

export function vmUsage(vm: Vm, nowMs = Date.now()) {
  const running = vm.status === 'running';
  const maxmem = vmMemoryMiB(vm.config) * MiB;
  const uptime = running && vm.startedAt ? Math.floor((nowMs - vm.startedAt) / 1000) : 0;
  const f = vmFactor(vm.vmid);
  return {
    maxcpu: vmCpus(vm.config),
    cpu: running ? 0.01 + f * 0.2 : 0,
    maxmem,
    mem: running ? Math.floor(maxmem * (0.3 + f * 0.5)) : 0,
    maxdisk: vmMaxDisk(vm),
    disk: 0,
    netin: running ? Math.floor(uptime * 2_000 * (1 + f)) : 0,
    netout: running ? Math.floor(uptime * 1_000 * (1 + f)) : 0,
    diskread: running ? Math.floor(uptime * 10_000 * (1 + f)) : 0,
    diskwrite: running ? Math.floor(uptime * 5_000 * (1 + f)) : 0,
    uptime,
  };
}

export function nodeUsage(state: ClusterState, name: string) {
  const spec = state.scenario.nodes.find((n) => n.name === name)!;
  const vms = [...state.vms.values()].filter((v) => v.node === name && v.status === 'running');
  const maxmem = spec.memoryGiB * GiB;
  const mem = Math.min(maxmem, 4 * GiB + vms.reduce((s, v) => s + vmUsage(v).mem, 0));
  return {
    maxcpu: spec.cpus,
    cpu: Math.min(1, 0.02 + vms.reduce((s, v) => s + vmUsage(v).cpu * vmCpus(v.config), 0) / spec.cpus),
    maxmem,
    mem,
    maxdisk: 100 * GiB,
    disk: 12 * GiB,
    uptime: Math.floor((Date.now() - state.bootMs) / 1000),
  };
}
