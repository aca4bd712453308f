// The shim ↔ gateway request signature. Both sides compute HMAC-SHA256, keyed by
// PVEBRIDGE_SHARED_SECRET, over one canonical string:
//
//   METHOD \n PATH(+query, as sent) \n TIMESTAMP(unix seconds) \n NONCE \n sha256hex(BODY)
//
// and send it in three headers. php-shim/modules/servers/pvebridge/lib/Client.php is the PHP
// side of the same rule; a change here is a change there.
import crypto from 'node:crypto';

export const HEADER_TIMESTAMP = 'x-pvebridge-timestamp';
export const HEADER_NONCE = 'x-pvebridge-nonce';
export const HEADER_SIGNATURE = 'x-pvebridge-signature';

/** A signed request older or newer than this is refused (clock skew included). */
export const MAX_SKEW_MS = 60_000;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

export function canonicalString(p: SignedParts): string {
  const bodyHash = crypto.createHash('sha256').update(p.body).digest('hex');
  return [p.method.toUpperCase(), p.path, p.timestamp, p.nonce, bodyHash].join('\n');
}

export function computeSignature(secret: string, p: SignedParts): string {
  return crypto.createHmac('sha256', secret).update(canonicalString(p)).digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one. */
export function signatureMatches(secret: string, p: SignedParts, received: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(received)) return false;
  const expected = Buffer.from(computeSignature(secret, p), 'hex');
  return crypto.timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

/** Headers for a signed request (tests and any TypeScript caller of the module API). */
export function signRequest(
  secret: string,
  req: { method: string; path: string; body?: string },
  opts: { now?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(Math.floor((opts.now ?? Date.now()) / 1000));
  const nonce = opts.nonce ?? crypto.randomBytes(16).toString('hex');
  const signature = computeSignature(secret, { method: req.method, path: req.path, timestamp, nonce, body: req.body ?? '' });
  return { [HEADER_TIMESTAMP]: timestamp, [HEADER_NONCE]: nonce, [HEADER_SIGNATURE]: signature };
}
