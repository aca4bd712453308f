// The client overview's data (the "Overview data contract"): served only from our database —
// the VM record and the live-state cache the refresher keeps — never from Proxmox (invariant 7).
// Reading it puts the VM in the refresher's watch set, so an open page gets QMP-level detail.
import { vmWithLiveState, type LiveState } from '../../provisioner/state/cache.ts';
import { powerOf, type Power } from '../../provisioner/state/derive.ts';
import { fromRow, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { grantedPermissions, type ClientPermission } from './access.ts';
import { loadService, serviceIps, type ServiceRow } from './service.ts';

export interface OverviewVars {
  serviceId: number;
  /** The pipeline state (the spec's name) or 'none' before CreateAccount. */
  state: string;
  stateKey: string;
  ready: boolean;
  power: Power;
  vmid: number | null;
  node: string | null;
  hostname: string;
  ips: string[];
  uptime: number | null;
  cpu: number | null;
  cpus: number | null;
  mem: number | null;
  maxmem: number | null;
  disk: number | null;
  maxdisk: number | null;
  netin: number | null;
  netout: number | null;
  lock: string | null;
  seenAt: string | null;
  ageSeconds: number | null;
  vanished: boolean;
  /** The figures are the last ones known; Proxmox listed the VM without any (node offline). */
  stale: boolean;
  activity: { key: string; args: Record<string, string | number> } | null;
  permissions: Record<ClientPermission, boolean>;
}

/** The figures of the cache, or nulls when nothing is cached (or the VM is not ours any more). */
function figures(live: LiveState | undefined, now: number) {
  const seen = live?.seenAt ?? null;
  return {
    uptime: live?.uptime ?? null,
    cpu: live?.cpu ?? null,
    cpus: live?.cpus ?? null,
    mem: live?.mem ?? null,
    maxmem: live?.maxmem ?? null,
    disk: live?.disk ?? null,
    maxdisk: live?.maxdisk ?? null,
    netin: live?.netin ?? null,
    netout: live?.netout ?? null,
    lock: live?.lock ?? null,
    seenAt: seen === null ? null : new Date(seen).toISOString(),
    ageSeconds: seen === null ? null : Math.max(0, Math.round((now - seen) / 1000)),
    vanished: live?.vanished ?? false,
    stale: live?.stale ?? false,
  };
}

/** Composes the contract from what the database holds (pure, for the route and the client op). */
export function composeOverview(
  s: ServiceRow,
  vm: VmRecord | undefined,
  live: LiveState | undefined,
  permissions: Record<ClientPermission, boolean>,
  now = Date.now(),
): OverviewVars {
  const state = vm?.state ?? 'none';
  // A cache row of another VMID (the record was redeployed) says nothing about this VM.
  const mine = live && vm?.vmid === live.vmid ? live : undefined;
  return {
    serviceId: s.id,
    state,
    stateKey: `state.${state}`,
    ready: state === 'ready',
    power: powerOf(mine),
    vmid: vm?.vmid ?? null,
    node: mine?.node ?? vm?.node ?? null,
    hostname: vm?.vmName ?? s.domain,
    ips: serviceIps(s),
    ...figures(mine, now),
    activity: state === 'ready' ? null : { key: `activity.${state}`, args: { state } },
    permissions,
  };
}

/** How long the overview reuses a product's client-area permissions (commands re-check them). */
const PERMISSIONS_TTL_MS = 2000;
const permissionCache = new WeakMap<object, Map<number, { at: number; value: Promise<Record<ClientPermission, boolean>> }>>();

/** The product's granted permissions, read at most every PERMISSIONS_TTL_MS per database. */
function permissionsOf(ctx: GatewayContext, productId: number): Promise<Record<ClientPermission, boolean>> {
  let perDb = permissionCache.get(ctx.db);
  if (!perDb) permissionCache.set(ctx.db, (perDb = new Map()));
  const hit = perDb.get(productId);
  if (hit && Date.now() - hit.at < PERMISSIONS_TTL_MS) return hit.value;
  const value = grantedPermissions(ctx.db, productId);
  perDb.set(productId, { at: Date.now(), value });
  value.catch(() => perDb.delete(productId));
  return value;
}

/** The overview of a service already loaded (and access-checked) by the caller: one query. */
export async function overviewOf(ctx: GatewayContext, s: ServiceRow): Promise<OverviewVars> {
  ctx.refresher?.watch(s.id);
  const { row, live } = await vmWithLiveState(ctx.db, s.id);
  return composeOverview(s, row ? fromRow(row) : undefined, live, await permissionsOf(ctx, s.productId));
}

/**
 * The overview of service `serviceId`, from the cache only. The caller has checked who asks
 * (ClientArea and the ClientApi op `overview` run the ownership check first).
 */
export async function overviewVars(ctx: GatewayContext, serviceId: number): Promise<OverviewVars> {
  return overviewOf(ctx, await loadService(ctx.db, serviceId));
}
