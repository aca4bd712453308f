// The VM log: every pipeline run with its steps (label, from → to, result, duration, time).
// The most recent RUNS_KEPT runs are kept per VM (spec: VM Management → Log).
import type { Db } from '../../common/db/connect.ts';
import { recordPipelineOutcome } from '../audit.ts';

const RUNS = 'mod_pvebridge_vm_runs';
const STEPS = 'mod_pvebridge_vm_run_steps';
export const RUNS_KEPT = 50;

export type StepLogResult = 'success' | 'skip' | 'waiting' | 'error';
export type RunLogResult = 'running' | 'success' | 'waiting' | 'error';

export interface StepLogEntry {
  seq: number;
  label: string;
  from: string;
  to: string;
  result: StepLogResult;
  message: string | null;
  durationMs: number;
  at: number;
}

export interface RunLogEntry {
  id: number;
  action: string;
  owner: string;
  from: string;
  to: string;
  result: RunLogResult;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
  steps: StepLogEntry[];
}

export async function startRun(db: Db, serviceId: number, action: string, owner: string, from: string): Promise<number> {
  const [id] = await db(RUNS).insert({
    service_id: serviceId,
    action,
    owner,
    from_state: from,
    to_state: from,
    result: 'running',
    started_at: Date.now(),
  });
  return Number(id);
}

export async function logStep(db: Db, runId: number, e: StepLogEntry): Promise<void> {
  await db(STEPS).insert({
    run_id: runId,
    seq: e.seq,
    label: e.label.slice(0, 100),
    from_state: e.from,
    to_state: e.to,
    result: e.result,
    message: e.message,
    duration_ms: Math.round(e.durationMs),
    at: e.at,
  });
}

export async function finishRun(
  db: Db,
  serviceId: number,
  runId: number,
  to: string,
  result: RunLogResult,
  error: string | null,
): Promise<void> {
  await db(RUNS).where({ id: runId }).update({ to_state: to, result, error, finished_at: Date.now() });
  await trimRuns(db, serviceId);
  await recordPipelineOutcome(db, { runId, serviceId, to, result, error }); // the audit log's pipeline row
}

/** Keeps the newest RUNS_KEPT runs of a VM. */
export async function trimRuns(db: Db, serviceId: number, keep = RUNS_KEPT): Promise<void> {
  const cutoff = await db(RUNS).where({ service_id: serviceId }).orderBy('id', 'desc').offset(keep).limit(1).first('id');
  if (!cutoff) return;
  const old = db(RUNS).where({ service_id: serviceId }).andWhere('id', '<=', cutoff.id).select('id');
  await db(STEPS).whereIn('run_id', old).delete();
  await db(RUNS).where({ service_id: serviceId }).andWhere('id', '<=', cutoff.id).delete();
}

/** Runs of a VM, newest first, each with its steps in order. */
export async function readVmLog(db: Db, serviceId: number, limit = RUNS_KEPT): Promise<RunLogEntry[]> {
  const runs = (await db(RUNS).where({ service_id: serviceId }).orderBy('id', 'desc').limit(limit)) as Array<Record<string, unknown>>;
  if (runs.length === 0) return [];
  const steps = (await db(STEPS)
    .whereIn(
      'run_id',
      runs.map((r) => r.id as number),
    )
    .orderBy(['run_id', 'seq'])) as Array<Record<string, unknown>>;
  const byRun = new Map<number, StepLogEntry[]>();
  for (const s of steps) {
    const list = byRun.get(Number(s.run_id)) ?? [];
    list.push({
      seq: Number(s.seq),
      label: String(s.label),
      from: String(s.from_state),
      to: String(s.to_state),
      result: s.result as StepLogResult,
      message: (s.message as string | null) ?? null,
      durationMs: Number(s.duration_ms),
      at: Number(s.at),
    });
    byRun.set(Number(s.run_id), list);
  }
  return runs.map((r) => ({
    id: Number(r.id),
    action: String(r.action),
    owner: String(r.owner),
    from: String(r.from_state),
    to: String(r.to_state),
    result: r.result as RunLogResult,
    error: (r.error as string | null) ?? null,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    steps: byRun.get(Number(r.id)) ?? [],
  }));
}
