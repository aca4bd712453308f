// The audit of HTTP actions, declared on the route (defineRoute's `audit`): every signed non-GET
// route is audited unless it says `audit: false` (reads sent as POST by the module API). One row
// per accepted request, written after the handler: success, or an error that is ours (5xx,
// upstream). Refusals (4xx: bad signature, invalid input, not found, conflict) change nothing —
// not even the audit log — and their reason is in the response.
import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../common/errors.ts';
import { recordAudit, type AuditActorType } from '../../provisioner/audit.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import type { RouteDef } from '../http/route.ts';

/** How a route is audited; every field is optional (defaults: action from the path, subject from the input). */
export interface AuditSpec<I = unknown> {
  /** Audit action name, e.g. `admin.ip-pools.create`. */
  action?: string;
  /** The action name for this input (a dispatching route); wins over `action`. */
  actionOf?(input: I): string;
  /** Not audited for this input (e.g. a read op of a dispatching route). */
  skip?(input: I): boolean;
  subject?(input: I): { serviceId?: number | null; vmid?: number | null };
  /** State before the change (runs before the handler), for the before/after summary. */
  before?(ctx: GatewayContext, input: I): Promise<unknown> | unknown;
  /** What to record of the handler's answer (default: the request's fields and the answer, redacted). */
  after?(out: unknown, input: I): unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** The default action name: the path without version and parameters, e.g. `whmcs.Start`. */
export function defaultAction(def: Pick<RouteDef, 'method' | 'path'>): string {
  const parts = def.path.split('/').filter((p) => p && p !== 'v1' && !p.startsWith(':'));
  return [...parts, ...(def.method === 'post' ? [] : [def.method])].join('.');
}

function actorOf(input: Obj, req: Request): { type: AuditActorType; id: number | null } {
  const a = obj(input.actor);
  if (a.type === 'admin' || a.type === 'client') return { type: a.type, id: Number(a.id) || null };
  if (a.type === 'system') return { type: 'system', id: null };
  const q = typeof req.query.actor === 'string' ? req.query.actor : '';
  const m = /^admin:([1-9]\d{0,9})$/.exec(q);
  return m ? { type: 'admin', id: Number(m[1]) } : { type: 'system', id: null };
}

/** The user's address as the signed request names it (the shim's `actor.ip` or `?ip=`), else the peer's. */
function sourceIp(req: Request): string {
  const named = [obj(obj(req.body).actor).ip, req.query.ip].find((v) => typeof v === 'string' && ipaddr.isValid(v));
  return (named as string | undefined) ?? req.ip ?? '';
}

function serviceOf(input: Obj): number | null {
  const sid = input.serviceId ?? obj(input.params).serviceid;
  const n = Number(sid);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The request's own fields, without who acts and WHMCS's bulky $params. */
function requestSummary(input: Obj): Obj | undefined {
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'actor' && k !== 'params'));
  return Object.keys(rest).length ? rest : undefined;
}

const isOurFailure = (err: unknown) => !(err instanceof AppError) || err.status >= 500;

/** Runs the handler and writes the route's audit row (when it is audited for this input). */
export async function withAudit(
  def: RouteDef,
  ctx: GatewayContext,
  req: Request,
  input: unknown,
  run: () => Promise<unknown>,
): Promise<unknown> {
  const spec = def.audit;
  const audited = spec !== false && def.auth === 'shim' && (def.method !== 'get' || spec !== undefined);
  const i = obj(input);
  const s: AuditSpec = spec || {};
  if (!audited || s.skip?.(input)) return run();
  const subject = s.subject?.(input) ?? { serviceId: serviceOf(i) };
  const serviceId = subject.serviceId ?? null;
  const vmid = subject.vmid !== undefined ? subject.vmid : serviceId ? ((await getVm(ctx.db, serviceId))?.vmid ?? null) : null;
  const before = s.before ? await s.before(ctx, input) : undefined;
  const base = {
    actor: actorOf(i, req),
    sourceIp: sourceIp(req),
    action: s.actionOf?.(input) ?? s.action ?? defaultAction(def),
    serviceId,
    vmid,
    ...(before !== undefined && { before }),
  };
  let out: unknown;
  try {
    out = await run();
  } catch (err) {
    if (isOurFailure(err)) {
      const error = err instanceof Error ? err.message : String(err);
      await recordAudit(ctx.db, { ...base, result: 'error', error }).catch((e: unknown) => ctx.log.error({ err: e }, 'audit write failed'));
    }
    throw err;
  }
  const request = requestSummary(i);
  const after = s.after ? s.after(out, input) : { ...(request && { request }), ...(out !== undefined && { response: out }) };
  await recordAudit(ctx.db, { ...base, result: 'success', after }).catch((e: unknown) => ctx.log.error({ err: e }, 'audit write failed'));
  return out;
}
