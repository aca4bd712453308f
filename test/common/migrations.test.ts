import { afterEach, describe, expect, it } from 'vitest';
import { migrateLatest, pendingMigrations, dropAll } from '../../common/db/migrate.ts';
import { migrations } from '../../common/db/migrations/index.ts';
import { createWhmcsFixture, insertRow, whmcsTables } from '../../common/whmcs-fixture/index.ts';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

const dialects = await testDialects();

describe.each(dialects)('data layer on %s', (dialect) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('creates every mod_pvebridge table and records the migrations', async () => {
    t = await createTestDb(dialect, { migrate: false, whmcs: false });
    expect(await pendingMigrations(t.db)).toEqual(migrations.map((m) => m.name));
    expect(await migrateLatest(t.db)).toEqual(migrations.map((m) => m.name));
    for (const table of ['mod_pvebridge_settings', 'mod_pvebridge_vms', 'mod_pvebridge_product_settings', 'mod_pvebridge_nonces']) {
      expect(await t.db.schema.hasTable(table), table).toBe(true);
    }
    expect(await pendingMigrations(t.db)).toEqual([]);
  });

  it('migrating twice changes nothing the second time', async () => {
    t = await createTestDb(dialect, { migrate: false, whmcs: false });
    await migrateLatest(t.db);
    const before = await t.db('mod_pvebridge_migrations').select('name', 'migration_time').orderBy('id');
    expect(await migrateLatest(t.db)).toEqual([]);
    expect(await t.db('mod_pvebridge_migrations').select('name', 'migration_time').orderBy('id')).toEqual(before);
  });

  it('rolls everything back and re-applies cleanly', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await dropAll(t.db);
    expect(await t.db.schema.hasTable('mod_pvebridge_vms')).toBe(false);
    expect(await migrateLatest(t.db)).toHaveLength(migrations.length);
  });

  it('keeps VMIDs unique per server (reservation before clone)', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const row = (service_id: number, vmid: number | null) => ({
      service_id,
      client_id: 1,
      product_id: 1,
      server_id: 1,
      state: 'creation',
      vmid,
      created_at: 1,
      updated_at: 1,
    });
    await t.db('mod_pvebridge_vms').insert([row(1, 100), row(2, null), row(3, null)]);
    await expect(t.db('mod_pvebridge_vms').insert(row(4, 100))).rejects.toThrow();
  });

  it('builds the WHMCS fixture with every reconstructed table, idempotently', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await createWhmcsFixture(t.db);
    await createWhmcsFixture(t.db);
    for (const table of whmcsTables()) expect(await t.db.schema.hasTable(table.name), table.name).toBe(true);
    expect(whmcsTables().length).toBeGreaterThanOrEqual(30);
  });

  it("maps WHMCS's zero dates to null", async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    const svc = await t.db('tblhosting').where({ id: s.serviceId }).first();
    expect(svc.termination_date).toBeNull();
    expect(svc.lastupdate).toBeNull();
    expect(svc.regdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('seeds a client, product, server and pending service linked together', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    const svc = await t.db('tblhosting').where({ id: s.serviceId }).first();
    expect(svc).toMatchObject({ userid: s.clientId, packageid: s.productId, server: s.serverId, domainstatus: 'Pending', dedicatedip: '' });
    const product = await t.db('tblproducts').where({ id: s.productId }).first();
    expect(product.servertype).toBe('pvebridge');
  });

  it("fills WHMCS's NOT NULL columns that have no default with WHMCS's blanks", async () => {
    t = await createTestDb(dialect);
    const id = await insertRow(t.db, 'tblservers', { name: 'x' });
    expect(await t.db('tblservers').where({ id }).first()).toMatchObject({
      name: 'x',
      hostname: '',
      password: '',
      maxaccounts: 0,
      disabled: 0,
    });
  });

  it('refuses to build the fixture inside a real WHMCS database', async () => {
    t = await createTestDb(dialect);
    await t.db('tblconfiguration').where({ setting: 'Version' }).update({ value: '8.13.1-release.1' });
    await expect(createWhmcsFixture(t.db)).rejects.toThrow(/real WHMCS database/);
  });
});
