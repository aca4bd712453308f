// Secrets on the admin API: masked as `__KEEP__` in every answer, and `__KEEP__` sent back means
// "keep the stored value". A key is secret when its name says so (password, secret, token, key…).
import { isSecretKey } from '../../provisioner/audit.ts';

export const KEEP = '__KEEP__';

/** A deep copy with every secret-named value replaced by __KEEP__ (empty values stay empty). */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      isSecretKey(k) && v !== '' && v !== null && v !== undefined ? KEEP : maskSecrets(v, depth + 1),
    ]),
  );
}

/** The patch without the secrets sent back as __KEEP__ (they keep their stored values). */
export function withoutKept(patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== KEEP));
}
