// API tokens for pve-websocket mode, read from tblservers like the gateway does: username is
// `user@realm!tokenid`, password the token secret under WHMCS's cipher, accesshash an optional
// PEM CA for pveproxy. Cached per server; never logged.
import type { Db } from '../common/db/connect.ts';
import { decryptWhmcsPassword } from '../common/whmcs-crypto.ts';
import type { CredentialsLookup, PveCredentials } from './upstream.ts';

export function credentialsFromDb(db: Db, ccEncryptionHash: string | undefined): CredentialsLookup {
  const cache = new Map<number, { at: number; creds: PveCredentials | undefined }>();
  return async (serverId) => {
    const hit = cache.get(serverId);
    if (hit && Date.now() - hit.at < 60_000) return hit.creds;
    const row = await db('tblservers').where({ id: serverId, type: 'pvebridge' }).first();
    let creds: PveCredentials | undefined;
    if (row && ccEncryptionHash && row.username) {
      const accesshash = String(row.accesshash ?? '');
      creds = {
        tokenId: String(row.username),
        secret: decryptWhmcsPassword(String(row.password ?? ''), ccEncryptionHash),
        ...(accesshash.includes('BEGIN CERTIFICATE') ? { ca: accesshash } : {}),
      };
    }
    cache.set(serverId, { at: Date.now(), creds });
    return creds;
  };
}
