// Proxmox credentials of a WHMCS server (tblservers), so any part — module calls, pipelines, cron —
// can reach the server with no module call in flight: address and port from the row, username =
// the API token id (user@realm!tokenid), password = the token secret, stored encrypted by WHMCS
// and decrypted through the WHMCS API (DecryptPassword) — or locally with WHMCS's scheme when
// PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH is set (common/whmcs-passwords.ts) — and the
// access hash optionally holding the CA certificate (PEM) or the certificate's SHA-256 fingerprint.
import type { Config } from '../common/config.ts';
import type { Db } from '../common/db/connect.ts';
import { AppError } from '../common/errors.ts';
import { whmcsPasswords } from '../common/whmcs-passwords.ts';
import { getGlobalSettings } from './plan/global-settings.ts';
import { createProxmoxClient, type ProxmoxClient } from './proxmox/index.ts';

const TOKEN_ID = /^[^\s:/@]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/;
const FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

export interface ServerCredentials {
  baseUrl: string;
  tokenId: string;
  secret: string;
  ca?: string;
  fingerprint?: string;
}

const invalid = (why: string) => new AppError('PVB_VALIDATION', why);

/** Builds credentials from server fields (a tblservers row or WHMCS's server params). */
export function credentialsFrom(s: {
  hostname?: string;
  ip?: string;
  port?: string | number | null;
  secure?: boolean;
  username?: string;
  secret?: string;
  accesshash?: string;
}): ServerCredentials {
  const host = (s.hostname || s.ip || '').trim();
  if (!host) throw invalid('The server has neither a hostname nor an IP address');
  const tokenId = (s.username ?? '').trim();
  if (!TOKEN_ID.test(tokenId)) throw invalid(`The server username must be a Proxmox API token id (user@realm!tokenid), got "${tokenId}"`);
  if (!s.secret) throw invalid('The server password (the API token secret) is empty');
  const port = Number(s.port) || 8006;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const access = (s.accesshash ?? '').trim();
  return {
    baseUrl: `${s.secure === false ? 'http' : 'https'}://${hostPart}:${port}/api2/json`,
    tokenId,
    secret: s.secret,
    ...(access.includes('-----BEGIN CERTIFICATE-----') && { ca: access }),
    ...(FINGERPRINT.test(access) && { fingerprint: access }),
  };
}

export async function serverCredentials(db: Db, config: Config, serverId: number): Promise<ServerCredentials> {
  const row = await db('tblservers').where({ id: serverId }).first();
  if (!row) throw new AppError('PVB_NOT_FOUND', `Server #${serverId} does not exist`);
  return credentialsFrom({
    hostname: row.hostname,
    ip: row.ipaddress,
    port: row.port,
    secure: row.secure === 'on' || row.secure === '1' || row.secure === 1,
    username: row.username,
    secret: await whmcsPasswords(config).reveal(String(row.password ?? '')),
    accesshash: row.accesshash,
  });
}

async function timeouts(db: Db): Promise<{ timeoutMs: number; heavyTimeoutMs: number }> {
  const g = await getGlobalSettings(db);
  return { timeoutMs: g.defaultTimeout * 1000, heavyTimeoutMs: g.heavyTimeout * 1000 };
}

/** The Proxmox client of a WHMCS server, with the spec's Default / Heavy Operations timeouts. */
export async function proxmoxForServer(db: Db, config: Config, serverId: number): Promise<ProxmoxClient> {
  const c = await serverCredentials(db, config, serverId);
  return createProxmoxClient({ ...c, ...(await timeouts(db)) });
}

/**
 * The client for WHMCS's server params: Test Connection tests the form as typed (possibly unsaved)
 * when it carries the token secret, else the saved server.
 */
export async function proxmoxFromServerParams(
  db: Db,
  config: Config,
  p: {
    serverid?: number;
    serverhostname?: string;
    serverip?: string;
    serverport?: string | number;
    serversecure?: boolean | string | number;
    serverusername?: string;
    serverpassword?: string;
    serveraccesshash?: string;
  },
): Promise<{ client: ProxmoxClient; baseUrl: string; tokenId: string }> {
  let c: ServerCredentials;
  if (p.serverpassword || !p.serverid) {
    const secure = p.serversecure === undefined ? undefined : [true, 1, '1', 'on', 'true'].includes(p.serversecure as never);
    c = credentialsFrom({
      hostname: p.serverhostname,
      ip: p.serverip,
      port: p.serverport,
      ...(secure !== undefined && { secure }),
      username: p.serverusername,
      secret: p.serverpassword,
      accesshash: p.serveraccesshash,
    });
  } else {
    c = await serverCredentials(db, config, p.serverid);
  }
  return { client: createProxmoxClient({ ...c, ...(await timeouts(db)) }), baseUrl: c.baseUrl, tokenId: c.tokenId };
}
