// Admin API: the audit log (gateway/audit, provisioner/audit.ts), newest first, filtered by
// actor, subject (service, VM), action (exact, or a prefix ending in *) and time range.
import { z } from 'zod';
import { listAudit } from '../../provisioner/audit.ts';
import { adminRoute, queryInt, strictId } from './common.ts';

const time = z.union([
  queryInt(0, 8_640_000_000_000),
  z
    .string()
    .max(40)
    .refine((v) => !Number.isNaN(Date.parse(v)), 'epoch milliseconds or an ISO date')
    .transform((v) => Date.parse(v)),
]);

export const auditInput = z.object({
  /** admin:<id>, client:<id>, system, or a type alone (admin, client). */
  actor: z
    .string()
    .regex(/^(system|admin|client)(:[1-9]\d{0,9})?$/, 'admin:<id>, client:<id>, system, admin or client')
    .optional(),
  serviceId: strictId.optional(),
  vmid: strictId.optional(),
  action: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+\*?$/, 'an action name, or a prefix ending in *')
    .optional(),
  from: time.optional(),
  to: time.optional(),
  cursor: strictId.optional(),
  limit: queryInt(1, 500).default(100),
});

export const auditRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/audit',
    summary:
      'Audit log, newest first: filters who (admin:<id>, client:<id>, system), serviceId, vmid, action, from, to; cursor paging. → {entries, nextCursor}',
    // `actor` in the query names who acts (signed); the filter on the acting party is `who`.
    input: auditInput.omit({ actor: true }).extend({ who: auditInput.shape.actor }),
    async handler({ ctx, input }) {
      const [type, id] = (input.who ?? '').split(':');
      const r = await listAudit(ctx.db, {
        actorType: (type || undefined) as 'admin' | 'client' | 'system' | undefined,
        actorId: id ? Number(id) : undefined,
        serviceId: input.serviceId,
        vmid: input.vmid,
        action: input.action,
        from: input.from,
        to: input.to,
        before: input.cursor,
        limit: input.limit,
      });
      return { entries: r.rows, nextCursor: r.nextCursor };
    },
  }),
];
