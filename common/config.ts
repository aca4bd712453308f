// Configuration: PVEBRIDGE_* environment variables, validated once at start.
// Each variable is declared once here; docs/configuration.md documents the same list
// (a test keeps the two in sync).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. 127.0.0.1:8080');

const secret = z.string().min(32, 'at least 32 characters of random text');

const dbUrl = z
  .string()
  .refine(
    (v) => /^(mysql|mariadb):\/\/[^/]+\/\w+/.test(v) || isSqliteLocation(v),
    'mysql://user:password@host[:port]/database, or a SQLite file path such as sqlite:./data/pvebridge.sqlite or ./data/pvebridge.sqlite',
  );

export function isSqliteLocation(v: string): boolean {
  if (v.startsWith('sqlite:')) return v.length > 'sqlite:'.length;
  if (v === ':memory:') return true;
  return /\.(sqlite3?|db)$/.test(v) || v.includes('/');
}

const bool = z.enum(['0', '1', 'true', 'false', 'on', 'off']).transform((v) => ['1', 'true', 'on'].includes(v));

/** name → [schema, default, description]; the default is an env-style string (or undefined). */
export const variables = {
  PVEBRIDGE_DB_URL: {
    schema: dbUrl,
    default: 'sqlite:./data/pvebridge.sqlite',
    doc: 'Database: mysql://… (WHMCS database in production) or a SQLite file (embedded default).',
  },
  PVEBRIDGE_SHARED_SECRET: {
    schema: secret.optional(),
    default: undefined,
    doc: 'HMAC key shared by the PHP shim and the gateway. Required by `serve`.',
  },
  PVEBRIDGE_TICKET_SECRET: {
    schema: secret.optional(),
    default: undefined,
    doc: 'HMAC key for console tickets, shared by the gateway and vncproxy. Several keys for rotation: `kid1:secret1,kid2:secret2` (the first signs).',
  },
  PVEBRIDGE_LISTEN: { schema: hostPort, default: '127.0.0.1:8080', doc: 'Gateway HTTP listen address.' },
  PVEBRIDGE_VNC_LISTEN: { schema: hostPort, default: '127.0.0.1:8081', doc: 'vncproxy listen address.' },
  PVEBRIDGE_VNC_PUBLIC_URL: {
    schema: z.string().url('an absolute URL such as https://console.example.com').optional(),
    default: undefined,
    doc: 'Public base URL of the vncproxy, used in console links (default: http://PVEBRIDGE_VNC_LISTEN).',
  },
  PVEBRIDGE_VNC_ALLOWED_ORIGINS: {
    schema: z.string().optional(),
    default: undefined,
    doc: 'Comma-separated Origins allowed to open console WebSockets (default: the vncproxy public URL origin).',
  },
  PVEBRIDGE_VNC_TICKET_STORE: {
    schema: z.enum(['memory', 'db']),
    default: 'memory',
    doc: 'Where vncproxy remembers used console tickets: `memory` (one proxy) or `db` (several proxies sharing PVEBRIDGE_DB_URL).',
  },
  PVEBRIDGE_VNC_UPSTREAM: {
    schema: z.enum(['direct', 'pve-websocket']),
    default: 'direct',
    doc: '`direct`: the vncproxy dials the node console port (TLS on PVE ≥ 9.1.7, TCP before); `pve-websocket`: through pveproxy (only 8006 reachable).',
  },
  PVEBRIDGE_VNC_MAX_SESSIONS: {
    schema: z.coerce.number().int().min(1),
    default: '2000',
    doc: 'Console sessions one vncproxy relays at most.',
  },
  PVEBRIDGE_VNC_MAX_SESSIONS_PER_SERVICE: {
    schema: z.coerce.number().int().min(1),
    default: '4',
    doc: 'Console sessions per service at most.',
  },
  PVEBRIDGE_VNC_IDLE_TIMEOUT: {
    schema: z.coerce.number().int().min(1),
    default: '15',
    doc: 'Minutes without traffic after which a console session closes.',
  },
  PVEBRIDGE_WHMCS_API_URL: {
    schema: z.string().url('the WHMCS API URL, e.g. https://billing.example.com/includes/api.php').optional(),
    default: undefined,
    doc: 'WHMCS API endpoint used for emails, activity log entries and (without the cc_encryption_hash) DecryptPassword/EncryptPassword.',
  },
  PVEBRIDGE_WHMCS_API_IDENTIFIER: { schema: z.string().optional(), default: undefined, doc: 'WHMCS API credential identifier.' },
  PVEBRIDGE_WHMCS_API_SECRET: { schema: z.string().optional(), default: undefined, doc: 'WHMCS API credential secret.' },
  PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: {
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: "Optional: WHMCS's `$cc_encryption_hash` (configuration.php). When set, passwords in tblservers/tblhosting are decrypted locally instead of through the WHMCS API.",
  },
  PVEBRIDGE_WHMCS_PASSWORD_CACHE: {
    schema: z.coerce.number().min(0).max(3600),
    default: '60',
    doc: 'Seconds a password decrypted through the WHMCS API (DecryptPassword) stays in memory; 0 keeps none.',
  },
  PVEBRIDGE_LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level (JSON logs on stdout).',
  },
  PVEBRIDGE_DATA_DIR: { schema: z.string().min(1), default: './data', doc: 'Folder for the embedded database and lockfiles.' },
  PVEBRIDGE_INSTANCE_ID: {
    schema: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits, . : _ - (at most 64)')
      .optional(),
    default: undefined,
    doc: 'Name of this gateway in leases and logs (default: hostname-pid).',
  },
  PVEBRIDGE_CRON: { schema: bool, default: 'on', doc: '`off` disables the in-process scheduler of `serve`.' },
  PVEBRIDGE_REFRESH_INTERVAL: {
    schema: z.coerce.number().min(0).max(3600),
    default: '10',
    doc: 'Seconds between two live-state refresher ticks of `serve` (one /cluster/resources call per Proxmox server); 0 turns it off.',
  },
} as const;

type Vars = typeof variables;
type Parsed = { [K in keyof Vars]: z.output<Vars[K]['schema']> };

export interface Config {
  dbUrl: string;
  sharedSecret: string | undefined;
  ticketSecret: string | undefined;
  listen: { host: string; port: number };
  vncListen: { host: string; port: number };
  vncPublicUrl: string;
  vncAllowedOrigins: string[];
  vncUpstream: 'direct' | 'pve-websocket';
  whmcsApi: { url: string; identifier: string; secret: string } | undefined;
  ccEncryptionHash: string | undefined;
  /** How long a password decrypted by the WHMCS API is kept in memory (ms). */
  whmcsPasswordCacheMs: number;
  logLevel: string;
  dataDir: string;
  instanceId: string;
  cron: boolean;
  /** Live-state refresher period (ms); 0 = off. */
  refreshIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`invalid configuration: ${variable} must be ${expected}`);
  }
}

export function splitHostPort(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(v.slice(i + 1)) };
}

/** Parses and checks the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, required: (keyof Vars)[] = []): Config {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(variables)) {
    const raw = env[name] === '' ? undefined : (env[name] ?? v.default);
    const r = (v.schema as z.ZodType).safeParse(raw);
    if (!r.success) throw new ConfigError(name, r.error.issues[0]?.message ?? 'valid');
    out[name] = r.data;
  }
  for (const name of required) {
    if (out[name] === undefined) throw new ConfigError(name, `set (${variables[name].doc})`);
  }
  const p = out as Parsed;
  const listen = splitHostPort(p.PVEBRIDGE_LISTEN);
  const vncListen = splitHostPort(p.PVEBRIDGE_VNC_LISTEN);
  for (const [name, hp] of [
    ['PVEBRIDGE_LISTEN', listen],
    ['PVEBRIDGE_VNC_LISTEN', vncListen],
  ] as const) {
    if (hp.port > 65535) throw new ConfigError(name, 'host:port with a port from 0 to 65535');
  }
  const whmcsApi = p.PVEBRIDGE_WHMCS_API_URL
    ? {
        url: p.PVEBRIDGE_WHMCS_API_URL,
        identifier: p.PVEBRIDGE_WHMCS_API_IDENTIFIER ?? '',
        secret: p.PVEBRIDGE_WHMCS_API_SECRET ?? '',
      }
    : undefined;
  const vncPublicUrl = (p.PVEBRIDGE_VNC_PUBLIC_URL ?? `http://${p.PVEBRIDGE_VNC_LISTEN}`).replace(/\/$/, '');
  return {
    dbUrl: p.PVEBRIDGE_DB_URL,
    sharedSecret: p.PVEBRIDGE_SHARED_SECRET,
    ticketSecret: p.PVEBRIDGE_TICKET_SECRET,
    listen,
    vncListen,
    vncPublicUrl,
    vncAllowedOrigins: p.PVEBRIDGE_VNC_ALLOWED_ORIGINS
      ? p.PVEBRIDGE_VNC_ALLOWED_ORIGINS.split(',').map((s) => s.trim())
      : [new URL(vncPublicUrl).origin],
    vncUpstream: p.PVEBRIDGE_VNC_UPSTREAM,
    whmcsApi,
    ccEncryptionHash: p.PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH,
    whmcsPasswordCacheMs: Math.round(p.PVEBRIDGE_WHMCS_PASSWORD_CACHE * 1000),
    logLevel: p.PVEBRIDGE_LOG_LEVEL,
    dataDir: path.resolve(p.PVEBRIDGE_DATA_DIR),
    instanceId: p.PVEBRIDGE_INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
    cron: p.PVEBRIDGE_CRON,
    refreshIntervalMs: Math.round(p.PVEBRIDGE_REFRESH_INTERVAL * 1000),
  };
}
