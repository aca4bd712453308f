// Routed /32 pools (issue 17): a pool is `bridged` (today: the guest gets the pool's prefix and
// gateway on its subnet) or `routed` (the guest gets /32 or /128 and reaches the gateway on-link).
// Routed pools name the Proxmox snippets storage that carries the guest's network-config and the
// directory where this gateway host sees that storage. Idempotent (columns checked first).
import type { Knex } from 'knex';

export const name = '009_pool_routing';

const POOLS = 'mod_pvebridge_ip_pools';

export async function up(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(POOLS))) return;
  const add: Array<[string, (t: Knex.AlterTableBuilder) => void]> = [
    ['routing', (t) => t.string('routing', 16).notNullable().defaultTo('bridged')],
    ['snippet_storage', (t) => t.string('snippet_storage', 64).nullable()],
    ['snippet_dir', (t) => t.string('snippet_dir', 255).nullable()],
  ];
  for (const [column, build] of add) {
    if (!(await db.schema.hasColumn(POOLS, column))) await db.schema.alterTable(POOLS, build);
  }
}

export async function down(db: Knex): Promise<void> {
  for (const column of ['snippet_dir', 'snippet_storage', 'routing']) {
    if (await db.schema.hasColumn(POOLS, column)) await db.schema.alterTable(POOLS, (t) => t.dropColumn(column));
  }
}
