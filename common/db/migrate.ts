// Runs our mod_pvebridge_* migrations (knex's migrator with an in-code source, so it works the
// same under tsx, vitest and a bundled build). Idempotent: a second run applies nothing.
import type { Knex } from 'knex';
import { migrations, type Migration } from './migrations/index.ts';

export const MIGRATIONS_TABLE = 'mod_pvebridge_migrations';

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

const options = { migrationSource: source, tableName: MIGRATIONS_TABLE };

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(options)) as [number, string[]];
  return applied;
}

export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list(options)) as [unknown[], Migration[]];
  return pending.map((m) => m.name);
}

/** Drops every table of ours (addon deactivation with "drop tables" set; tests). */
export async function dropAll(db: Knex): Promise<void> {
  await db.migrate.rollback(options, true);
  await db.schema.dropTableIfExists(MIGRATIONS_TABLE);
  await db.schema.dropTableIfExists(`${MIGRATIONS_TABLE}_lock`);
}
