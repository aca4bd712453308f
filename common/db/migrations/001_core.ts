// Core tables shared by every part: global settings, per-product settings, the VM record
// (pipeline state, identity, pending task, lease) and the shim's nonce ledger.
// Times in our tables are epoch milliseconds (bigint): the same on MySQL and SQLite, no zones.
import type { Knex } from 'knex';

export const name = '001_core';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('mod_pvebridge_settings', (t) => {
    t.string('name', 100).primary();
    t.text('value').notNullable();
  });
  await db.schema.createTable('mod_pvebridge_product_settings', (t) => {
    t.integer('product_id').primary(); // tblproducts.id
    t.text('settings').notNullable(); // JSON; absent keys take the spec's defaults
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('mod_pvebridge_vms', (t) => {
    t.integer('service_id').primary(); // tblhosting.id
    t.integer('client_id').notNullable();
    t.integer('product_id').notNullable();
    t.integer('server_id').notNullable();
    t.string('state', 40).notNullable(); // the spec's pipeline state names
    t.integer('vmid').nullable(); // reserved before clone; unique per server
    t.string('node', 64).nullable();
    t.string('vm_name', 128).nullable(); // identity recorded at clone, checked before destruction
    t.string('vm_uuid', 64).nullable();
    t.text('plan').nullable(); // JSON snapshot of the resolved plan
    t.text('data').nullable(); // JSON: per-pipeline working data (template, password hash, …)
    t.string('pending_upid', 255).nullable(); // task started by the current step (invariant 3)
    t.string('pending_step', 40).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.string('lease_owner', 64).nullable();
    t.bigInteger('lease_until').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['server_id', 'vmid'], { indexName: 'mod_pvebridge_vms_server_vmid' });
    t.index(['state', 'next_attempt_at'], 'mod_pvebridge_vms_due');
  });
  await db.schema.createTable('mod_pvebridge_nonces', (t) => {
    t.string('nonce', 64).primary();
    t.bigInteger('expires_at').notNullable().index('mod_pvebridge_nonces_expiry');
  });
}

export async function down(db: Knex): Promise<void> {
  for (const t of ['mod_pvebridge_nonces', 'mod_pvebridge_vms', 'mod_pvebridge_product_settings', 'mod_pvebridge_settings']) {
    await db.schema.dropTableIfExists(t);
  }
}
