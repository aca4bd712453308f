// API tokens for pve-websocket mode, read from tblservers like the gateway does: username is
// `user@realm!tokenid`, password the token secret WHMCS stored encrypted — decrypted through the
// WHMCS API, or locally when the cc_encryption_hash is configured (common/whmcs-passwords.ts) —
// accesshash an optional PEM CA for pveproxy. Cached per server for a minute; never logged.
import type { Db } from '../common/db/connect.ts';
import { createWhmcsPasswords, type WhmcsPasswords } from '../common/whmcs-passwords.ts';
import type { CredentialsLookup, PveCredentials } from './upstream.ts';

const FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

/** `passwords`: the WHMCS password access, or a cc_encryption_hash (local decryption) as before. */
export function credentialsFromDb(db: Db, passwords: WhmcsPasswords | string | undefined): CredentialsLookup {
  const access = typeof passwords === 'object' ? passwords : createWhmcsPasswords({ ccEncryptionHash: passwords, whmcsApi: undefined });
  const cache = new Map<number, { at: number; creds: PveCredentials | undefined }>();
  return async (serverId) => {
    const hit = cache.get(serverId);
    if (hit && Date.now() - hit.at < 60_000) return hit.creds;
    const row = await db('tblservers').where({ id: serverId, type: 'pvebridge' }).first();
    let creds: PveCredentials | undefined;
    if (row && access.mode !== 'none' && row.username) {
      const accesshash = String(row.accesshash ?? '');
      creds = {
        tokenId: String(row.username),
        secret: await access.reveal(String(row.password ?? '')),
        ...(accesshash.includes('BEGIN CERTIFICATE') ? { ca: accesshash } : {}),
        // Or pveproxy's SHA-256 fingerprint, as the gateway accepts it (provisioner/servers.ts).
        ...(FINGERPRINT.test(accesshash.trim()) ? { fingerprint: accesshash.trim() } : {}),
      };
    }
    cache.set(serverId, { at: Date.now(), creds });
    return creds;
  };
}
