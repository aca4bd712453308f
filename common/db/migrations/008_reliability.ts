// Reliability (issue 18): a lease records the gateway instance that holds it, so a gateway
// restarted under the same instance id takes back its own VMs at once instead of waiting for the
// lease to expire; other gateways still wait for expiry. Idempotent (columns checked first).
import type { Knex } from 'knex';

export const name = '008_reliability';

const VMS = 'mod_pvebridge_vms';
const SLOTS = 'mod_pvebridge_node_slots';

export async function up(db: Knex): Promise<void> {
  if (!(await db.schema.hasColumn(VMS, 'lease_instance'))) {
    await db.schema.alterTable(VMS, (t) => {
      t.string('lease_instance', 64).nullable().index('mod_pvebridge_vms_lease_instance');
    });
  }
  if (!(await db.schema.hasColumn(SLOTS, 'instance'))) {
    await db.schema.alterTable(SLOTS, (t) => {
      t.string('instance', 64).nullable();
    });
  }
}

export async function down(db: Knex): Promise<void> {
  if (await db.schema.hasColumn(VMS, 'lease_instance')) {
    await db.schema.alterTable(VMS, (t) => {
      t.dropIndex(['lease_instance'], 'mod_pvebridge_vms_lease_instance');
      t.dropColumn('lease_instance');
    });
  }
  if (await db.schema.hasColumn(SLOTS, 'instance')) {
    await db.schema.alterTable(SLOTS, (t) => {
      t.dropColumn('instance');
    });
  }
}
