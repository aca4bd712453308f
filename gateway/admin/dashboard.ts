// Admin API: the dashboard (spec §Dashboard, issue 12) — VM counts by state, servers with their
// API reachability and latency (cached, see server-health.ts), pool usage, failing VMs, cron
// health and recent errors. Everything comes from our tables and caches: no Proxmox call waits.
import { z } from 'zod';
import { AUDIT } from '../../provisioner/audit.ts';
import { allocatedCounts, poolSize } from '../../provisioner/ipam/pool-rules.ts';
import { listPools } from '../../provisioner/ipam/pools.ts';
import { VMS } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { adminRoute } from './common.ts';
import { cronStatus } from './cron.ts';
import { serverHealth } from './server-health.ts';

async function dashboard(ctx: GatewayContext) {
  const db = ctx.db;
  const [byState, servers, pools, counts, failing, failingCount, errors, cron, services] = await Promise.all([
    db(VMS).groupBy('state').select('state').count({ n: '*' }) as Promise<Array<{ state: string; n: number | string }>>,
    db('tblservers').where({ type: 'pvebridge' }).orderBy('id').select('id', 'name', 'hostname', 'disabled') as Promise<
      Array<Record<string, unknown>>
    >,
    listPools(db),
    allocatedCounts(db),
    db(VMS)
      .whereNotNull('last_error')
      .orderBy('updated_at', 'desc')
      .limit(10)
      .select('service_id', 'state', 'last_error', 'updated_at') as Promise<Array<Record<string, unknown>>>,
    db(VMS).whereNotNull('last_error').count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
    db(AUDIT).where({ result: 'error' }).orderBy('id', 'desc').limit(10).select('id', 'at', 'action', 'service_id', 'summary') as Promise<
      Array<Record<string, unknown>>
    >,
    cronStatus(ctx),
    db(VMS).count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
  ]);
  const perServer = (await db(VMS).groupBy('server_id').select('server_id').count({ n: '*' })) as Array<{
    server_id: number;
    n: number | string;
  }>;
  const vmsOf = new Map(perServer.map((r) => [Number(r.server_id), Number(r.n)]));
  const health = serverHealth(
    ctx,
    servers.map((s) => Number(s.id)),
  );
  return {
    vms: { total: Number(services?.n ?? 0), byState: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])) },
    servers: servers.map((s) => ({
      id: Number(s.id),
      name: String(s.name),
      hostname: String(s.hostname),
      disabled: !!Number(s.disabled),
      vms: vmsOf.get(Number(s.id)) ?? 0,
      ...health.get(Number(s.id)),
    })),
    pools: pools.map((p) => {
      const size = poolSize(p);
      const allocated = counts.get(p.id!) ?? 0;
      return {
        id: p.id,
        serverId: p.serverId,
        type: p.type,
        range: `${p.start}–${p.stop}`,
        size: size.toString(),
        allocated,
        usagePercent: size > 0n ? Number((BigInt(allocated) * 10000n) / size) / 100 : 0,
      };
    }),
    failing: {
      count: Number(failingCount?.n ?? 0),
      recent: failing.map((r) => ({
        serviceId: Number(r.service_id),
        state: String(r.state),
        error: String(r.last_error),
        updatedAt: Number(r.updated_at),
      })),
    },
    cron: {
      tasks: cron.tasks.length,
      failing: cron.tasks.filter((t) => t.failed).map((t) => t.name),
      staleLocks: cron.tasks.filter((t) => t.lock.stale).map((t) => t.name),
      // A task that should have started more than 5 minutes ago: the scheduler is not running.
      overdue: cron.tasks
        .filter((t) => t.enabled && t.lastStartedAt !== null && Date.now() - (t.lastStartedAt + t.intervalMinutes * 60_000) > 5 * 60_000)
        .map((t) => t.name),
    },
    recentErrors: errors.map((e) => {
      let error: unknown = null;
      try {
        error = (JSON.parse(String(e.summary)) as { error?: unknown }).error ?? null;
      } catch {
        // no summary
      }
      return {
        id: Number(e.id),
        at: Number(e.at),
        action: String(e.action),
        serviceId: e.service_id === null ? null : Number(e.service_id),
        error,
      };
    }),
  };
}

export const dashboardRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/dashboard',
    summary:
      'Dashboard: VM counts by state, servers (API reachability, latency: cached), pool usage, failing VMs, cron health, recent errors.',
    input: z.object({}),
    handler: ({ ctx }) => dashboard(ctx),
  }),
];
