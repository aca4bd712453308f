// Admin API: Scheduled Tasks (spec §Scheduled Tasks, §Settings → Cron). Each task with its
// interval (0 = off), last start/end/duration/result, when it is next due, and its lock (holder,
// age, stale); Run now (forced, in the background unless `wait` — the page polls the table); and
// clearing stale locks (a live run's lock is never removed unless `all` is asked for).
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import { clearLockfiles, clearStaleLocks, lockInfo } from '../../provisioner/cron/locks.ts';
import { lastRuns, runCron, type TaskRun } from '../../provisioner/cron/scheduler.ts';
import { cronTasks } from '../../provisioner/cron/tasks.ts';
import { getGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { Runner } from '../../provisioner/runner.ts';
import type { GatewayContext } from '../context.ts';
import { adminRoute } from './common.ts';

function parseResult(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function cronStatus(ctx: GatewayContext, now = Date.now()) {
  const settings = await getGlobalSettings(ctx.db);
  const last = await lastRuns(ctx.db);
  const staleMs = settings.cronLockTimeout * 1000;
  return {
    lockTimeoutSeconds: settings.cronLockTimeout,
    tasks: cronTasks().map((t) => {
      const l = last.get(t.name);
      const minutes = settings[t.setting] as number;
      const started = l?.started ?? 0;
      const result = parseResult(l?.result ?? null);
      return {
        name: t.name,
        description: t.description,
        setting: t.setting,
        intervalMinutes: minutes,
        enabled: minutes > 0,
        lastStartedAt: started || null,
        lastFinishedAt: l?.finished || null,
        lastDurationMs: l?.durationMs ?? null,
        lastResult: result,
        failed: !!result && typeof result === 'object' && 'error' in result,
        nextDueAt: minutes > 0 ? Math.max(now, started + minutes * 60_000) : null,
        lock: lockInfo(ctx.config.dataDir, t.name, staleMs, now),
      };
    }),
  };
}

const running = new WeakMap<GatewayContext, Set<Promise<unknown>>>();

/** Runs in the background; graceful shutdown waits for it (the lock and the row stay consistent). */
function track(ctx: GatewayContext, p: Promise<unknown>): void {
  let set = running.get(ctx);
  if (!set) {
    const s = new Set<Promise<unknown>>();
    running.set(ctx, (set = s));
    ctx.onShutdown.push(async () => {
      await Promise.allSettled([...s]);
    });
  }
  set.add(p);
  void p.finally(() => set.delete(p));
}

export const cronRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/cron',
    summary:
      'Scheduled tasks: interval (0 = off), last start/end/duration/result, next due, lock holder and age. → {tasks, lockTimeoutSeconds}',
    input: z.object({}),
    handler: ({ ctx }) => cronStatus(ctx),
  }),
  adminRoute({
    method: 'post',
    path: '/v1/admin/cron/:task/run',
    summary:
      'Run one task now (forced). In the background unless wait is true. Refused while a live run holds its lock. → {started} | {run}',
    input: z.object({ task: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a task name'), wait: z.boolean().default(false) }),
    audit: { actionOf: (i) => `admin.cron.run.${i.task}` },
    async handler({ ctx, input }) {
      const task = cronTasks().find((t) => t.name === input.task);
      if (!task)
        throw new AppError('PVB_NOT_FOUND', `No cron task ${input.task}`, {
          task: `one of ${cronTasks()
            .map((t) => t.name)
            .join(', ')}`,
        });
      const settings = await getGlobalSettings(ctx.db);
      const lock = lockInfo(ctx.config.dataDir, task.name, settings.cronLockTimeout * 1000);
      if (lock.locked && !lock.stale)
        throw new AppError('PVB_CONFLICT', `${task.name} is running (${lock.holder ?? 'unknown holder'}); try again when it has finished`);
      const runner = ctx.runner instanceof Runner ? (ctx.runner as Runner<unknown>) : undefined;
      const run = runCron({
        db: ctx.db,
        dataDir: ctx.config.dataDir,
        out: () => {},
        log: ctx.log,
        force: true,
        task: task.name,
        ...(runner && { runner }),
      }).then((r: TaskRun[]) => r[0]);
      if (input.wait) return { run: await run };
      track(
        ctx,
        run.catch((err: unknown) => ctx.log.error({ err, task: task.name }, 'cron run failed')),
      );
      return { started: true, task: task.name };
    },
  }),
  adminRoute({
    method: 'post',
    path: '/v1/admin/cron/locks/clear',
    summary: 'Clear stale cron locks (older than the lock timeout, or whose process is gone); all: true clears every lock. → {cleared}',
    input: z.object({ all: z.boolean().default(false) }),
    audit: { action: 'admin.cron.locks.clear' },
    async handler({ ctx, input }) {
      const settings = await getGlobalSettings(ctx.db);
      const cleared = input.all ? clearLockfiles(ctx.config.dataDir) : clearStaleLocks(ctx.config.dataDir, settings.cronLockTimeout * 1000);
      return { cleared };
    },
  }),
];
