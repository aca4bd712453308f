// Pipelines, IPAM and cron: IP pools and allocations, the per-VM run log, per-node work slots
// and cron task bookkeeping. Times are epoch milliseconds.
import type { Knex } from 'knex';

export const name = '003_pipelines';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('mod_pvebridge_ip_pools', (t) => {
    t.increments('id');
    t.integer('server_id').notNullable().index('mod_pvebridge_ip_pools_server');
    t.string('type', 4).notNullable(); // ipv4 | ipv6
    t.string('bridge', 32).notNullable();
    t.integer('vlan').notNullable().defaultTo(0);
    t.string('gateway', 45).notNullable();
    t.integer('mask').notNullable();
    t.string('dns1', 45).notNullable().defaultTo('');
    t.string('dns2', 45).notNullable().defaultTo('');
    t.string('start_ip', 45).notNullable();
    t.string('stop_ip', 45).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // One row per assigned address; the unique key is the last line of defence against a double
  // assignment. pool_id is null for the legacy "Assigned IP Addresses" list.
  await db.schema.createTable('mod_pvebridge_ip_allocations', (t) => {
    t.increments('id');
    t.integer('server_id').notNullable();
    t.string('address', 45).notNullable();
    t.string('family', 4).notNullable();
    t.integer('pool_id').nullable();
    t.integer('service_id').notNullable().index('mod_pvebridge_ip_alloc_service');
    t.integer('position').notNullable(); // order within the service (0 = dedicated IP)
    t.string('status', 16).notNullable().defaultTo('assigned'); // assigned | releasing
    t.bigInteger('created_at').notNullable();
    t.unique(['server_id', 'address'], { indexName: 'mod_pvebridge_ip_alloc_addr' });
  });
  // Allocation serialises per server on this row (SELECT … FOR UPDATE on MySQL).
  await db.schema.createTable('mod_pvebridge_ipam_locks', (t) => {
    t.integer('server_id').primary();
  });
  await db.schema.createTable('mod_pvebridge_vm_runs', (t) => {
    t.increments('id');
    t.integer('service_id').notNullable();
    t.string('action', 40).notNullable();
    t.string('owner', 64).notNullable();
    t.string('from_state', 40).notNullable();
    t.string('to_state', 40).notNullable();
    t.string('result', 16).notNullable(); // running | success | waiting | error
    t.text('error').nullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('finished_at').nullable();
    t.index(['service_id', 'id'], 'mod_pvebridge_vm_runs_service');
  });
  await db.schema.createTable('mod_pvebridge_vm_run_steps', (t) => {
    t.increments('id');
    t.integer('run_id').notNullable().index('mod_pvebridge_vm_run_steps_run');
    t.integer('seq').notNullable();
    t.string('label', 100).notNullable();
    t.string('from_state', 40).notNullable();
    t.string('to_state', 40).notNullable();
    t.string('result', 16).notNullable(); // success | skip | waiting | error
    t.text('message').nullable();
    t.integer('duration_ms').notNullable();
    t.bigInteger('at').notNullable();
  });
  // Per-node concurrency: a VM is worked only while its runner holds one of the node's slots.
  await db.schema.createTable('mod_pvebridge_node_slots', (t) => {
    t.integer('server_id').notNullable();
    t.string('node', 64).notNullable();
    t.integer('slot').notNullable();
    t.string('owner', 64).nullable();
    t.integer('service_id').nullable();
    t.bigInteger('until').notNullable().defaultTo(0);
    t.primary(['server_id', 'node', 'slot']);
  });
  await db.schema.createTable('mod_pvebridge_cron_tasks', (t) => {
    t.string('name', 64).primary();
    t.bigInteger('last_started_at').notNullable().defaultTo(0);
    t.bigInteger('last_finished_at').notNullable().defaultTo(0);
    t.integer('last_duration_ms').notNullable().defaultTo(0);
    t.text('last_result').nullable();
  });
  await db.schema.alterTable('mod_pvebridge_vms', (t) => {
    t.index(['lease_until'], 'mod_pvebridge_vms_lease');
    // Placement of a deploy in flight: node and memory promised before the VM exists, so a burst
    // of deploys spreads over the nodes (one aggregate query instead of reading every record).
    t.string('placed_node', 64).nullable();
    t.integer('placed_memory_mb').notNullable().defaultTo(0);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('mod_pvebridge_vms', (t) => {
    t.dropIndex(['lease_until'], 'mod_pvebridge_vms_lease');
    t.dropColumn('placed_node');
    t.dropColumn('placed_memory_mb');
  });
  for (const t of [
    'mod_pvebridge_cron_tasks',
    'mod_pvebridge_node_slots',
    'mod_pvebridge_vm_run_steps',
    'mod_pvebridge_vm_runs',
    'mod_pvebridge_ipam_locks',
    'mod_pvebridge_ip_allocations',
    'mod_pvebridge_ip_pools',
  ]) {
    await db.schema.dropTableIfExists(t);
  }
}
