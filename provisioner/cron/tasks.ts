// The cron task table (spec §Scheduled Tasks). Each task has a name, the setting holding its
// interval in minutes (0 = off) and a run function returning what it processed. This issue
// registers processVirtualMachines; later issues append theirs with registerCronTask.
import type { Db } from '../../common/db/connect.ts';
import type { Logger } from '../../common/log.ts';
import type { Output } from '../engine/format.ts';
import type { GlobalSettings } from '../plan/global-settings.ts';
import { Runner } from '../runner.ts';
import { cleanupAudit } from '../audit.ts';

export interface CronContext {
  db: Db;
  log: Logger;
  out: Output;
  force: boolean;
  settings: GlobalSettings;
  /** The pipeline runner (processVirtualMachines works through it). */
  runner?: Runner<unknown>;
}

export interface CronResult {
  processed: number;
  errors: number;
  /** Lines printed after the task's Done line (e.g. one `sid:… action:… result:…` per VM). */
  details?: string[];
}

export interface CronTask {
  name: string;
  /** Key in the global settings holding the interval in minutes. */
  setting: keyof GlobalSettings & `cron.${string}`;
  description: string;
  run(ctx: CronContext): Promise<CronResult>;
}

export const processVirtualMachines: CronTask = {
  name: 'processVirtualMachines',
  setting: 'cron.processVirtualMachines',
  description: 'Deploys new VMs and walks every pipeline (change package, terminate, DNS) one step further',
  async run(ctx) {
    if (!ctx.runner) throw new Error('processVirtualMachines needs the pipeline runner');
    const budgetMs = Math.max(5, ctx.settings.runBudgetSeconds) * 1000;
    const r = await ctx.runner.drain({ out: ctx.out, force: ctx.force, maxMs: budgetMs });
    return { processed: r.processed, errors: r.errors, details: r.outcomes.map((o) => Runner.sidLine(o)) };
  },
};

/** Audit log retention: removes rows older than the auditRetentionDays setting. */
export const cleanupAuditLog: CronTask = {
  name: 'cleanupAuditLog',
  setting: 'cron.cleanupAuditLog',
  description: 'Removes audit log entries older than the retention setting',
  async run(ctx) {
    return { processed: await cleanupAudit(ctx.db, ctx.settings.auditRetentionDays), errors: 0 };
  },
};

const registry: CronTask[] = [processVirtualMachines, cleanupAuditLog];

export function registerCronTask(task: CronTask): void {
  if (registry.some((t) => t.name === task.name)) throw new Error(`cron task ${task.name} is already registered`);
  registry.push(task);
}

export function cronTasks(): readonly CronTask[] {
  return registry;
}
