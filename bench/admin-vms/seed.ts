// Bulk VM rows for the VM Management list: WHMCS services (tblhosting), clients and servers, our
// VM records in a spread of the spec's states, and one IPv4 per VM — inserted in batches, so
// 100,000 rows take seconds. Used by bench/admin-vms and test/admin/vms.test.ts.
import type { Db } from '../../common/db/connect.ts';
import { dialect } from '../../common/db/connect.ts';
import { blankValue, whmcsTable } from '../../common/whmcs-fixture/schema.ts';
import { insertRow } from '../../common/whmcs-fixture/index.ts';

export const STATES = [
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'creation',
  'clone',
  'set_network',
  'change_package',
  'terminate',
  'error_terminate',
  'remove',
];
const STATUS = ['Active', 'Active', 'Active', 'Suspended', 'Terminated', 'Pending'];

/** A row with every NOT NULL column filled the way WHMCS does, overridden by `values`. */
function rowOf(table: string, values: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of whmcsTable(table).columns) {
    if (c.name in values) row[c.name] = values[c.name];
    else if (c.notNull && c.default === undefined && !c.autoIncrement) row[c.name] = blankValue(c);
  }
  return row;
}

async function batches<T>(db: Db, table: string, rows: T[]): Promise<void> {
  const size = dialect(db) === 'mysql' ? 2000 : 200;
  for (let i = 0; i < rows.length; i += size) await db(table).insert(rows.slice(i, i + size));
}

export interface SeedVms {
  serverIds: number[];
  productId: number;
  firstServiceId: number;
  count: number;
}

/** Seeds `n` VMs over `servers` servers (nodes pve1..pve4) and n/50 clients; ids are dense from the first. */
export async function seedVmRows(
  db: Db,
  n: number,
  o: { productId: number; servers?: number; stateOf?: (i: number) => string } = { productId: 1 },
): Promise<SeedVms> {
  const serverIds: number[] = [];
  for (let s = 0; s < (o.servers ?? 3); s++) {
    serverIds.push(
      await insertRow(db, 'tblservers', {
        name: `pve-bench-${s + 1}`,
        hostname: `10.255.${s}.1`,
        ipaddress: `10.255.${s}.1`,
        type: 'pvebridge',
        active: 1,
        disabled: 0,
      }),
    );
  }
  const clients = Math.max(1, Math.ceil(n / 50));
  const names = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Dennis', 'Linus'];
  const clientRows = Array.from({ length: clients }, (_, i) =>
    rowOf('tblclients', {
      uuid: `bench-${i}`,
      firstname: names[i % names.length],
      lastname: `Client${i}`,
      email: `c${i}@bench.example`,
      country: 'DE',
      status: 'Active',
    }),
  );
  const firstClient = Number(((await db('tblclients').max({ m: 'id' }).first()) as { m: number | null } | undefined)?.m ?? 0) + 1;
  await batches(
    db,
    'tblclients',
    clientRows.map((r, i) => ({ ...r, id: firstClient + i })),
  );
  const first = Number(((await db('tblhosting').max({ m: 'id' }).first()) as { m: number | null } | undefined)?.m ?? 0) + 1;
  const hosting = [];
  const vms = [];
  const ips = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const id = first + i;
    const server = serverIds[i % serverIds.length]!;
    const clientId = firstClient + (i % clients);
    const state = o.stateOf ? o.stateOf(i) : STATES[i % STATES.length]!;
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    hosting.push(
      rowOf('tblhosting', {
        id,
        userid: clientId,
        packageid: o.productId,
        server,
        domain: `vm${id}.bench.example`,
        domainstatus: STATUS[i % STATUS.length],
        billingcycle: 'Monthly',
        dedicatedip: address,
      }),
    );
    vms.push({
      service_id: id,
      client_id: clientId,
      product_id: o.productId,
      server_id: server,
      state,
      vmid: state === 'creation' ? null : 100 + i,
      node: `pve${(i % 4) + 1}`,
      vm_name: `vm${id}.bench.example`,
      attempts: 0,
      next_attempt_at: state === 'ready' || state === 'remove' || state === 'error_terminate' ? 0 : now,
      last_error: state === 'error_terminate' ? 'termination failed: VM is locked (backup)' : null,
      lease_until: 0,
      created_at: now - i * 1000,
      updated_at: now - ((i * 7919) % 86_400_000),
    });
    ips.push({
      server_id: server,
      address,
      family: 'ipv4',
      pool_id: null,
      service_id: id,
      position: 0,
      status: 'assigned',
      created_at: now,
    });
  }
  await batches(db, 'tblhosting', hosting);
  await batches(db, 'mod_pvebridge_vms', vms);
  await batches(db, 'mod_pvebridge_ip_allocations', ips);
  return { serverIds, productId: o.productId, firstServiceId: first, count: n };
}
