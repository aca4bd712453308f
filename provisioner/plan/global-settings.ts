// Addon-wide settings (spec §Settings: General and Cron), one row per key in
// mod_pvebridge_settings, value as JSON. Absent keys take the spec's defaults.
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { parsePartial } from './product-settings.ts';

const minutes = (def: number) => z.coerce.number().int().min(0).max(10_080).default(def);
const bool = (def: boolean) =>
  z
    .union([z.boolean(), z.enum(['on', 'off', '1', '0', ''])])
    .transform((v) => v === true || v === 'on' || v === '1')
    .default(def);

export const globalSettingsSchema = z.object({
  // General → API timeouts (seconds)
  defaultTimeout: z.coerce.number().int().min(1).max(300).default(10),
  heavyTimeout: z.coerce.number().int().min(1).max(600).default(60),
  // General → VM migration
  migrationEnabled: bool(true),
  migrationTimeout: z.coerce.number().int().min(1).max(86_400).default(300),
  // General → module data
  deleteTablesOnDeactivate: bool(false),
  // Cron: task intervals in minutes (0 = task off) and the stale-lock timeout in seconds
  'cron.processVirtualMachines': minutes(1),
  'cron.removeOldSnapshots': minutes(5),
  'cron.restoreBackupStatus': minutes(1),
  'cron.nowBackupStatus': minutes(1),
  'cron.scheduleBackup': minutes(5),
  'cron.collectingStatistics': minutes(60),
  cronLockTimeout: z.coerce.number().int().min(30).max(86_400).default(600),
  // Audit log: rows older than this many days are removed by the cleanupAuditLog task
  'cron.cleanupAuditLog': minutes(60),
  auditRetentionDays: z.coerce.number().int().min(1).max(3650).default(90),
  // Pipelines (pvebridge): VMs worked at once per Proxmox node, across every gateway; the time
  // budget of one VM's run; VMs worked at once by one runner.
  nodeConcurrency: z.coerce.number().int().min(1).max(256).default(4),
  runBudgetSeconds: z.coerce.number().int().min(5).max(3600).default(55),
  runnerConcurrency: z.coerce.number().int().min(1).max(1000).default(32),
});

export type GlobalSettings = z.output<typeof globalSettingsSchema>;

const TABLE = 'mod_pvebridge_settings';
const keys = Object.keys(globalSettingsSchema.shape);

export async function getGlobalSettings(db: Db): Promise<GlobalSettings> {
  const rows = (await db(TABLE).whereIn('name', keys)) as Array<{ name: string; value: string }>;
  const shape = globalSettingsSchema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  const stored = new Map(rows.map((r) => [r.name, r.value]));
  for (const [k, schema] of Object.entries(shape)) {
    let raw: unknown;
    try {
      raw = stored.has(k) ? JSON.parse(stored.get(k)!) : undefined;
    } catch {
      raw = undefined;
    }
    const r = schema.safeParse(raw);
    out[k] = r.success ? r.data : schema.parse(undefined);
  }
  return out as GlobalSettings;
}

export async function saveGlobalSettings(db: Db, partial: Record<string, unknown>): Promise<GlobalSettings> {
  for (const [name, value] of Object.entries(parsePartial(globalSettingsSchema, partial))) {
    await db(TABLE)
      .insert({ name, value: JSON.stringify(value) })
      .onConflict('name')
      .merge({ value: JSON.stringify(value) });
  }
  return getGlobalSettings(db);
}
