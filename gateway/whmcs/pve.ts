// The few Proxmox questions and requests the module API makes, through the typed client of the
// service's server. Power requests are sent and not waited for (their task runs on Proxmox).
// Power checks use the refresher's cache when it is a few seconds fresh, else ask Proxmox.
// The client is loaded on first use, so module calls that never touch Proxmox do not load it.
import { AppError } from '../../common/errors.ts';
import type { ClusterResource } from '../../provisioner/proxmox/index.ts';
import { liveState, markStale } from '../../provisioner/state/cache.ts';
import type { VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';

export type PowerState = 'running' | 'stopped' | string;
export type LoaderKind = 'nodes' | 'templates' | 'storages' | 'bridges';

type Client = import('../../provisioner/proxmox/index.ts').ProxmoxClient;

/** Runs `fn` with the server's client and closes it after (its connections are per call). */
async function withClient<R>(ctx: GatewayContext, serverId: number, fn: (pve: Client) => Promise<R>): Promise<R> {
  const { proxmoxForServer } = await import('../../provisioner/servers.ts');
  const pve = await proxmoxForServer(ctx.db, ctx.config, serverId);
  try {
    return await fn(pve);
  } finally {
    await pve.close();
  }
}

/** A Proxmox failure as a message an admin can act on. */
export function upstream(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as { message?: string; kind?: string };
  return new AppError('PVB_UPSTREAM', `Proxmox ${what} failed: ${e.message ?? String(err)}`);
}

function located(vm: VmRecord): { node: string; vmid: number } {
  if (!vm.vmid || !vm.node) throw new AppError('PVB_CONFLICT', 'The VM does not exist on Proxmox yet');
  return { node: vm.node, vmid: vm.vmid };
}

/** How recent a cached listing must be for a power check to trust it instead of asking Proxmox. */
export const FRESH_POWER_MS = 5000;

/**
 * The cached power state when it is safe to act on: listed within FRESH_POWER_MS, for this VMID
 * on the record's node, with figures (not stale, not vanished), no lock, and no power request
 * sent since (sendPower marks the row stale). Otherwise undefined: ask Proxmox.
 */
export async function freshPowerState(ctx: GatewayContext, vm: VmRecord, now = Date.now()): Promise<PowerState | undefined> {
  const live = await liveState(ctx.db, vm.serviceId);
  if (!live || live.seenAt === null || now - live.seenAt > FRESH_POWER_MS) return undefined;
  if (live.stale || live.vanished || live.lock || live.vmid !== vm.vmid || live.node !== vm.node) return undefined;
  return live.status === 'running' || live.status === 'stopped' ? live.status : undefined;
}

export async function powerState(ctx: GatewayContext, vm: VmRecord): Promise<PowerState> {
  const { node, vmid } = located(vm);
  const cached = await freshPowerState(ctx, vm);
  if (cached) return cached;
  try {
    return await withClient(ctx, vm.serverId, async (pve) => (await pve.nodes(node).qemu(vmid).status.current.get()).status);
  } catch (err) {
    throw upstream(err, `status of VM ${vmid}`);
  }
}

export async function sendPower(ctx: GatewayContext, vm: VmRecord, action: 'start' | 'stop'): Promise<string> {
  const { node, vmid } = located(vm);
  try {
    const upid = await withClient(ctx, vm.serverId, (pve) => pve.nodes(node).qemu(vmid).status[action].send({}));
    await markStale(ctx.db, vm.serviceId); // the cached power state is outdated from now on
    return upid;
  } catch (err) {
    throw upstream(err, `${action} of VM ${vmid}`);
  }
}

/** Deletes the VM (keeps backups and unreferenced disks), after checking it is ours by name. */
export async function removeVm(ctx: GatewayContext, vm: VmRecord): Promise<string> {
  const { node, vmid } = located(vm);
  try {
    return await withClient(ctx, vm.serverId, async (pve) => {
      const config = await pve.nodes(node).qemu(vmid).config.get();
      if (vm.vmName && config.name !== vm.vmName) {
        throw new AppError(
          'PVB_CONFLICT',
          `VM ${vmid} on ${node} is named "${config.name ?? ''}", not "${vm.vmName}": refusing to delete a VM that is not this service's`,
        );
      }
      return pve.nodes(node).qemu(vmid).destroy.send({});
    });
  } catch (err) {
    throw upstream(err, `removal of VM ${vmid}`);
  }
}

/** Dropdown values for the product's module fields, from the server's cluster. */
export async function loaderOptions(ctx: GatewayContext, serverId: number, kind: LoaderKind): Promise<Record<string, string>> {
  return withClient(ctx, serverId, async (pve) => {
    let resources: ClusterResource[];
    try {
      resources = (await pve.cluster.resources.get({})) as ClusterResource[];
    } catch (err) {
      throw upstream(err, 'cluster resource listing');
    }
    return optionsOf(pve, kind, resources);
  });
}

async function optionsOf(pve: Client, kind: LoaderKind, resources: ClusterResource[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (kind === 'nodes') {
    out.automatically = 'Automatically (most free resources)';
    for (const r of resources.filter((x) => x.type === 'node')) out[r.node!] = `${r.node}${r.status === 'online' ? '' : ` (${r.status})`}`;
  } else if (kind === 'templates') {
    for (const r of resources.filter((x) => x.type === 'qemu' && x.template === 1))
      out[String(r.vmid)] = `${r.vmid} — ${r.name} (${r.node})`;
  } else if (kind === 'storages') {
    out[''] = 'auto (from template)';
    for (const r of resources.filter((x) => x.type === 'storage' && (x.content ?? '').split(',').includes('images')))
      out[r.storage!] = r.storage!;
  } else {
    for (const bridge of await bridgesOf(pve, resources)) out[bridge] = bridge;
  }
  return out;
}

/** Bridges named by the templates' NICs (the API subset has no node network listing). */
async function bridgesOf(pve: Client, resources: ClusterResource[]): Promise<string[]> {
  const found = new Set<string>();
  for (const t of resources.filter((x) => x.type === 'qemu' && x.template === 1).slice(0, 50)) {
    let config: Record<string, unknown>;
    try {
      config = (await pve.nodes(t.node!).qemu(t.vmid!).config.get()) as Record<string, unknown>;
    } catch (err) {
      throw upstream(err, `reading template ${t.vmid}`);
    }
    for (const [k, v] of Object.entries(config)) {
      const m = /^net\d+$/.test(k) && typeof v === 'string' ? /(?:^|,)bridge=([^,]+)/.exec(v) : null;
      if (m) found.add(m[1]!);
    }
  }
  return [...found].sort();
}
