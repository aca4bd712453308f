// Knex with two dialects: MySQL/MariaDB (mysql2; WHMCS's own database in production) and
// embedded SQLite (better-sqlite3; the zero-setup default).
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

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
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
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
