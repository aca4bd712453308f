// Who acts on the admin API. Every /v1/admin/* request is signed like the module API; because the
// signature covers the path with its query string, the acting admin travels in the query —
// `?actor=admin:<id>` (or `?actor=system` for automation) — on GET and on writes alike, so it is
// signed for every method. Clients never reach the admin API.
import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import type { Actor } from '../whmcs/schemas.ts';

export type AdminActor = Extract<Actor, { type: 'admin' | 'system' }>;

const actorParam = z.union([z.literal('system'), z.string().regex(/^admin:[1-9]\d{0,9}$/, 'expected admin:<id> or system')]);

/** The admin (or system) named by the signed `actor` query parameter; 403 without one. */
export function adminActor(req: Request): AdminActor {
  const raw = req.query.actor;
  const r = actorParam.safeParse(raw);
  if (!r.success) {
    throw new AppError('PVB_ACCESS_DENIED', 'Access Denied: the admin API needs ?actor=admin:<id> or ?actor=system', {
      actor: raw === undefined ? 'required' : 'expected admin:<id> or system',
    });
  }
  return r.data === 'system' ? { type: 'system' } : { type: 'admin', id: Number(r.data.slice('admin:'.length)) };
}
