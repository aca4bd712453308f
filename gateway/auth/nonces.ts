// The nonce ledger (mod_pvebridge_nonces): a signed request's nonce is recorded once; a second
// use inside the validity window is a replay. Rows expire after the window and are purged lazily.
// While the table is missing (the addon was deactivated with "delete all tables", and not yet
// activated again) nonces are kept in memory, so the activation call itself can be verified.
import type { Db } from '../../common/db/connect.ts';
import { MAX_SKEW_MS } from './signature.ts';

const TABLE = 'mod_pvebridge_nonces';
const PURGE_EVERY_MS = 10_000;

function isMissingTable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(e.message ?? '');
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT' || e.errno === 1062;
}

export interface NonceLedger {
  /** Records the nonce; false if it was already used (a replay). */
  claim(nonce: string, timestampMs: number): Promise<boolean>;
}

export function nonceLedger(db: Db, now: () => number = Date.now): NonceLedger {
  let lastPurge = 0;
  const memory = new Map<string, number>();
  const claimInMemory = (nonce: string, expiresAt: number, t: number) => {
    for (const [n, exp] of memory) if (exp < t) memory.delete(n);
    if (memory.has(nonce)) return false;
    memory.set(nonce, expiresAt);
    return true;
  };
  return {
    async claim(nonce, timestampMs) {
      const t = now();
      // Kept until the request's timestamp can no longer pass the freshness check anywhere.
      const expiresAt = Math.max(timestampMs, t) + MAX_SKEW_MS;
      if (memory.has(nonce) && (memory.get(nonce) ?? 0) >= t) return false;
      try {
        if (t - lastPurge > PURGE_EVERY_MS) {
          lastPurge = t;
          await db(TABLE).where('expires_at', '<', t).delete();
        }
        await db(TABLE).insert({ nonce, expires_at: expiresAt });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        if (isMissingTable(err)) return claimInMemory(nonce, expiresAt, t);
        throw err;
      }
    },
  };
}
