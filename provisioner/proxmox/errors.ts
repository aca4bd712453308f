// Every failure of a Proxmox call becomes one ProxmoxError, classified once here, so callers
// decide on `kind` and never parse Proxmox's texts themselves.

export type ProxmoxErrorKind = 'transient' | 'not_found' | 'locked' | 'parameter' | 'auth' | 'other';

export class ProxmoxError extends Error {
  constructor(
    readonly kind: ProxmoxErrorKind,
    message: string,
    /** HTTP status; 0 when no response came (network, timeout) or a task failed. */
    readonly status: number,
    /** Per-parameter messages of a 400 "Parameter verification failed.". */
    readonly fields: Record<string, string> = {},
    /** The task, when a task ended in an error. */
    readonly upid?: string,
  ) {
    super(message);
    this.name = 'ProxmoxError';
  }
}

const NOT_FOUND = /does not exist|no such |not found|not implemented/i;
const LOCKED = /VM is locked|can't lock file/i;
const TRANSIENT_TEXT = /got timeout|temporarily|try again|connection refused|no route to host|proxy handler failed|timed out/i;
const TRANSIENT_STATUS = new Set([502, 503, 504, 595, 596, 599]);

/** Kind of an error text (HTTP reason or task exit status). */
export function kindOfText(text: string): ProxmoxErrorKind {
  if (LOCKED.test(text)) return 'locked';
  if (NOT_FOUND.test(text)) return 'not_found';
  if (TRANSIENT_TEXT.test(text)) return 'transient';
  return 'other';
}

export function classifyResponse(status: number, message: string, fields: Record<string, string>): ProxmoxError {
  let kind: ProxmoxErrorKind;
  if (status === 401 || status === 403) kind = 'auth';
  else if (status === 400 && fields.upid === 'no such task') kind = 'not_found';
  else if (status === 400) kind = 'parameter';
  else if (status === 404 || status === 501) kind = 'not_found';
  else if (TRANSIENT_STATUS.has(status)) kind = 'transient';
  else kind = kindOfText(message);
  const detail = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  return new ProxmoxError(kind, detail.length ? `${message} (${detail.join('; ')})` : message, status, fields);
}

const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED))$/;

/** Errors without a response: timeouts and connection failures are transient, TLS trust is not. */
export function classifyThrown(err: unknown, what: string): ProxmoxError {
  if (err instanceof ProxmoxError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.cause?.message ?? e.message ?? String(err);
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new ProxmoxError('transient', `${what}: timed out`, 0);
  if (NETWORK_CODES.test(code)) return new ProxmoxError('transient', `${what}: ${message}`, 0);
  return new ProxmoxError('other', `${what}: ${message}`, 0);
}
