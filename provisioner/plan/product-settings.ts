// Per-product settings: every setting of the spec's §Product Configuration with the spec's
// default. Stored as JSON in mod_pvebridge_product_settings (absent keys take the defaults), read
// and written only through getProductSettings / saveProductSettings.
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';

/** WHMCS forms send 'on' / '' / '1' / '0'; JSON callers send booleans. */
const flag = (def: boolean) =>
  z
    .union([z.boolean(), z.enum(['on', 'off', '1', '0', 'true', 'false', 'yes', 'no', ''])])
    .transform((v) => v === true || v === 'on' || v === '1' || v === 'true' || v === 'yes')
    .default(def);

const count = (def: number, max = 1_000_000) => z.coerce.number().int().min(0).max(max).default(def);
const limit = (def = 0) => z.coerce.number().min(0).max(1_000_000).default(def);
const policy = z.enum(['ACCEPT', 'DROP', 'REJECT']);
const logLevel = z.enum(['nolog', 'info', 'notice', 'warning']);
const name = (def: string) => z.string().trim().max(255).default(def);

export const productSettingsSchema = z.object({
  // VM Configuration
  targetNode: name('automatically').describe('Target node: a node name, or "automatically" (most free resources)'),
  osTemplate: z.coerce.number().int().min(0).max(999_999_999).default(0).describe('OS template VMID (0 = none)'),
  cloneType: z.enum(['linked', 'full']).default('linked').describe('Clone type'),
  cpu: count(1, 512).describe('CPU cores'),
  sockets: count(1, 16).describe('CPU sockets (pvebridge extension; the spec keeps 1)'),
  ram: z.coerce.number().min(0).max(65_536).default(1).describe('RAM in GB'),
  backups: count(0, 1000).describe('Maximum backups (0 = disabled)'),
  snapshots: count(0, 1000).describe('Maximum snapshots (0 = disabled)'),
  vmNameRule: name('{client_id}-{service_id}').describe('VM name rule with macros'),
  firstVmId: z.coerce.number().int().min(100).max(999_999_999).default(100).describe('First VM ID'),
  osUsername: name('').describe('OS username (empty = random)'),
  snapshotLifetimeDays: count(0, 10).describe("Snapshot lifetime in days (0 = don't remove)"),
  // Network
  networkModel: z.enum(['template', 'virtio', 'e1000', 'rtl8139', 'vmxnet3']).default('template').describe('NIC model'),
  bandwidth: limit().describe('Network bandwidth in MB/s (0 = unlimited)'),
  bridge: name('vmbr0').describe('Bridge'),
  vlan: count(0, 4096).describe('VLAN tag (0 = none)'),
  ipv4Count: count(1, 256).describe('IPv4 addresses to allocate'),
  ipv6Count: count(0, 256).describe('IPv6 addresses to allocate'),
  autoBridgeVlan: flag(true).describe('Take bridge and VLAN from the IP pool'),
  dhcpIpv4: flag(true).describe('DHCP for IPv4 (no allocation, no IP filter)'),
  dhcpIpv6: flag(true).describe('DHCP for IPv6 (no allocation, no IP filter)'),
  // Firewall
  fwPolicyIn: policy.default('ACCEPT').describe('Input policy'),
  fwPolicyOut: policy.default('ACCEPT').describe('Output policy'),
  fwLogLevelIn: logLevel.default('nolog').describe('Log level in'),
  fwLogLevelOut: logLevel.default('nolog').describe('Log level out'),
  fwEnable: flag(true).describe('Enable the firewall'),
  fwDhcp: flag(true).describe('Allow DHCP'),
  fwNdp: flag(true).describe('Allow NDP'),
  fwRadv: flag(false).describe('Allow router advertisement'),
  fwMacfilter: flag(true).describe('MAC filter'),
  fwIpfilter: flag(false).describe('IP filter'),
  fwAntiSpoofing: flag(true).describe('Anti-spoofing IP set ipfilter-net0'),
  // Storage (0 = keep the template's value / unlimited)
  systemDiskStorage: name('').describe('System disk storage (empty = from template)'),
  systemDiskSize: count(0).describe('System disk size in GB (0 = template size)'),
  systemDiskMbpsRd: limit().describe('System disk read MB/s'),
  systemDiskMbpsWr: limit().describe('System disk write MB/s'),
  systemDiskIopsRd: count(0).describe('System disk read IOPS'),
  systemDiskIopsWr: count(0).describe('System disk write IOPS'),
  additionalDiskStorage: name('').describe('Additional disk storage (empty = same as system disk)'),
  additionalDiskSize: count(0).describe('Additional disk size in GB (0 = none)'),
  additionalDiskMbpsRd: limit().describe('Additional disk read MB/s'),
  additionalDiskMbpsWr: limit().describe('Additional disk write MB/s'),
  additionalDiskIopsRd: count(0).describe('Additional disk read IOPS'),
  additionalDiskIopsWr: count(0).describe('Additional disk write IOPS'),
  // Integrations
  backupsStorage: name('').describe('Backups storage (name|plugin)'),
  isoStorage: name('').describe('ISO storage'),
  novncDomain: name('vncproxy.puqcloud.com').describe('noVNC domain'),
  novncKey: name('puqcloud').describe('noVNC key'),
  mainDomain: name('.example.com').describe('Main domain (FQDN suffix)'),
  revDnsTicket: flag(true).describe('Open a ticket for reverse DNS requests'),
  revDnsDepartment: count(0).describe('Support department for reverse DNS tickets'),
  emailWelcome: name('puqProxmoxVKM Welcome Email').describe('Welcome email template (empty = none)'),
  emailVmReady: name('puqProxmoxKVM VM is ready').describe('"VM is ready" email template (empty = none)'),
  emailResetPassword: name('puqProxmoxKVM Reset password').describe('Reset password email template'),
  emailBackupRestored: name('puqProxmoxKVM Backup restored').describe('Backup restored email template'),
  emailUpgrade: name('puqProxmoxKVM Upgrade Email').describe('Upgrade email template'),
  // Client area permissions
  permStart: flag(true),
  permStop: flag(true),
  permNovnc: flag(true),
  permCharts: flag(true),
  permReinstall: flag(true),
  permResetPassword: flag(true),
  permRevDns: flag(true),
  permIsoMount: flag(true),
  permFirewall: flag(true),
});

export type ProductSettings = z.output<typeof productSettingsSchema>;
export type ProductSettingsInput = z.input<typeof productSettingsSchema>;

const TABLE = 'mod_pvebridge_product_settings';

export const defaultProductSettings = (): ProductSettings => productSettingsSchema.parse({});

/** Stored JSON → settings. A stored value that no longer validates falls back to its default. */
function fromStored(raw: unknown): ProductSettings {
  const stored = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const whole = productSettingsSchema.safeParse(stored);
  if (whole.success) return whole.data;
  const shape = productSettingsSchema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(shape)) {
    const r = schema.safeParse(stored[k]);
    out[k] = r.success ? r.data : schema.parse(undefined);
  }
  return out as ProductSettings;
}

async function readStored(db: Db, productId: number): Promise<Record<string, unknown>> {
  const row = await db(TABLE).where({ product_id: productId }).first();
  if (!row) return {};
  try {
    return JSON.parse(row.settings as string) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function getProductSettings(db: Db, productId: number): Promise<ProductSettings> {
  return fromStored(await readStored(db, productId));
}

/** A zod failure as the catalogue's validation error, one message per field. */
export function settingsError(err: z.ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const i of err.issues) {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [i.path.join('.') || '(input)'];
    // hasOwn, not ??=: a key like `toString` must not find Object.prototype's member.
    for (const k of keys) if (!Object.hasOwn(fields, k)) fields[k] = i.code === 'unrecognized_keys' ? 'unknown setting' : i.message;
  }
  const summary = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return new AppError('PVB_VALIDATION', `Invalid settings — ${summary}`, fields);
}

/**
 * Validates only the given keys (zod's .partial() would fill the others with their defaults,
 * which must not be stored). Unknown keys and bad values are refused together, by field.
 */
export function parsePartial(schema: z.ZodObject, partial: Record<string, unknown>): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const issues: z.core.$ZodIssue[] = [];
  for (const [k, v] of Object.entries(partial)) {
    if (v === undefined) continue;
    // Own keys only: `constructor`, `toString`, `__proto__` are unknown settings, not prototype members.
    const field = Object.hasOwn(shape, k) ? shape[k] : undefined;
    if (!field) {
      issues.push({ code: 'unrecognized_keys', keys: [k], path: [], message: 'unknown setting', input: partial });
      continue;
    }
    const r = field.safeParse(v);
    if (r.success) out[k] = r.data;
    else issues.push(...r.error.issues.map((i) => ({ ...i, path: [k, ...i.path] })));
  }
  if (issues.length) throw settingsError(new z.ZodError(issues));
  return out;
}

/**
 * Validates `partial` (unknown keys and bad values are refused, naming the field), merges it into
 * the stored settings and returns the full result. Only explicitly given keys are stored, so a
 * later change of a default reaches products that never set that key.
 */
export async function saveProductSettings(db: Db, productId: number, partial: Record<string, unknown>): Promise<ProductSettings> {
  if (!Number.isInteger(productId) || productId <= 0) throw new AppError('PVB_VALIDATION', `invalid product id ${productId}`);
  const merged = { ...(await readStored(db, productId)), ...parsePartial(productSettingsSchema, partial) };
  const settings = JSON.stringify(merged);
  const now = Date.now();
  await db(TABLE)
    .insert({ product_id: productId, settings, updated_at: now })
    .onConflict('product_id')
    .merge({ settings, updated_at: now });
  return fromStored(merged);
}
