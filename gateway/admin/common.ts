// Shared pieces of the admin API routes: strict ids (a JSON number or a decimal string — never
// `true` or `"1e3"`), the acting admin from the signed `?actor=` (gateway/admin/actor.ts), and
// the declaration helper every /v1/admin/* route uses.
import type { Request } from 'express';
import { z } from 'zod';
import type { GatewayContext } from '../context.ts';
import { defineRoute, type Method, type RouteDef } from '../http/route.ts';
import type { AuditSpec } from '../audit/route-audit.ts';
import { adminActor, type AdminActor } from './actor.ts';

export const strictId = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'must be a positive integer')
    .transform(Number),
]);

/** Query-string integers (GET filters) within bounds. */
export const queryInt = (min: number, max: number) =>
  z.union([
    z.number().int().min(min).max(max),
    z
      .string()
      .regex(/^\d{1,15}$/, 'must be an integer')
      .transform(Number)
      .pipe(z.number().min(min).max(max)),
  ]);

export const TAG = 'admin API';

export interface AdminRouteDef<S extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  input: S;
  audit?: false | AuditSpec<z.output<S>>;
  handler(args: { input: z.output<S>; actor: AdminActor; req: Request; ctx: GatewayContext }): Promise<unknown> | unknown;
}

/** An /v1/admin/* route: signed (shim guard), the admin named by `?actor=`, declared with zod once. */
export function adminRoute<S extends z.ZodType>(d: AdminRouteDef<S>): RouteDef {
  return defineRoute({
    method: d.method,
    path: d.path,
    summary: d.summary,
    tag: TAG,
    auth: 'shim',
    input: d.input,
    ...(d.audit !== undefined && { audit: d.audit }),
    handler: ({ input, req, ctx }) => d.handler({ input, actor: adminActor(req), req, ctx }),
  }) as unknown as RouteDef;
}
