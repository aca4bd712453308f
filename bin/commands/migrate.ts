// `pvebridge migrate`: applies pending mod_pvebridge_* migrations; `--status` only lists them.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { openDb } from '../../common/db/connect.ts';
import { migrateLatest, pendingMigrations } from '../../common/db/migrate.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { status: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write('pvebridge migrate [--status]\n  Creates or upgrades the mod_pvebridge_* tables. Safe to run repeatedly.\n');
    return 0;
  }
  const config = loadConfig();
  const db = openDb(config.dbUrl);
  try {
    if (values.status) {
      const pending = await pendingMigrations(db);
      process.stdout.write(pending.length ? `pending: ${pending.join(', ')}\n` : 'up to date\n');
      return pending.length ? 1 : 0;
    }
    const applied = await migrateLatest(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date: nothing to apply\n');
    return 0;
  } finally {
    await db.destroy();
  }
}
