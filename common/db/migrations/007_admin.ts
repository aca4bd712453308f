// Admin console (issue 12): the audit log, pool exclusions, and the indexes the VM Management
// list needs to stay fast at 100,000 rows (every filter and sort is served by an index).
import type { Knex } from 'knex';

export const name = '007_admin';

export const AUDIT = 'mod_pvebridge_audit';

export async function up(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(AUDIT))) {
    await db.schema.createTable(AUDIT, (t) => {
      t.bigIncrements('id');
      t.bigInteger('at').notNullable(); // epoch ms
      t.string('actor_type', 8).notNullable(); // admin | client | system
      t.integer('actor_id').nullable();
      t.string('source_ip', 45).notNullable().defaultTo('');
      t.string('action', 64).notNullable();
      t.integer('service_id').nullable();
      t.integer('vmid').nullable();
      t.string('result', 16).notNullable(); // success | error
      t.text('summary').nullable(); // JSON {before, after, error}; secrets masked before writing
      t.index(['at'], 'mod_pvebridge_audit_at');
      t.index(['actor_type', 'actor_id', 'id'], 'mod_pvebridge_audit_actor');
      t.index(['service_id', 'id'], 'mod_pvebridge_audit_service');
      t.index(['vmid', 'id'], 'mod_pvebridge_audit_vmid');
      t.index(['action', 'id'], 'mod_pvebridge_audit_action');
    });
  }
  if (!(await db.schema.hasColumn('mod_pvebridge_ip_pools', 'exclusions'))) {
    await db.schema.alterTable('mod_pvebridge_ip_pools', (t) => {
      t.text('exclusions').nullable(); // addresses or a-b ranges, comma separated; never allocated
    });
  }
  await db.schema.alterTable('mod_pvebridge_vms', (t) => {
    t.index(['server_id', 'state', 'service_id'], 'mod_pvebridge_vms_server_state');
    t.index(['state', 'service_id'], 'mod_pvebridge_vms_state_sid');
    t.index(['node', 'service_id'], 'mod_pvebridge_vms_node');
    t.index(['vmid'], 'mod_pvebridge_vms_vmid');
    t.index(['client_id'], 'mod_pvebridge_vms_client');
    t.index(['updated_at', 'service_id'], 'mod_pvebridge_vms_updated');
  });
  await db.schema.alterTable('mod_pvebridge_ip_allocations', (t) => {
    t.index(['address'], 'mod_pvebridge_ip_alloc_address');
    t.index(['pool_id'], 'mod_pvebridge_ip_alloc_pool');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('mod_pvebridge_ip_allocations', (t) => {
    t.dropIndex(['address'], 'mod_pvebridge_ip_alloc_address');
    t.dropIndex(['pool_id'], 'mod_pvebridge_ip_alloc_pool');
  });
  await db.schema.alterTable('mod_pvebridge_vms', (t) => {
    t.dropIndex(['server_id', 'state', 'service_id'], 'mod_pvebridge_vms_server_state');
    t.dropIndex(['state', 'service_id'], 'mod_pvebridge_vms_state_sid');
    t.dropIndex(['node', 'service_id'], 'mod_pvebridge_vms_node');
    t.dropIndex(['vmid'], 'mod_pvebridge_vms_vmid');
    t.dropIndex(['client_id'], 'mod_pvebridge_vms_client');
    t.dropIndex(['updated_at', 'service_id'], 'mod_pvebridge_vms_updated');
  });
  await db.schema.alterTable('mod_pvebridge_ip_pools', (t) => t.dropColumn('exclusions'));
  await db.schema.dropTableIfExists(AUDIT);
}
