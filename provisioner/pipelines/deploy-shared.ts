// Shared pieces of the deploy pipeline's steps (deploy.ts holds the step table).
import type { Db } from '../../common/db/connect.ts';
import { type StepContext, type TaskOptions } from '../engine/types.ts';
import { type DnsLayer } from '../dns/index.ts';
import type { EmailSender } from '../email.ts';
import { type NetAssignment } from '../ipam/allocate.ts';
import { type Placement } from '../placement.ts';
import type { GlobalSettings } from '../plan/global-settings.ts';
import { type Plan } from '../plan/resolve.ts';
import { type ProxmoxClient, type VmConfig } from '../proxmox/index.ts';
import { proxmoxTaskOptions } from './task-wait.ts';

export interface DeployEnv {
  db: Db;
  pve(serverId: number): Promise<ProxmoxClient>;
  settings(): Promise<GlobalSettings>;
  email: EmailSender;
  dns: DnsLayer;
  /** Decrypts tblhosting.password (WHMCS's scheme). */
  reveal(cipher: string): Promise<string>;
  /** Longest pause between task status polls. */
  pollIntervalMs: number;
}

/** What the deploy keeps on the VM record between steps. */
export interface DeployData {
  templateNode: string;
  templateStorage: string;
  ostype: string;
  systemDiskKey: string;
  placement: Placement;
  hostname: string;
  fqdn: string;
  net: NetAssignment;
  additionalDiskKey?: string;
  verifyAttempts?: number;
  restarts?: number;
  readyEmailSent?: boolean;
  /** MAC of net0 to keep (reinstall re-clones, and a clone always gets new MACs). */
  keepMac?: string;
}

export type Ctx = StepContext<DeployEnv>;

export const DEPLOY_STATES = [
  'creation',
  'set_ip',
  'clone',
  'set_dns',
  'migrated',
  'set_cpu_ram',
  'set_system_disk_size',
  'set_system_disk_bandwidth',
  'set_created_additional_disk',
  'set_additional_disk_size',
  'set_additional_disk_bandwidth',
  'set_network',
  'set_firewall',
  'set_cloudinit',
  'starting',
  'ready',
] as const;

export const data = (ctx: Ctx) => ctx.vm.data as unknown as DeployData;
export const plan = (ctx: Ctx) => ctx.vm.plan as unknown as Plan;
export const pveOf = (ctx: Ctx) => ctx.env.pve(ctx.vm.serverId);
export const vmid = (ctx: Ctx) => ctx.vm.vmid!;
export const isWindows = (ostype: string) => /^(win|w2k)/.test(ostype);

export async function qemu(ctx: Ctx) {
  return (await pveOf(ctx)).nodes(ctx.vm.node!).qemu(vmid(ctx));
}

export async function currentConfig(ctx: Ctx): Promise<VmConfig> {
  return (await qemu(ctx)).config.get();
}

/** Task options for ctx.task: polls the stored UPID through the client, never re-sends. */
export async function taskOpts(ctx: Ctx, what: string, timeoutMs?: number): Promise<TaskOptions> {
  const s = await ctx.env.settings();
  const pve = await pveOf(ctx);
  return {
    ...proxmoxTaskOptions(pve, what, timeoutMs ?? s.heavyTimeout * 1000, ctx.env.pollIntervalMs),
    recover: (o) => taskOnVm(pve, ctx.vm.node, ctx.vm.vmid, o),
  };
}

/** Margin for Proxmox's clock (UPID start times have one-second resolution) against ours. */
const CLOCK_MARGIN_S = 5;

/**
 * A lost send found again in the node's task list: a task on this VM, started since the send,
 * not one this step already finished. We hold the VM's lease, so no other runner of ours sends
 * tasks for it meanwhile.
 */
async function taskOnVm(pve: ProxmoxClient, node: string | null, id: number | null, o: { since: number; known: string[] }) {
  if (!node || id === null) return 'absent' as const;
  const list = await pve.nodes(node).tasks.get({ vmid: id, source: 'all', limit: 50 });
  const from = Math.floor(o.since / 1000) - CLOCK_MARGIN_S;
  const ours = list.filter((t) => t.starttime >= from && !o.known.includes(t.upid)).sort((a, b) => a.starttime - b.starttime);
  return ours[0] ? { upid: ours[0].upid } : ('absent' as const);
}

export async function patchData(ctx: Ctx, patch: Partial<DeployData>): Promise<void> {
  await ctx.patch({ data: patch as Record<string, unknown> });
}

export async function putConfig(ctx: Ctx, values: Record<string, string | number>) {
  await (await qemu(ctx)).config.put(values);
}
