// Test databases for both dialects. Each test file gets its own SQLite file or MariaDB database
// (files run in parallel), migrated and with the WHMCS fixture, dropped afterwards.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { knexConfig, openDb, type Db, type Dialect } from '../../common/db/connect.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createWhmcsFixture } from '../../common/whmcs-fixture/index.ts';
import { missing } from './tools.ts';

/** Admin URL of the test MariaDB server (CI sets it; the default matches a local root login). */
export const MYSQL_ADMIN_URL = process.env.PVEBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

async function mysqlReachable(): Promise<string | undefined> {
  const db = knexFactory({ ...knexConfig(MYSQL_ADMIN_URL), pool: { min: 0, max: 1 } });
  try {
    await db.raw('select 1');
    return undefined;
  } catch (err) {
    return `MariaDB not reachable at ${MYSQL_ADMIN_URL.replace(/:[^:@/]+@/, ':***@')} (${(err as Error).message})`;
  } finally {
    await db.destroy();
  }
}

let mysqlProbe: Promise<string | undefined> | undefined;

/** The dialects to run a data-layer test on: SQLite always, MariaDB when reachable (CI: must be). */
export async function testDialects(): Promise<Dialect[]> {
  mysqlProbe ??= mysqlReachable();
  const why = await mysqlProbe;
  if (why) {
    missing('mariadb', `${why}; the MariaDB half of the data-layer tests did not run`);
    return ['sqlite'];
  }
  return ['sqlite', 'mysql'];
}

export interface TestDb {
  db: Db;
  url: string;
  dialect: Dialect;
  drop(): Promise<void>;
}

export async function createTestDb(dialect: Dialect, opts: { migrate?: boolean; whmcs?: boolean } = {}): Promise<TestDb> {
  const name = `pvebridge_t_${crypto.randomBytes(5).toString('hex')}`;
  let url: string;
  let dropStorage: () => Promise<void>;
  if (dialect === 'mysql') {
    const admin = openDb(MYSQL_ADMIN_URL);
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    await admin.destroy();
    url = MYSQL_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    dropStorage = async () => {
      const a = openDb(MYSQL_ADMIN_URL);
      await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-'));
    url = `sqlite:${path.join(dir, `${name}.sqlite`)}`;
    dropStorage = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const db = openDb(url);
  if (opts.migrate !== false) await migrateLatest(db);
  if (opts.whmcs !== false) await createWhmcsFixture(db);
  return {
    db,
    url,
    dialect,
    async drop() {
      await db.destroy();
      await dropStorage();
    },
  };
}
