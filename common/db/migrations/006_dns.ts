// DNS: the configured zones (credentials encrypted, never returned) and every record pvebridge
// created at a provider, so only those are ever changed or deleted (a hand-made record with the
// same name is reported, not touched). Idempotent: a table that exists is left alone.
import type { Knex } from 'knex';

export const name = '006_dns';

export async function up(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('mod_pvebridge_dns_zones'))) {
    await db.schema.createTable('mod_pvebridge_dns_zones', (t) => {
      t.increments('id');
      t.string('name', 255).notNullable(); // normalised: lower case, no trailing dot
      t.string('type', 16).notNullable(); // powerdns | cloudflare | hestiacp
      t.integer('ttl').notNullable().defaultTo(3600);
      t.text('settings').notNullable(); // JSON, non-secret (URL, user, zone id)
      t.text('secrets').notNullable(); // WHMCS-encrypted JSON (API key/token, password)
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  }
  if (!(await db.schema.hasTable('mod_pvebridge_dns_records'))) {
    await db.schema.createTable('mod_pvebridge_dns_records', (t) => {
      t.increments('id');
      t.integer('service_id').notNullable().index('mod_pvebridge_dns_records_service');
      t.integer('zone_id').notNullable().index('mod_pvebridge_dns_records_zone');
      t.string('type', 8).notNullable();
      t.string('name', 255).notNullable();
      t.string('content', 255).notNullable();
      t.string('provider_id', 255).notNullable(); // the provider's handle of the record
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('mod_pvebridge_dns_records');
  await db.schema.dropTableIfExists('mod_pvebridge_dns_zones');
}
