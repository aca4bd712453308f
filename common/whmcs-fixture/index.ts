// WHMCS fixture: creates the tbl* tables a provisioning module touches and seeds a small
// catalogue. For tests, the demo and the simulator-backed local stack only: it refuses to
// touch a database that already has a WHMCS install (tblconfiguration with a Version row)
// unless that install is the fixture's own.
import { dialect, type Db } from '../db/connect.ts';
import { blankValue, sqliteDdl, whmcsTable, whmcsTables } from './schema.ts';

export { whmcsTables, whmcsTable } from './schema.ts';

const FIXTURE_MARK = 'pvebridge-fixture';

export async function createWhmcsFixture(db: Db): Promise<void> {
  if (await db.schema.hasTable('tblconfiguration')) {
    const v = await db('tblconfiguration').where({ setting: 'Version' }).first();
    if (v && v.value !== FIXTURE_MARK) throw new Error('refusing to create the WHMCS fixture in a real WHMCS database');
  }
  const mysql = dialect(db) === 'mysql';
  for (const t of whmcsTables()) {
    if (mysql) await db.raw(t.ddl.replace(/^CREATE TABLE/, 'CREATE TABLE IF NOT EXISTS'));
    else for (const s of sqliteDdl(t)) await db.raw(s);
  }
  if (!(await db('tblconfiguration').where({ setting: 'Version' }).first())) {
    await insertRow(db, 'tblconfiguration', { setting: 'Version', value: FIXTURE_MARK });
  }
}

export async function dropWhmcsFixture(db: Db): Promise<void> {
  for (const t of whmcsTables()) await db.schema.dropTableIfExists(t.name);
}

/** Inserts a WHMCS row, filling NOT NULL columns without a default the way WHMCS does. */
export async function insertRow(db: Db, table: string, values: Record<string, unknown>): Promise<number> {
  const row: Record<string, unknown> = {};
  for (const c of whmcsTable(table).columns) {
    if (c.name in values) row[c.name] = values[c.name];
    else if (c.notNull && c.default === undefined && !c.autoIncrement) row[c.name] = blankValue(c);
  }
  const [id] = await db(table).insert(row);
  return Number(id);
}
