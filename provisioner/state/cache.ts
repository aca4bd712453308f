// The live-state cache (mod_pvebridge_vm_state): read by pages, written in batches by the
// refresher. Reads never reach Proxmox (invariant 7).
import type { Db } from '../../common/db/connect.ts';
import { VM_STATE } from '../../common/db/migrations/005_live_state.ts';
import { VMS } from '../vm-record.ts';

export { VM_STATE };

/** What Proxmox last said about one of our VMs. Figures are null when never seen. */
export interface LiveState {
  serviceId: number;
  serverId: number;
  vmid: number;
  node: string | null;
  status: string | null;
  qmpstatus: string | null;
  lock: string | null;
  uptime: number | null;
  cpu: number | null;
  cpus: number | null;
  mem: number | null;
  maxmem: number | null;
  disk: number | null;
  maxdisk: number | null;
  netin: number | null;
  netout: number | null;
  seenAt: number | null;
  detailAt: number | null;
  checkedAt: number;
  stale: boolean;
  vanished: boolean;
  vanishedAt: number | null;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const flag = (v: unknown) => v === true || v === 1 || v === '1';

export function fromStateRow(r: Row): LiveState {
  return {
    serviceId: Number(r.service_id),
    serverId: Number(r.server_id),
    vmid: Number(r.vmid),
    node: str(r.node),
    status: str(r.status),
    qmpstatus: str(r.qmpstatus),
    lock: str(r.lock),
    uptime: num(r.uptime),
    cpu: num(r.cpu),
    cpus: num(r.cpus),
    mem: num(r.mem),
    maxmem: num(r.maxmem),
    disk: num(r.disk),
    maxdisk: num(r.maxdisk),
    netin: num(r.netin),
    netout: num(r.netout),
    seenAt: num(r.seen_at),
    detailAt: num(r.detail_at),
    checkedAt: Number(r.checked_at ?? 0),
    stale: flag(r.stale),
    vanished: flag(r.vanished),
    vanishedAt: num(r.vanished_at),
  };
}

export function toStateRow(s: LiveState): Row {
  return {
    service_id: s.serviceId,
    server_id: s.serverId,
    vmid: s.vmid,
    node: s.node,
    status: s.status,
    qmpstatus: s.qmpstatus,
    lock: s.lock,
    uptime: s.uptime,
    cpu: s.cpu,
    cpus: s.cpus,
    mem: s.mem,
    maxmem: s.maxmem,
    disk: s.disk,
    maxdisk: s.maxdisk,
    netin: s.netin,
    netout: s.netout,
    seen_at: s.seenAt,
    detail_at: s.detailAt,
    checked_at: s.checkedAt,
    stale: s.stale,
    vanished: s.vanished,
    vanished_at: s.vanishedAt,
  };
}

export async function liveState(db: Db, serviceId: number): Promise<LiveState | undefined> {
  const r = await db(VM_STATE).where({ service_id: serviceId }).first();
  return r ? fromStateRow(r) : undefined;
}

/**
 * The VM record and its cached state in one query (the overview's read): the cache's columns come
 * back prefixed `s_` beside the record's own.
 */
export async function vmWithLiveState(db: Db, serviceId: number): Promise<{ row: Row | undefined; live: LiveState | undefined }> {
  const row = (await db(`${VMS} as v`)
    .leftJoin(`${VM_STATE} as s`, 's.service_id', 'v.service_id')
    .where('v.service_id', serviceId)
    .first(['v.*', ...COLUMNS.map((c) => `s.${c} as s_${c}`)])) as Row | undefined;
  if (!row || row.s_service_id === null || row.s_service_id === undefined) return { row, live: undefined };
  return { row, live: fromStateRow(Object.fromEntries(COLUMNS.map((c) => [c, row[`s_${c}`]]))) };
}

/** Every cached row (the refresher reads them once per tick). */
export async function allLiveStates(db: Db): Promise<Map<number, LiveState>> {
  const rows = (await db(VM_STATE).select()) as Row[];
  return new Map(rows.map((r) => [Number(r.service_id), fromStateRow(r)]));
}

/** Rows per upsert statement: 1,000 × 22 columns stays under SQLite's 32,766 bound variables. */
export const UPSERT_CHUNK = 1000;

export const COLUMNS = Object.keys(toStateRow(fromStateRow({})));

/**
 * Writes the rows as a few multi-row upserts (one per UPSERT_CHUNK rows). Plain VALUES lists:
 * knex's SQLite insert is a compound SELECT, which SQLite caps at 500 terms.
 */
export async function upsertLiveStates(db: Db, states: LiveState[]): Promise<number> {
  const mysql = db.client.config.client === 'mysql2';
  const cols = COLUMNS.map((c) => `\`${c}\``).join(', ');
  const updates = COLUMNS.filter((c) => c !== 'service_id')
    .map((c) => (mysql ? `\`${c}\` = VALUES(\`${c}\`)` : `\`${c}\` = excluded.\`${c}\``))
    .join(', ');
  const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
  let statements = 0;
  for (let i = 0; i < states.length; i += UPSERT_CHUNK) {
    const chunk = states.slice(i, i + UPSERT_CHUNK);
    const values = chunk.flatMap((s) => {
      const row = toStateRow(s);
      return COLUMNS.map((c) => (typeof row[c] === 'boolean' ? (row[c] ? 1 : 0) : row[c]));
    });
    const conflict = mysql ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT (`service_id`) DO UPDATE SET';
    await db.raw(
      `INSERT INTO \`${VM_STATE}\` (${cols}) VALUES ${chunk.map(() => tuple).join(', ')} ${conflict} ${updates}`,
      values as never,
    );
    statements++;
  }
  return statements;
}

/**
 * Marks the cached power state as not to be trusted until the next listing: called after we sent a
 * power request, so a quick second click asks Proxmox rather than a pre-request cache.
 */
export async function markStale(db: Db, serviceId: number): Promise<void> {
  await db(VM_STATE).where({ service_id: serviceId }).update({ stale: true });
}
