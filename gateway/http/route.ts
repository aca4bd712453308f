// An endpoint is declared once: method, path, zod input, who may call it, handler. The same
// declaration drives validation, the handler's types and the OpenAPI document.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import type { GatewayContext } from '../context.ts';
import { withAudit, type AuditSpec } from '../audit/route-audit.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call: anyone, the signed PHP shim, or the gateway's own admin API (signed too). */
export type Auth = 'none' | 'shim';

export interface RouteDef<S extends z.ZodType = z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  input?: S;
  /** Audit of this route (gateway/audit): signed non-GET routes are audited unless `false`. */
  audit?: false | AuditSpec<z.output<S>>;
  handler(args: { input: z.output<S>; req: Request; res: Response; ctx: GatewayContext }): Promise<unknown> | unknown;
}

export function defineRoute<S extends z.ZodType>(def: RouteDef<S>): RouteDef<S> {
  return def;
}

export function fieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) {
    // An unknown key is named itself, not its parent object.
    const keys = i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : [i.path.join('.') || '(input)'];
    for (const key of keys) if (!Object.hasOwn(out, key)) out[key] = i.code === 'unrecognized_keys' ? 'unknown field' : i.message; // not ??=: `toString` is no field of ours
  }
  return out;
}

export function validationError(err: z.ZodError): AppError {
  const fields = fieldErrors(err);
  const summary = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return new AppError('PVB_VALIDATION', `Invalid input — ${summary}`, fields);
}

function rawInput(def: RouteDef, req: Request): unknown {
  const fromBody = def.method === 'post' || def.method === 'put' || def.method === 'patch';
  const base = fromBody ? (req.body ?? {}) : { ...req.query };
  return typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base, ...req.params } : base;
}

/** Mounts declared routes; a handler's return value becomes the JSON body (undefined → 204). */
export function mountRoutes(
  router: Router,
  defs: RouteDef[],
  ctx: GatewayContext,
  guards: Partial<Record<Auth, import('express').RequestHandler>>,
): void {
  for (const def of defs) {
    const guard = guards[def.auth];
    // Fail closed: a protected route without its guard is a wiring bug, caught at start-up.
    if (def.auth !== 'none' && !guard) throw new Error(`route ${def.method.toUpperCase()} ${def.path} needs the '${def.auth}' guard`);
    const handle = async (req: Request, res: Response) => {
      let input: unknown = undefined;
      if (def.input) {
        const r = def.input.safeParse(rawInput(def, req));
        if (!r.success) throw validationError(r.error);
        input = r.data;
      }
      const out = await withAudit(def, ctx, req, input, async () => def.handler({ input, req, res, ctx }));
      if (res.headersSent) return;
      if (out === undefined) res.status(204).end();
      else res.json(out);
    };
    if (guard) router[def.method](def.path, guard, handle);
    else router[def.method](def.path, handle);
  }
}
