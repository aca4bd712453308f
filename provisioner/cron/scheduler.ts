// Runs due cron tasks once (`pvebridge cron`, and every minute inside `pvebridge serve` via
// node-cron). A task is due when its interval (minutes, from settings; 0 = off) has passed since
// its last start, or always with --force. Output follows the spec's v3.0 cron format.
import cron from 'node-cron';
import type { Db } from '../../common/db/connect.ts';
import { silentLogger, type Logger } from '../../common/log.ts';
import { errorText, stamp, type Output } from '../engine/format.ts';
import { getGlobalSettings, type GlobalSettings } from '../plan/global-settings.ts';
import type { Runner } from '../runner.ts';
import { isLocked, withTaskLock } from './locks.ts';
import { cronTasks, type CronTask } from './tasks.ts';

const TASKS = 'mod_pvebridge_cron_tasks';

export interface CronOptions {
  db: Db;
  dataDir: string;
  out: Output;
  log?: Logger;
  runner?: Runner<unknown>;
  force?: boolean;
  /** Only this task. */
  task?: string;
  tasks?: readonly CronTask[];
}

export interface TaskRun {
  task: string;
  status: 'ran' | 'off' | 'not_due' | 'locked' | 'failed';
  processed?: number;
  errors?: number;
  error?: string;
}

const hhmmss = (t: number) => stamp(t).slice(11);
const interval = (min: number) => (min % 60 === 0 ? `${min / 60}h` : `${min}m`);

export async function lastRuns(
  db: Db,
): Promise<Map<string, { started: number; finished: number; durationMs: number; result: string | null }>> {
  const rows = (await db(TASKS).select()) as Array<Record<string, unknown>>;
  return new Map(
    rows.map((r) => [
      String(r.name),
      {
        started: Number(r.last_started_at),
        finished: Number(r.last_finished_at),
        durationMs: Number(r.last_duration_ms),
        result: (r.last_result as string | null) ?? null,
      },
    ]),
  );
}

async function record(db: Db, name: string, patch: Record<string, unknown>): Promise<void> {
  await db(TASKS)
    .insert({ name, ...patch })
    .onConflict('name')
    .merge(patch);
}

async function runTask(o: CronOptions, task: CronTask, settings: GlobalSettings, last: number): Promise<TaskRun> {
  const minutes = settings[task.setting] as number;
  if (minutes === 0 && !o.task) return { task: task.name, status: 'off' };
  if (!o.force && last && Date.now() - last < minutes * 60_000 - 1000) return { task: task.name, status: 'not_due' };
  const locked = await withTaskLock({ db: o.db, dataDir: o.dataDir, staleMs: settings.cronLockTimeout * 1000 }, task.name, async () => {
    const t0 = Date.now();
    await record(o.db, task.name, { last_started_at: t0 });
    o.out(`${stamp(t0)} [${task.name}] Running (interval: ${interval(minutes)}, last: ${last ? hhmmss(last) : 'never'})`);
    try {
      const r = await task.run({
        db: o.db,
        log: o.log ?? silentLogger,
        out: o.out,
        force: o.force ?? false,
        settings,
        ...(o.runner && { runner: o.runner }),
      });
      const ms = Date.now() - t0;
      o.out(`${stamp()} [${task.name}] Done (${(ms / 1000).toFixed(1)}s) — processed: ${r.processed}, errors: ${r.errors}`);
      for (const line of r.details ?? []) o.out(line);
      await record(o.db, task.name, { last_finished_at: Date.now(), last_duration_ms: ms, last_result: JSON.stringify(r) });
      return { task: task.name, status: 'ran' as const, processed: r.processed, errors: r.errors };
    } catch (err) {
      const error = errorText(err);
      o.out(`${stamp()} [${task.name}] Failed — ${error}`);
      await record(o.db, task.name, {
        last_finished_at: Date.now(),
        last_duration_ms: Date.now() - t0,
        last_result: JSON.stringify({ error }),
      });
      return { task: task.name, status: 'failed' as const, error };
    }
  });
  if (!locked.ran) o.out(`${stamp()} [${task.name}] Skipped — locked by another run`);
  return locked.ran ? locked.value : { task: task.name, status: 'locked' };
}

/** One cron tick: every due task (or the one named), wrapped in Start/End lines. */
export async function runCron(o: CronOptions): Promise<TaskRun[]> {
  const all = o.tasks ?? cronTasks();
  const tasks = o.task ? all.filter((t) => t.name === o.task) : all;
  if (o.task && tasks.length === 0) throw new Error(`unknown cron task '${o.task}' (known: ${all.map((t) => t.name).join(', ')})`);
  const t0 = Date.now();
  o.out(`${stamp(t0)} pvebridge Cron Start`);
  const settings = await getGlobalSettings(o.db);
  const last = await lastRuns(o.db);
  const runs: TaskRun[] = [];
  for (const task of tasks) runs.push(await runTask(o, task, settings, last.get(task.name)?.started ?? 0));
  o.out(`${stamp()} pvebridge Cron End (${((Date.now() - t0) / 1000).toFixed(1)}s total)`);
  return runs;
}

export interface TaskStatus {
  name: string;
  description: string;
  intervalMinutes: number;
  lastStarted: number;
  lastDurationMs: number;
  lastResult: string | null;
  locked: boolean;
}

export async function listTasks(db: Db, dataDir: string, tasks: readonly CronTask[] = cronTasks()): Promise<TaskStatus[]> {
  const settings = await getGlobalSettings(db);
  const last = await lastRuns(db);
  const out: TaskStatus[] = [];
  for (const t of tasks) {
    const l = last.get(t.name);
    out.push({
      name: t.name,
      description: t.description,
      intervalMinutes: settings[t.setting] as number,
      lastStarted: l?.started ?? 0,
      lastDurationMs: l?.durationMs ?? 0,
      lastResult: l?.result ?? null,
      locked: await isLocked({ db, dataDir, staleMs: settings.cronLockTimeout * 1000 }, t.name),
    });
  }
  return out;
}

/** The in-process scheduler of `pvebridge serve`: a tick every minute; returns its stop(). */
export function startScheduler(o: Omit<CronOptions, 'force' | 'task'>): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const job = cron.schedule('* * * * *', () => {
    running = runCron(o).catch((err: unknown) => o.log?.error({ err }, 'cron tick failed'));
  });
  return async () => {
    await job.stop();
    await running;
  };
}
