// The one HTTP path of every provider: a timeout on each request, errors classified once
// (network/timeout/5xx → transient, 401/403 → auth, 404 → not_found, 429 → rate_limited, other
// 4xx → invalid) and retries on transient errors only. Credentials travel in headers or bodies
// the caller builds; nothing here logs a request.
import { DnsError, type ProviderOptions } from './types.ts';

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function classify(status: number, message: string): DnsError {
  const kind =
    status === 401 || status === 403
      ? 'auth'
      : status === 404
        ? 'not_found'
        : status === 429
          ? 'rate_limited'
          : status >= 500 || status === 408
            ? 'transient'
            : 'invalid';
  return new DnsError(kind, message, status);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(url: string, init: RequestInit, timeoutMs: number): Promise<HttpReply> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    throw new DnsError('transient', `unreachable: ${why}`);
  }
  const text = await res.text().catch(() => '');
  return {
    status: res.status,
    headers: res.headers,
    text,
    json() {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new DnsError('transient', `HTTP ${res.status}: not JSON: ${text.slice(0, 80)}`, res.status);
      }
    },
  };
}

/**
 * Sends a request; `check` turns a reply into a value or throws a DnsError (classify() by
 * default). Only transient errors are retried.
 */
export async function request<T>(url: string, init: RequestInit, o: ProviderOptions, check: (r: HttpReply) => T): Promise<T> {
  const retries = o.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return check(await once(url, init, o.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    } catch (err) {
      const e = err instanceof DnsError ? err : new DnsError('invalid', (err as Error).message);
      if (e.kind !== 'transient' || attempt >= retries) throw e;
      await sleep((o.retryDelayMs ?? 200) * (attempt + 1));
    }
  }
}
