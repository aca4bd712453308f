// Console tickets already used: the vncproxies share this ledger when several run, so a
// ticket opens one session cluster-wide (its primary key makes the consume atomic).
import type { Knex } from 'knex';

export const name = '004_console';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('mod_pvebridge_console_tickets', (t) => {
    t.string('jti', 32).primary();
    t.bigInteger('expires_at').notNullable().index('mod_pvebridge_console_tickets_expiry');
    t.bigInteger('used_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('mod_pvebridge_console_tickets');
}
