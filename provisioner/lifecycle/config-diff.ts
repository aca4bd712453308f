// Per-step comparison of the VM's current Proxmox config with what the new plan asks for. Each
// function answers "what would this cp_* step change?" — `none` makes the step log
// `skip — no change`. Desired values come from the deploy's builders (pipelines/vm-config.ts),
// so a change package converges on exactly what a fresh deploy would have written.
import { parseSize, resizeDecision, type ResizeDecision } from './disk-size.ts';
import { getOption, parsePropertyString } from './property-string.ts';

export type VmConfig = Record<string, unknown>;
export type ConfigChange = { kind: 'none' } | { kind: 'change'; params: Record<string, string | number>; summary: string };

const NONE: ConfigChange = { kind: 'none' };

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function memoryMb(v: unknown): number {
  const s = str(v);
  if (s === undefined) return 512; // Proxmox's default
  const p = parsePropertyString(s);
  return Number(getOption(p, 'current') ?? p.parts[0]?.[1]);
}

export function diffCpuRam(config: VmConfig, want: { cores: number; sockets: number; memoryMb: number }): ConfigChange {
  const now = { cores: Number(config.cores ?? 1), sockets: Number(config.sockets ?? 1), memory: memoryMb(config.memory) };
  const target = { cores: want.cores, sockets: want.sockets, memory: want.memoryMb };
  const params: Record<string, number> = {};
  for (const k of ['cores', 'sockets', 'memory'] as const) if (now[k] !== target[k]) params[k] = target[k];
  if (Object.keys(params).length === 0) return NONE;
  const summary = Object.entries(params)
    .map(([k, v]) => `${k} ${now[k as keyof typeof now]} → ${v}`)
    .join(', ');
  return { kind: 'change', params, summary };
}

/** Size decision for a disk key (grow / same / shrink); a missing disk is "unknown". */
export function diffDiskSize(config: VmConfig, key: string, targetGb: number): ResizeDecision {
  const drive = str(config[key]);
  if (drive === undefined) return targetGb <= 0 ? { kind: 'same' } : { kind: 'unknown', reason: `disk ${key} not found` };
  return resizeDecision(parseSize(getOption(parsePropertyString(drive), 'size')), targetGb);
}

/** Property strings compared as sets of options (Proxmox may reorder them). */
export function samePropertyString(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string | undefined) =>
    s === undefined
      ? undefined
      : parsePropertyString(s)
          .parts.map(([k, v]) => `${k}=${v}`.toLowerCase())
          .sort()
          .join(',');
  return norm(a) === norm(b);
}

/** One config key set to `desired` unless it already holds that value (undefined: leave it). */
export function diffProperty(config: VmConfig, key: string, desired: string | undefined): ConfigChange {
  if (desired === undefined || samePropertyString(str(config[key]), desired)) return NONE;
  return { kind: 'change', params: { [key]: desired }, summary: `${key}=${desired}` };
}

/** Several keys at once (e.g. net0 + ipconfig0 of the network step). */
export function mergeChanges(...changes: ConfigChange[]): ConfigChange {
  const real = changes.filter((c): c is Extract<ConfigChange, { kind: 'change' }> => c.kind === 'change');
  if (real.length === 0) return NONE;
  return { kind: 'change', params: Object.assign({}, ...real.map((c) => c.params)), summary: real.map((c) => c.summary).join('; ') };
}

export type AdditionalDiskAction =
  { kind: 'none' } | { kind: 'create'; key: string; value: string } | { kind: 'delete'; key: string; volume: string };

/** The spec's special cases: 0 & none → nothing; 0 & existing → delete; N & none → create. */
export function diffAdditionalDisk(config: VmConfig, key: string | undefined, storage: string, sizeGb: number): AdditionalDiskAction {
  const drive = key === undefined ? undefined : str(config[key]);
  if (sizeGb <= 0 || key === undefined) {
    return drive === undefined || key === undefined
      ? { kind: 'none' }
      : { kind: 'delete', key, volume: parsePropertyString(drive).parts[0]?.[1] ?? '' };
  }
  if (drive !== undefined) return { kind: 'none' };
  return { kind: 'create', key, value: `${storage}:${sizeGb}` };
}

/** Firewall options that differ (Proxmox returns booleans as 0/1). */
export function diffFirewallOptions(current: Record<string, unknown>, desired: Record<string, string | number>): ConfigChange {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(desired)) if (String(current[k] ?? '') !== String(v)) params[k] = v;
  if (Object.keys(params).length === 0) return NONE;
  return { kind: 'change', params, summary: `firewall ${Object.keys(params).join(', ')}` };
}

const bare = (cidr: string) => cidr.replace(/\/(32|128)$/, '').toLowerCase();

/** Entries to add to / remove from the anti-spoofing IP set so it holds exactly `wanted`. */
export function diffIpset(current: string[], wanted: string[]): { add: string[]; remove: string[] } {
  const now = new Map(current.map((c) => [bare(c), c]));
  const want = new Set(wanted.map(bare));
  return {
    add: wanted.filter((w) => !now.has(bare(w))),
    remove: [...now].filter(([b]) => !want.has(b)).map(([, c]) => c),
  };
}
