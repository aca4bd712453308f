// Proxmox API reachability and latency per WHMCS server, for the dashboard. A page render never
// waits on Proxmox (invariant 7): the dashboard reads this cache, and a read that finds an entry
// older than FRESH_MS starts one background probe (GET /version) per server; until the first
// probe answers, the server shows as "unknown".
import type { GatewayContext } from '../context.ts';

export const FRESH_MS = 60_000;

export interface ServerHealth {
  reachable: boolean | null; // null: not probed yet
  latencyMs: number | null;
  error: string | null;
  checkedAt: number | null;
}

const cache = new WeakMap<GatewayContext, Map<number, ServerHealth & { probing?: boolean }>>();

async function probe(ctx: GatewayContext, serverId: number, entry: ServerHealth & { probing?: boolean }): Promise<void> {
  const t0 = Date.now();
  try {
    const { proxmoxForServer } = await import('../../provisioner/servers.ts');
    const pve = await proxmoxForServer(ctx.db, ctx.config, serverId);
    try {
      await pve.version.get({});
      Object.assign(entry, { reachable: true, latencyMs: Date.now() - t0, error: null });
    } finally {
      await pve.close();
    }
  } catch (err) {
    Object.assign(entry, { reachable: false, latencyMs: null, error: (err as Error).message.slice(0, 200) });
  } finally {
    entry.checkedAt = Date.now();
    entry.probing = false;
  }
}

/** The cached health of each server (never waits); refreshes stale entries in the background. */
export function serverHealth(ctx: GatewayContext, serverIds: number[], now = Date.now()): Map<number, ServerHealth> {
  let m = cache.get(ctx);
  if (!m) cache.set(ctx, (m = new Map()));
  const out = new Map<number, ServerHealth>();
  for (const id of serverIds) {
    let e = m.get(id);
    if (!e) m.set(id, (e = { reachable: null, latencyMs: null, error: null, checkedAt: null }));
    if (!e.probing && (e.checkedAt === null || now - e.checkedAt > FRESH_MS)) {
      e.probing = true;
      void probe(ctx, id, e);
    }
    out.set(id, { reachable: e.reachable, latencyMs: e.latencyMs, error: e.error, checkedAt: e.checkedAt });
  }
  return out;
}
