// The audit log (mod_pvebridge_audit): one row per action — an admin's, a client's or the
// system's — with actor, source IP, subject (service, VM), action, result and a before/after
// summary. Secrets never reach a row: every summary passes through `redact` first, which masks
// values under secret-looking keys and drops long strings. Rows older than the retention setting
// are removed by the cleanupAuditLog cron task.
import type { Db } from '../common/db/connect.ts';
import { AUDIT } from '../common/db/migrations/007_admin.ts';

export { AUDIT };

export type AuditActorType = 'admin' | 'client' | 'system';

export interface AuditEntry {
  actor: { type: AuditActorType; id?: number | null };
  sourceIp?: string;
  action: string;
  serviceId?: number | null;
  vmid?: number | null;
  result: 'success' | 'error';
  before?: unknown;
  after?: unknown;
  error?: string;
}

export interface AuditRow {
  id: number;
  at: number;
  actorType: AuditActorType;
  actorId: number | null;
  sourceIp: string;
  action: string;
  serviceId: number | null;
  vmid: number | null;
  result: string;
  summary: { before?: unknown; after?: unknown; error?: string } | null;
}

/** Keys whose values are secrets wherever they appear (passwords, tokens, keys, hashes). */
const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|private|hash|credential|ticket|vncpass|sshkey/i;
export const MASK = '***';

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);
const MAX_SUMMARY = 4000;

/** A copy with secrets masked; bounded in depth and size so a summary stays small. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') {
    // A URL's query and fragment may carry one-time tickets or console passwords.
    const v = /^[a-z]+:\/\//i.test(value) ? value.replace(/[?#].*$/s, '') : value;
    return v.length > 300 ? `${v.slice(0, 300)}…` : v;
  }
  if (typeof value !== 'object') return value;
  if (depth > 5) return '…';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== '' && v !== null && v !== undefined ? MASK : redact(v, depth + 1);
  }
  return out;
}

function summaryText(e: AuditEntry): string | null {
  const s: Record<string, unknown> = {};
  if (e.before !== undefined) s.before = redact(e.before);
  if (e.after !== undefined) s.after = redact(e.after);
  if (e.error !== undefined) s.error = redact(e.error);
  if (!Object.keys(s).length) return null;
  const text = JSON.stringify(s);
  return text.length > MAX_SUMMARY ? JSON.stringify({ truncated: text.slice(0, MAX_SUMMARY - 40) }) : text;
}

const ipOrEmpty = (ip: string | undefined) => (ip ?? '').replace(/^::ffff:/, '').slice(0, 45);

export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  await db(AUDIT).insert({
    at: Date.now(),
    actor_type: e.actor.type,
    actor_id: e.actor.type === 'system' ? null : (e.actor.id ?? null),
    source_ip: ipOrEmpty(e.sourceIp),
    action: e.action.slice(0, 64),
    service_id: e.serviceId ?? null,
    vmid: e.vmid ?? null,
    result: e.result,
    summary: summaryText(e),
  });
}

/**
 * A pipeline run's outcome (called when a run ends, provisioner/engine/run-log.ts). A run that
 * reached the end of its pipeline is recorded; a failing step only on the first attempt of a
 * failure streak, so a VM backing off for hours leaves one row, not hundreds. Waiting runs are
 * progress, not outcomes. A failed audit write never fails the pipeline.
 */
export async function recordPipelineOutcome(
  db: Db,
  o: { runId: number; serviceId: number; to: string; result: string; error: string | null },
): Promise<void> {
  if (o.result !== 'success' && o.result !== 'error') return;
  try {
    const [run, vm] = await Promise.all([
      db('mod_pvebridge_vm_runs').where({ id: o.runId }).first('action', 'from_state'),
      db('mod_pvebridge_vms').where({ service_id: o.serviceId }).first('vmid', 'attempts'),
    ]);
    if (o.result === 'error' && Number(vm?.attempts ?? 0) > 1) return;
    await recordAudit(db, {
      actor: { type: 'system' },
      action: `pipeline.${String(run?.action ?? 'run')}`,
      serviceId: o.serviceId,
      vmid: vm?.vmid === null || vm?.vmid === undefined ? null : Number(vm.vmid),
      result: o.result,
      before: { state: String(run?.from_state ?? '') },
      after: { state: o.to },
      ...(o.error !== null && { error: o.error }),
    });
  } catch {
    // the audit table may be missing mid-migration; the run log has the outcome anyway
  }
}

function parseSummary(v: unknown): AuditRow['summary'] {
  if (typeof v !== 'string' || !v) return null;
  try {
    return JSON.parse(v) as AuditRow['summary'];
  } catch {
    return null;
  }
}

export function auditFromRow(r: Record<string, unknown>): AuditRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    at: Number(r.at),
    actorType: r.actor_type as AuditActorType,
    actorId: n(r.actor_id),
    sourceIp: String(r.source_ip ?? ''),
    action: String(r.action),
    serviceId: n(r.service_id),
    vmid: n(r.vmid),
    result: String(r.result),
    summary: parseSummary(r.summary),
  };
}

export interface AuditQuery {
  actorType?: AuditActorType | undefined;
  actorId?: number | undefined;
  serviceId?: number | undefined;
  vmid?: number | undefined;
  action?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Rows with an id below this one (the previous page's nextCursor). */
  before?: number | undefined;
  limit: number;
}

/** Newest first, keyset-paged by id (every filter is backed by an index of migration 007). */
export async function listAudit(db: Db, q: AuditQuery): Promise<{ rows: AuditRow[]; nextCursor: number | null }> {
  const sel = db(AUDIT)
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.actorType) sel.where('actor_type', q.actorType);
  if (q.actorId !== undefined) sel.where('actor_id', q.actorId);
  if (q.serviceId !== undefined) sel.where('service_id', q.serviceId);
  if (q.vmid !== undefined) sel.where('vmid', q.vmid);
  if (q.action) {
    if (q.action.endsWith('*')) sel.where('action', 'like', `${q.action.slice(0, -1).replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    else sel.where('action', q.action);
  }
  if (q.from !== undefined) sel.where('at', '>=', q.from);
  if (q.to !== undefined) sel.where('at', '<=', q.to);
  if (q.before !== undefined) sel.where('id', '<', q.before);
  const rows = ((await sel) as Array<Record<string, unknown>>).map(auditFromRow);
  const more = rows.length > q.limit;
  if (more) rows.pop();
  return { rows, nextCursor: more ? rows[rows.length - 1]!.id : null };
}

/** Deletes rows older than `days`, in bounded batches so a large backlog never locks the table long. */
export async function cleanupAudit(db: Db, days: number, now = Date.now()): Promise<number> {
  const cutoff = now - days * 86_400_000;
  let removed = 0;
  for (let i = 0; i < 1000; i++) {
    const ids = (await db(AUDIT).where('at', '<', cutoff).orderBy('id').limit(1000).pluck('id')) as number[];
    if (!ids.length) break;
    removed += await db(AUDIT).whereIn('id', ids).delete();
  }
  return removed;
}
