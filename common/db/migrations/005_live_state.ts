// Live VM state (invariant 7): what Proxmox last said about each of our VMs, written by the
// gateway's background refresher (provisioner/state) and read by every page, so no page waits on
// Proxmox. One row per service; times are epoch milliseconds.
import type { Knex } from 'knex';

export const name = '005_live_state';

export const VM_STATE = 'mod_pvebridge_vm_state';

export async function up(db: Knex): Promise<void> {
  if (await db.schema.hasTable(VM_STATE)) return;
  await db.schema.createTable(VM_STATE, (t) => {
    t.integer('service_id').primary();
    t.integer('server_id').notNullable().index('mod_pvebridge_vm_state_server');
    t.integer('vmid').notNullable();
    t.string('node', 64).nullable();
    t.string('status', 16).nullable(); // running | stopped (cluster/resources), null when never seen
    t.string('qmpstatus', 16).nullable(); // running | paused | … (status/current, watched VMs only)
    t.string('lock', 32).nullable();
    t.bigInteger('uptime').nullable();
    t.double('cpu').nullable();
    t.integer('cpus').nullable();
    t.bigInteger('mem').nullable();
    t.bigInteger('maxmem').nullable();
    t.bigInteger('disk').nullable();
    t.bigInteger('maxdisk').nullable();
    t.bigInteger('netin').nullable();
    t.bigInteger('netout').nullable();
    t.bigInteger('seen_at').nullable(); // the figures are from this listing
    t.bigInteger('detail_at').nullable(); // qmpstatus is from this status/current call
    t.bigInteger('checked_at').notNullable(); // the last tick that looked at this VM
    t.boolean('stale').notNullable().defaultTo(false); // listed without figures (node offline, no RRD data)
    t.boolean('vanished').notNullable().defaultTo(false); // missing from a successful listing
    t.bigInteger('vanished_at').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists(VM_STATE);
}
