// One-time console tickets: minted by the gateway after its ownership check, verified by the
// vncproxy. HMAC-SHA256 with PVEBRIDGE_TICKET_SECRET (several keys by id for rotation), bound
// to the service, VM, node and upstream (host, port, mode, pinned CA), valid 10 s, single use.
// The proxy is stateless: everything it needs to dial travels inside the signed ticket.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db/connect.ts';

export const TICKET_TTL_MS = 10_000;
/** Tolerated clock skew between the gateway and the proxy hosts (iat in the future). */
const SKEW_MS = 2_000;
const DOMAIN = 'pvebridge-console-v1';

export const consoleModes = ['tls', 'tcp', 'pve-websocket'] as const;
export type ConsoleMode = (typeof consoleModes)[number];

export const ticketClaimsSchema = z.strictObject({
  jti: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** tblhosting.id */
  sid: z.number().int().positive(),
  /** tblservers.id: whose node addresses (and API token, in pve-websocket mode) apply. */
  srv: z.number().int().positive(),
  vmid: z.number().int().min(100).max(999_999_999),
  node: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/),
  host: z.string().min(1).max(255),
  /** The node's console port (5900–5999); in pve-websocket mode the vncwebsocket `port` param. */
  port: z.number().int().min(1).max(65535),
  mode: z.enum(consoleModes),
  /** tls: the CA Proxmox returned (DER, base64url) — the only trust anchor for that dial. */
  ca: z.string().max(8192).optional(),
  /** tls: SHA-256 (base64url) of the node certificates Proxmox lists for the node (pveproxy-ssl.pem
   *  when installed, pve-ssl.pem) — a node with its own certificate is trusted by these pins. */
  fp: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{43}$/))
    .max(4)
    .optional(),
  /** pve-websocket: pveproxy's API port and the PVE vncticket it checks. */
  apiPort: z.number().int().min(1).max(65535).optional(),
  vncticket: z.string().max(512).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type TicketClaims = z.output<typeof ticketClaimsSchema>;
export type TicketInput = Omit<TicketClaims, 'jti' | 'iat' | 'exp'>;

export interface TicketKeys {
  signKid: string;
  keys: Map<string, Buffer>;
}

/**
 * `kid1:secret1,kid2:secret2` (the first signs, all verify) or one bare secret (kid derived
 * from its hash, so a later `new:…,<that kid>:old` rotation keeps old tickets valid).
 */
export function parseTicketKeys(spec: string): TicketKeys {
  const keys = new Map<string, Buffer>();
  const parts = spec.includes(',') || /^[\w-]{1,16}:/.test(spec) ? spec.split(',') : [spec];
  for (const part of parts) {
    const m = /^([\w-]{1,16}):(.+)$/.exec(part.trim());
    const kid = m ? m[1]! : crypto.createHash('sha256').update(part).digest('base64url').slice(0, 8);
    const secret = m ? m[2]! : part;
    if (secret.length < 32) throw new Error(`ticket key ${kid}: at least 32 characters`);
    keys.set(kid, Buffer.from(secret, 'utf8'));
  }
  return { signKid: keys.keys().next().value!, keys };
}

function sign(key: Buffer, kid: string, payload: string): Buffer {
  return crypto.createHmac('sha256', key).update(`${DOMAIN}.${kid}.${payload}`).digest();
}

export function mintTicket(keys: TicketKeys, input: TicketInput, now = Date.now()): { ticket: string; claims: TicketClaims } {
  const claims = ticketClaimsSchema.parse({
    ...input,
    jti: crypto.randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + TICKET_TTL_MS,
  });
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = sign(keys.keys.get(keys.signKid)!, keys.signKid, payload).toString('base64url');
  return { ticket: `${keys.signKid}.${payload}.${sig}`, claims };
}

export type VerifyResult =
  { ok: true; claims: TicketClaims } | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' };

/** Checks format, key id, signature (constant time) and validity window. Does not consume. */
export function verifyTicket(keys: TicketKeys, ticket: string, now = Date.now()): VerifyResult {
  const m = /^([\w-]{1,16})\.([A-Za-z0-9_-]{16,12000})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, kid, payload, sig] = m as unknown as [string, string, string, string];
  const key = keys.keys.get(kid);
  if (!key) return { ok: false, reason: 'unknown_key' };
  const given = Buffer.from(sig, 'base64url');
  const expected = sign(key, kid, payload);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let claims: TicketClaims;
  try {
    claims = ticketClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (now >= claims.exp || claims.iat > now + SKEW_MS || claims.exp - claims.iat > TICKET_TTL_MS) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** Where used ticket ids are remembered until they expire. consume() is atomic. */
export interface JtiStore {
  /** true the first time a jti is seen, false ever after (until it expired anyway). */
  consume(jti: string, expiresAt: number): Promise<boolean>;
  close?(): Promise<void> | void;
}

/** One proxy process: a Map swept of expired ids. */
export class MemoryJtiStore implements JtiStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  async consume(jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    if (now - this.lastSweep > 1000) this.sweep(now);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expiresAt);
    return true;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [jti, exp] of this.seen) if (exp <= now) this.seen.delete(jti);
  }

  get size(): number {
    return this.seen.size;
  }
}

export const CONSOLE_TICKETS_TABLE = 'mod_pvebridge_console_tickets';

/** Several proxies: the primary key makes the insert the atomic consume. */
export class DbJtiStore implements JtiStore {
  private lastSweep = 0;
  constructor(private readonly db: Db) {}

  async consume(jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      await this.db(CONSOLE_TICKETS_TABLE).where('expires_at', '<', now).delete();
    }
    try {
      await this.db(CONSOLE_TICKETS_TABLE).insert({ jti, expires_at: expiresAt, used_at: now });
      return true;
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
  }
}

function isDuplicate(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e.code === 'ER_DUP_ENTRY' || e.errno === 1062 || String(e.code).startsWith('SQLITE_CONSTRAINT');
}

/** CA PEM (as Proxmox returns it) ↔ the compact form carried in a ticket. */
export function caToClaim(pem: string): string {
  return new crypto.X509Certificate(pem).raw.toString('base64url');
}

/** 'AB:CD:…' (Proxmox's notation) → base64url of the 32 bytes, the `fp` claim form. */
export function fingerprintToClaim(fp: string): string | undefined {
  const hex = fp.replace(/[^0-9a-f]/gi, '');
  return hex.length === 64 ? Buffer.from(hex, 'hex').toString('base64url') : undefined;
}

export function caFromClaim(claim: string): crypto.X509Certificate {
  return new crypto.X509Certificate(Buffer.from(claim, 'base64url'));
}
