// Signed admin API calls for tests and the benchmark: `?actor=admin:<id>` on every method (the
// signature covers the path with its query), JSON bodies on writes.
import { signRequest } from '../../gateway/auth/signature.ts';
import { SHARED_SECRET } from '../provisioner/harness.ts';

export interface AdminReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export type AdminCall = <T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  o?: { query?: Record<string, string | number | undefined>; body?: unknown; actor?: string | null; ip?: string },
) => Promise<AdminReply<T>>;

export function adminClient(baseUrl: string, defaultActor = 'admin:1', secret = SHARED_SECRET): AdminCall {
  return async (method, path, o = {}) => {
    const q = new URLSearchParams();
    const actor = o.actor === undefined ? defaultActor : o.actor;
    if (actor !== null) q.set('actor', actor);
    if (o.ip) q.set('ip', o.ip);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) q.set(k, String(v));
    const full = `${path}${q.size ? `?${q}` : ''}`;
    const text = o.body === undefined ? '' : JSON.stringify(o.body);
    const res = await fetch(`${baseUrl}${full}`, {
      method,
      headers: { ...(text && { 'content-type': 'application/json' }), ...signRequest(secret, { method, path: full, body: text }) },
      ...(text && { body: text }),
    });
    const raw = await res.text();
    return { status: res.status, body: (raw ? JSON.parse(raw) : {}) as never };
  };
}
