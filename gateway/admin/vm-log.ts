// Admin API: the VM log (spec §VM Management → Log): every pipeline run of a service with its
// steps, newest first, and the failure banner of the last run. Signed like the module API; only
// an admin (or the system) may read it.
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import { readVmLog, RUNS_KEPT } from '../../provisioner/engine/run-log.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { adminActor } from './actor.ts';

const input = z.object({
  serviceId: z.coerce.number().int().positive(),
  actor: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('admin'), id: z.coerce.number().int().positive() }),
      z.object({ type: z.literal('system') }),
    ])
    .optional(),
  limit: z.coerce.number().int().min(1).max(RUNS_KEPT).default(RUNS_KEPT),
});

async function vmLog(ctx: GatewayContext, q: { serviceId: number; limit: number }) {
  const vm = await getVm(ctx.db, q.serviceId);
  if (!vm) throw new AppError('PVB_NOT_FOUND', `Service ${q.serviceId} has no VM record`);
  const runs = await readVmLog(ctx.db, q.serviceId, q.limit);
  const last = runs[0];
  return {
    vm: {
      serviceId: vm.serviceId,
      state: vm.state,
      vmid: vm.vmid,
      node: vm.node,
      attempts: vm.attempts,
      nextAttemptAt: vm.nextAttemptAt,
      lastError: vm.lastError,
    },
    lastFailure:
      last && last.result !== 'success' && last.result !== 'running'
        ? { action: last.action, result: last.result, error: last.error, at: last.finishedAt }
        : null,
    runs,
  };
}

const summary = 'VM log: pipeline runs with their steps (newest first, at most 50) and the last failure. → {vm, lastFailure, runs}';

export const adminRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/v1/admin/vms/:serviceId/log',
    summary,
    tag: 'admin API',
    auth: 'shim',
    input,
    audit: false, // a read
    handler: ({ ctx, input, req }) => (input.actor ?? adminActor(req), vmLog(ctx, input)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/vms/:serviceId/log',
    summary,
    tag: 'admin API',
    auth: 'shim',
    input: input.omit({ actor: true }),
    handler: ({ ctx, input, req }) => (adminActor(req), vmLog(ctx, input)),
  }),
] as RouteDef[];
