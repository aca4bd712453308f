// The 'shim' guard: only requests signed with the shared secret, fresh, and never seen before
// reach a module API handler. Checks run cheapest-first and the nonce is recorded only after the
// signature verified, so unsigned traffic cannot fill the ledger. Every refusal is a 401 and
// happens before the handler, so nothing is changed. Replies to verified requests are signed
// (reply.ts) so the shim can trust them.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../common/errors.ts';
import type { GatewayContext } from '../context.ts';
import { nonceLedger, type NonceLedger } from './nonces.ts';
import { signReplies } from './reply.ts';
import { HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_SKEW_MS, NONCE_PATTERN, signatureMatches } from './signature.ts';

const unauthorized = (why: string) => new AppError('PVB_UNAUTHORIZED', `Request refused: ${why}`);

const header = (req: Request, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

export interface ShimGuardOptions {
  now?: () => number;
  ledger?: NonceLedger;
}

export function shimGuard(ctx: GatewayContext, secret: string, opts: ShimGuardOptions = {}): RequestHandler {
  const now = opts.now ?? Date.now;
  const ledger = opts.ledger ?? nonceLedger(ctx.db, now);
  return async (req, res, next) => {
    const timestamp = header(req, HEADER_TIMESTAMP);
    const nonce = header(req, HEADER_NONCE);
    const signature = header(req, HEADER_SIGNATURE);
    if (!timestamp || !nonce || !signature) throw unauthorized('the request is not signed');
    if (!/^\d{1,12}$/.test(timestamp) || !NONCE_PATTERN.test(nonce)) throw unauthorized('malformed signature headers');
    const body = (req as unknown as { rawBody?: Buffer }).rawBody ?? '';
    if (!signatureMatches(secret, { method: req.method, path: req.originalUrl, timestamp, nonce, body }, signature)) {
      ctx.log.warn({ path: req.path }, 'module API: bad signature');
      throw unauthorized('bad signature (check PVEBRIDGE_SHARED_SECRET on both sides)');
    }
    const ts = Number(timestamp) * 1000;
    if (Math.abs(now() - ts) > MAX_SKEW_MS) throw unauthorized('stale timestamp (check the clocks of the WHMCS and gateway hosts)');
    if (!(await ledger.claim(nonce, ts))) {
      ctx.log.warn({ path: req.path }, 'module API: replayed nonce');
      throw unauthorized('replayed nonce');
    }
    // Verified: from here on, every answer (success or refusal) is signed for this nonce.
    signReplies(res, secret, nonce);
    next();
  };
}

/** The guards buildApp uses unless told otherwise: the shim guard exists only with a secret. */
export function defaultGuards(ctx: GatewayContext): { shim?: RequestHandler } {
  return ctx.config.sharedSecret ? { shim: shimGuard(ctx, ctx.config.sharedSecret) } : {};
}
