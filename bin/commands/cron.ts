// `pvebridge cron`: runs the scheduled tasks once (spec §Cron Configuration CLI tools):
// every due task, or `--task=NAME`; `--force` ignores intervals; `--list` shows tasks,
// intervals, last runs and lock state; `--clear-locks` removes lockfiles. Output is flushed
// line by line, so `pvebridge cron --force | tee cron.log` shows progress live.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { openDb } from '../../common/db/connect.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createLogger } from '../../common/log.ts';
import { stamp } from '../../provisioner/engine/format.ts';
import { clearLockfiles } from '../../provisioner/cron/locks.ts';
import { listTasks, runCron } from '../../provisioner/cron/scheduler.ts';
import { cronTasks } from '../../provisioner/cron/tasks.ts';
import { createRunner } from '../../provisioner/pipelines/runtime.ts';

const HELP = `pvebridge cron [--task=NAME] [--force] [--list] [--clear-locks] [--help]
  Runs every due scheduled task once and prints its live output.
  --task=NAME     run only this task (even when its interval is 0 = off)
  --force         ignore intervals (run now)
  --list          show tasks, intervals, last run and lock state
  --clear-locks   remove task lockfiles left by crashed runs
Tasks: ${cronTasks()
  .map((t) => t.name)
  .join(', ')}
Intervals (minutes, 0 = off) are settings: cron.<task>.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      task: { type: 'string' },
      force: { type: 'boolean' },
      list: { type: 'boolean' },
      'clear-locks': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (values['clear-locks']) {
    const removed = clearLockfiles(config.dataDir);
    out(removed.length ? `removed locks: ${removed.join(', ')}` : 'no locks to remove');
    return 0;
  }
  const db = openDb(config.dbUrl);
  try {
    await migrateLatest(db);
    if (values.list) {
      for (const t of await listTasks(db, config.dataDir)) {
        const last = t.lastStarted ? `${stamp(t.lastStarted)} (${(t.lastDurationMs / 1000).toFixed(1)}s)` : 'never';
        out(
          `${t.name.padEnd(26)} interval: ${t.intervalMinutes ? `${t.intervalMinutes}m` : 'off'}  last: ${last}  lock: ${t.locked ? 'held' : 'free'}`,
        );
      }
      return 0;
    }
    const log = createLogger(config.logLevel, process.stderr as never);
    const runner = await createRunner({ db, config, log, out });
    try {
      const runs = await runCron({
        db,
        dataDir: config.dataDir,
        out,
        log,
        runner,
        force: values.force ?? false,
        ...(values.task && { task: values.task }),
      });
      return runs.some((r) => r.status === 'failed') ? 1 : 0;
    } finally {
      await runner.stop();
    }
  } finally {
    await db.destroy();
  }
}
