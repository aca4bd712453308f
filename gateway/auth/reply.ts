// Signed replies: every answer to a verified shim request carries
//   X-Pvebridge-Reply-Signature = hex HMAC-SHA256(secret, "REPLY" \n STATUS \n REQUEST NONCE \n sha256hex(BODY))
// so the shim can tell a gateway answer (a console link, a page's data) from one forged or
// altered in transit, and cannot be fed an old answer for a new request (the nonce is its own).
// php-shim/modules/servers/pvebridge/lib/Client.php verifies it; a change here is a change there.
import crypto from 'node:crypto';
import type { Response } from 'express';

export const HEADER_REPLY_SIGNATURE = 'x-pvebridge-reply-signature';

export function replySignature(secret: string, status: number, nonce: string, body: Buffer | string): string {
  const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
  return crypto.createHmac('sha256', secret).update(`REPLY\n${status}\n${nonce}\n${bodyHash}`).digest('hex');
}

const asBuffer = (chunk: unknown, encoding?: BufferEncoding): Buffer =>
  chunk === undefined || chunk === null || typeof chunk === 'function'
    ? Buffer.alloc(0)
    : Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(String(chunk), encoding);

/**
 * Signs whatever this response ends up sending. Express's res.json/res.send/res.status().end()
 * all finish in res.end with the complete body, so that is where the header is set.
 */
export function signReplies(res: Response, secret: string, nonce: string): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (!res.headersSent) {
      const [chunk, encoding] = args;
      const body = asBuffer(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
      res.setHeader(HEADER_REPLY_SIGNATURE, replySignature(secret, res.statusCode, nonce, body));
    }
    return end(...args);
  }) as Response['end'];
}
