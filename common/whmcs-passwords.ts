// Passwords WHMCS stores encrypted (tblservers.password: the Proxmox token secret; tblhosting
// .password: the service password), read and written the way WHMCS supports from outside: its
// API's DecryptPassword / EncryptPassword (`password2` → `password`). An install then works
// without copying WHMCS's master key. PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH stays an option: when set,
// the gateway decrypts locally with WHMCS's cipher (common/whmcs-crypto.ts), as before.
// Decrypted values live in memory only, for a short while; they are never logged (docs/adr/0005).
import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import { decryptWhmcsPassword, encryptWhmcsPassword } from './whmcs-crypto.ts';

export interface WhmcsPasswords {
  /** `local` (cc_encryption_hash), `api` (WHMCS API) or `none` (every call fails, saying why). */
  readonly mode: 'local' | 'api' | 'none';
  /** The plain text of a value WHMCS encrypted; '' for ''. */
  reveal(cipher: string): Promise<string>;
  /** WHMCS's encrypted form of `plain`, for a WHMCS table. */
  conceal(plain: string): Promise<string>;
}

export interface WhmcsPasswordOptions {
  /** How long a decrypted value is kept in memory (default 60 s; 0 = not at all). */
  cacheTtlMs?: number;
  /** At most this many decrypted values are kept (oldest dropped first). */
  cacheSize?: number;
  timeoutMs?: number;
  now?: () => number;
}

type Source = Pick<Config, 'ccEncryptionHash' | 'whmcsApi'> & { whmcsPasswordCacheMs?: number };

const NOT_CONFIGURED =
  'the gateway cannot read passwords stored by WHMCS: configure the WHMCS API (PVEBRIDGE_WHMCS_API_URL, _IDENTIFIER, _SECRET; ' +
  'its role must allow DecryptPassword and EncryptPassword) or set PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH';

/** One WHMCS API call; the error names WHMCS's message only (never the values sent). */
async function callApi(api: NonNullable<Config['whmcsApi']>, action: string, password2: string, timeoutMs: number): Promise<string> {
  const body = new URLSearchParams({ action, identifier: api.identifier, secret: api.secret, password2, responsetype: 'json' });
  let res: Response;
  try {
    res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new AppError('PVB_UNAVAILABLE', `WHMCS API ${action} unreachable: ${(err as Error).message}`);
  }
  let json: { result?: string; message?: string; password?: unknown } = {};
  try {
    json = (await res.json()) as typeof json;
  } catch {
    throw new AppError('PVB_UPSTREAM', `WHMCS API ${action} answered HTTP ${res.status} without JSON`);
  }
  if (!res.ok || json.result !== 'success' || typeof json.password !== 'string')
    throw new AppError('PVB_UPSTREAM', `WHMCS API ${action} failed: ${json.message ?? `HTTP ${res.status}`}`);
  return json.password;
}

/** A small time- and size-bounded memory of decrypted values, keyed by their cipher text. */
function memo(ttlMs: number, size: number, now: () => number) {
  const entries = new Map<string, { plain: string; until: number }>();
  return {
    get(cipher: string): string | undefined {
      const e = entries.get(cipher);
      if (!e) return undefined;
      if (e.until > now()) return e.plain;
      entries.delete(cipher);
      return undefined;
    },
    set(cipher: string, plain: string): void {
      if (ttlMs <= 0) return;
      entries.delete(cipher);
      entries.set(cipher, { plain, until: now() + ttlMs });
      while (entries.size > size) entries.delete(entries.keys().next().value!);
    },
  };
}

export function createWhmcsPasswords(source: Source, o: WhmcsPasswordOptions = {}): WhmcsPasswords {
  const hash = source.ccEncryptionHash;
  if (hash) {
    return {
      mode: 'local',
      reveal: async (cipher) => (cipher ? decryptWhmcsPassword(cipher, hash) : ''),
      conceal: async (plain) => encryptWhmcsPassword(plain, hash),
    };
  }
  const api = source.whmcsApi;
  if (!api) {
    const refuse = async (): Promise<string> => {
      throw new AppError(
        'PVB_VALIDATION',
        `PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH is not set and no WHMCS API is configured: ${NOT_CONFIGURED}`,
      );
    };
    return { mode: 'none', reveal: async (cipher) => (cipher ? refuse() : ''), conceal: refuse };
  }
  const timeoutMs = o.timeoutMs ?? 10_000;
  const cache = memo(o.cacheTtlMs ?? source.whmcsPasswordCacheMs ?? 60_000, o.cacheSize ?? 1000, o.now ?? Date.now);
  const inFlight = new Map<string, Promise<string>>();
  return {
    mode: 'api',
    async reveal(cipher) {
      if (!cipher) return '';
      const hit = cache.get(cipher);
      if (hit !== undefined) return hit;
      // Concurrent readers of one secret (a refresher tick, pipelines) share one API call.
      let p = inFlight.get(cipher);
      if (!p) {
        p = callApi(api, 'DecryptPassword', cipher, timeoutMs).finally(() => inFlight.delete(cipher));
        inFlight.set(cipher, p);
      }
      const plain = await p;
      cache.set(cipher, plain);
      return plain;
    },
    conceal: (plain) => callApi(api, 'EncryptPassword', plain, timeoutMs),
  };
}

const perConfig = new WeakMap<object, WhmcsPasswords>();

/** The process's WHMCS password access for `config` (one cache shared by all its users). */
export function whmcsPasswords(config: Source): WhmcsPasswords {
  let p = perConfig.get(config);
  if (!p) {
    p = createWhmcsPasswords(config);
    perConfig.set(config, p);
  }
  return p;
}
