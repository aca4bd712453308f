// The WHMCS product fields (ConfigOptions → tblproducts.configoption1..4) mirror four product
// settings. Position matters to WHMCS: this order is append-only (docs in php-shim/README.md).
import { getProductSettings, saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import type { GatewayContext } from '../context.ts';

export const WHMCS_FIELDS = ['targetNode', 'osTemplate', 'systemDiskStorage', 'bridge'] as const;

/** What an empty WHMCS field means for each setting (undefined: keep the setting as it is). */
const EMPTY: Record<(typeof WHMCS_FIELDS)[number], string | number | undefined> = {
  targetNode: 'automatically',
  osTemplate: 0,
  systemDiskStorage: '',
  bridge: undefined,
};

/** Copies WHMCS's saved field values into the product settings: WHMCS's row wins. A product whose
 * module fields were never saved (all empty) keeps its settings. */
export async function syncWhmcsFields(ctx: GatewayContext, productId: number): Promise<void> {
  const p = await ctx.db('tblproducts').where({ id: productId }).first();
  if (!p) return;
  const values = WHMCS_FIELDS.map((_, i) => String(p[`configoption${i + 1}`] ?? '').trim());
  if (values.every((v) => v === '')) return;
  const current = await getProductSettings(ctx.db, productId);
  const patch: Record<string, unknown> = {};
  WHMCS_FIELDS.forEach((key, i) => {
    const v = values[i] === '' ? EMPTY[key] : values[i];
    if (v !== undefined && String(current[key]) !== String(v)) patch[key] = v;
  });
  if (Object.keys(patch).length) await saveProductSettings(ctx.db, productId, patch);
}
