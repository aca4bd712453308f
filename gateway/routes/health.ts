// Liveness, readiness (database reachable, migrations current) and Prometheus metrics.
import { dbErrorSummary } from '../../common/db/connect.ts';
import { pendingMigrations } from '../../common/db/migrate.ts';
import { defineRoute } from '../http/route.ts';

export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers.',
    tag: 'ops',
    auth: 'none',
    handler: () => ({ status: 'ok' }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: database reachable and every migration applied.',
    tag: 'ops',
    auth: 'none',
    async handler({ ctx, res }) {
      // Unauthenticated: the driver's error (host, port, user) goes to the log, never the reply.
      let pending: string[];
      try {
        await ctx.db.raw('select 1');
        pending = await pendingMigrations(ctx.db);
      } catch (err) {
        ctx.log.warn({ reason: dbErrorSummary(err) }, 'readiness: database unreachable');
        res.status(503);
        return { status: 'not ready', database: 'unreachable' };
      }
      if (pending.length) res.status(503);
      return pending.length ? { status: 'not ready', database: 'ok', pendingMigrations: pending } : { status: 'ready', database: 'ok' };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics.',
    tag: 'ops',
    auth: 'none',
    async handler({ ctx, res }) {
      res.type(ctx.metrics.contentType).send(await ctx.metrics.metrics());
      return undefined;
    },
  }),
];
