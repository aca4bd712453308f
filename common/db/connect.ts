// Knex with two dialects: MySQL/MariaDB (mysql2; WHMCS's own database in production) and
// embedded SQLite (better-sqlite3; the zero-setup default).
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigError } from '../config.ts';

export type Db = Knex;
export type Dialect = 'mysql' | 'sqlite';

// WHMCS columns default to '0000-00-00' sentinels; MySQL's strict modes reject them, so the
// session runs without NO_ZERO_DATE/strict, and the sentinels come back as null.
const WHMCS_SQL_MODE = 'NO_ENGINE_SUBSTITUTION';
const ZERO_DATE = /^0000-00-00( 00:00:00)?$/;

export function dialectOf(url: string): Dialect {
  return /^(mysql|mariadb):\/\//.test(url) ? 'mysql' : 'sqlite';
}

export function sqliteFile(url: string): string {
  return url.replace(/^sqlite:/, '');
}

function mysqlConnection(url: string): Knex.MySql2ConnectionConfig {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    dateStrings: true,
    supportBigNumbers: true,
    charset: 'utf8mb4',
    typeCast(field: { type: string; string(): string | null }, next: () => unknown) {
      if (field.type === 'DATE' || field.type === 'DATETIME' || field.type === 'TIMESTAMP') {
        const v = field.string();
        return v === null || ZERO_DATE.test(v) ? null : v;
      }
      return next();
    },
  } as Knex.MySql2ConnectionConfig;
}

/** SQLite has no date type: the fixture stores WHMCS's sentinels as text, mapped like MySQL's. */
function zeroDatesToNull(result: unknown): unknown {
  const rows = Array.isArray(result) ? result : [result];
  for (const row of rows) {
    if (row && typeof row === 'object' && !Buffer.isBuffer(row)) {
      for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && ZERO_DATE.test(v)) (row as Record<string, unknown>)[k] = null;
    }
  }
  return result;
}

/** Virtual file systems: a database file there is a mistake (and Node's recursive mkdir spins on /proc). */
const VIRTUAL_FS = /^\/(proc|sys|dev)(\/|$)/;

/**
 * Checks the SQLite file's folder before anything is created: not on a virtual file system, the
 * nearest existing ancestor a writable folder. Throws ConfigError naming PVEBRIDGE_DB_URL.
 */
export function prepareSqliteFolder(file: string): void {
  const abs = path.resolve(file);
  const bad = (why: string) => new ConfigError('PVEBRIDGE_DB_URL', `a SQLite file in a writable folder (${abs}: ${why})`);
  let real = abs;
  try {
    real = fs.realpathSync(abs);
  } catch {
    // Not there yet: the folder walk below decides.
  }
  if (VIRTUAL_FS.test(abs) || VIRTUAL_FS.test(real)) throw bad('a virtual file system, not a disk');
  let dir = path.dirname(abs);
  const missing: string[] = [];
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw bad((err as Error).message);
    }
    if (st) {
      if (!st.isDirectory()) throw bad(`${dir} is not a folder`);
      if (VIRTUAL_FS.test(fs.realpathSync(dir))) throw bad('a virtual file system, not a disk');
      try {
        fs.accessSync(dir, fs.constants.W_OK);
      } catch {
        throw bad(`${dir} is not writable`);
      }
      break;
    }
    missing.unshift(dir);
    const up = path.dirname(dir);
    if (up === dir) throw bad('no existing folder on its path');
    dir = up;
  }
  for (const d of missing) fs.mkdirSync(d); // one level at a time: no recursive mkdir loops
}

export const DB_UNAVAILABLE = 'database unavailable, retry';

const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
]);

/** The database cannot be reached (or is shut down): the caller should retry later. */
export function isDbUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && DB_DOWN_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  return (
    typeof e.message === 'string' &&
    /Unable to acquire a connection|aborted due to a pool shutdown|Timeout acquiring a connection/.test(e.message)
  );
}

/** For logs: the error's code, never its text (which may carry host, port or user). */
export function dbErrorSummary(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  return String(e?.code ?? e?.name ?? 'error');
}

export function knexConfig(url: string): Knex.Config {
  if (dialectOf(url) === 'mysql') {
    return {
      client: 'mysql2',
      connection: mysqlConnection(url),
      pool: {
        min: 0,
        max: 10,
        afterCreate(
          conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
          done: (err: Error | null, conn: unknown) => void,
        ) {
          conn.query(`SET SESSION sql_mode = '${WHMCS_SQL_MODE}', time_zone = '+00:00'`, (err) => done(err, conn));
        },
      },
    };
  }
  const file = sqliteFile(url);
  if (file !== ':memory:') prepareSqliteFolder(file);
  return {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    postProcessResponse: zeroDatesToNull,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma: (s: string) => void }, done: (err: Error | null, conn: unknown) => void) {
        // WAL lets a second process (cron, CLI) read while the gateway writes; busy_timeout
        // turns lock contention into a short wait instead of SQLITE_BUSY.
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  };
}

export function openDb(url: string): Db {
  return knexFactory(knexConfig(url));
}

export function dialect(db: Db): Dialect {
  return db.client.config.client === 'mysql2' ? 'mysql' : 'sqlite';
}
