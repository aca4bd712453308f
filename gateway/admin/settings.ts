// Admin API: addon settings (spec §Settings: General and Cron). GET answers every setting with
// its group, secrets as __KEEP__; PATCH validates each given key (unknown keys and bad values
// are refused, naming the field), keeps secrets sent back as __KEEP__, stores only what changed
// and answers the before/after of each changed key (the audit row records the same, masked).
import { z } from 'zod';
import { AppError } from '../../common/errors.ts';
import { getGlobalSettings, globalSettingsSchema, saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { isSecretKey, MASK } from '../../provisioner/audit.ts';
import { adminRoute } from './common.ts';
import { maskSecrets, withoutKept } from './secrets.ts';

/** Cron intervals (0 = off) and the stale-lock timeout are the Cron page; the rest is General. */
export const settingGroup = (key: string): 'cron' | 'general' =>
  key.startsWith('cron.') || key === 'cronLockTimeout' ? 'cron' : 'general';

const shape = globalSettingsSchema.shape as Record<string, z.ZodType>;

/** The PATCH body: every setting optional, no defaults filled in, unknown keys refused. */
const patchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s).optional()]),
  ) as Record<string, z.ZodOptional<z.ZodType>>,
);

async function view(ctx: { db: import('../../common/db/connect.ts').Db }) {
  const settings = (await getGlobalSettings(ctx.db)) as Record<string, unknown>;
  const groups: Record<'general' | 'cron', string[]> = { general: [], cron: [] };
  for (const k of Object.keys(settings)) groups[settingGroup(k)].push(k);
  return { settings: maskSecrets(settings) as Record<string, unknown>, groups };
}

export const settingsRoutes = [
  adminRoute({
    method: 'get',
    path: '/v1/admin/settings',
    summary: 'Addon settings (General, Cron: intervals in minutes, 0 = off; stale-lock timeout), secrets as __KEEP__. → {settings, groups}',
    input: z.object({}),
    handler: ({ ctx }) => view(ctx),
  }),
  adminRoute({
    method: 'patch',
    path: '/v1/admin/settings',
    summary: 'Change settings (only the keys sent; __KEEP__ keeps a secret). Errors name the field. → {settings, groups, changed}',
    input: patchSchema,
    audit: { action: 'admin.settings.update', after: (out) => ({ changed: (out as { changed: unknown }).changed }) },
    async handler({ ctx, input, req }) {
      const sent = new Set(Object.keys((req.body ?? {}) as object));
      const raw = Object.fromEntries(Object.entries(req.body as Record<string, unknown>).filter(([k]) => sent.has(k)));
      const patch = withoutKept(raw);
      if (!Object.keys(input).length && !Object.keys(patch).length) {
        throw new AppError('PVB_VALIDATION', 'Invalid input — (input): no setting given', { '(input)': 'name at least one setting' });
      }
      const before = (await getGlobalSettings(ctx.db)) as Record<string, unknown>;
      const after = (await saveGlobalSettings(ctx.db, patch)) as Record<string, unknown>;
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const k of Object.keys(patch)) {
        if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
        changed[k] = isSecretKey(k) ? { from: MASK, to: MASK } : { from: before[k], to: after[k] };
      }
      return { ...(await view(ctx)), changed };
    },
  }),
];
