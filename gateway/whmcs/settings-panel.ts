// The product settings panel: every setting of spec §Product Configuration, grouped in the spec's
// sections, described so the shim can render a form without knowing any setting. Types, defaults
// and limits come from the settings schema (provisioner/plan/product-settings.ts); secrets leave
// the gateway only as `__KEEP__`, and `__KEEP__` coming back means "unchanged".
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import {
  defaultProductSettings,
  getProductSettings,
  productSettingsSchema,
  saveProductSettings,
} from '../../provisioner/plan/product-settings.ts';
import { WHMCS_FIELDS } from './product-fields.ts';

export const KEEP = '__KEEP__';

/** Settings that are credentials: never sent back in clear. */
export const SECRET_SETTINGS = new Set(['novncKey']);

const SECTIONS: Array<{ title: string; match: (key: string) => boolean }> = [
  { title: 'Client area permissions', match: (k) => k.startsWith('perm') },
  { title: 'Email templates', match: (k) => k.startsWith('email') },
  { title: 'Firewall', match: (k) => k.startsWith('fw') },
  { title: 'Storage', match: (k) => k.startsWith('systemDisk') || k.startsWith('additionalDisk') },
  {
    title: 'Network',
    match: (k) =>
      ['networkModel', 'bandwidth', 'bridge', 'vlan', 'ipv4Count', 'ipv6Count', 'autoBridgeVlan', 'dhcpIpv4', 'dhcpIpv6'].includes(k),
  },
  {
    title: 'Integrations',
    match: (k) => ['backupsStorage', 'isoStorage', 'novncDomain', 'novncKey', 'mainDomain', 'revDnsTicket', 'revDnsDepartment'].includes(k),
  },
  { title: 'VM configuration', match: () => true },
];
const ORDER = ['VM configuration', 'Network', 'Firewall', 'Storage', 'Integrations', 'Email templates', 'Client area permissions'];

const LABELS: Record<string, string> = {
  permStart: 'Start',
  permStop: 'Stop',
  permNovnc: 'noVNC',
  permCharts: 'Charts',
  permReinstall: 'Reinstall',
  permResetPassword: 'Reset password',
  permRevDns: 'RevDNS',
  permIsoMount: 'ISO mount',
  permFirewall: 'Firewall',
};

export interface PanelField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'yesno' | 'dropdown' | 'password';
  value: string | number | boolean;
  default: string | number | boolean;
  options?: Record<string, string>;
  min?: number;
  max?: number;
}

export interface Panel {
  productId: number;
  note: string;
  sections: Array<{ title: string; fields: PanelField[] }>;
}

type JsonProp = {
  type?: string;
  enum?: string[];
  anyOf?: Array<{ type?: string }>;
  description?: string;
  minimum?: number;
  maximum?: number;
};

const properties = () =>
  (z.toJSONSchema(productSettingsSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonProp> }).properties;

async function dynamicOptions(db: Db): Promise<Record<string, Record<string, string>>> {
  const templates = await db('tblemailtemplates').where({ type: 'product' }).select('name').orderBy('name');
  const emails: Record<string, string> = { '': 'None' };
  for (const t of templates) emails[String(t.name)] = String(t.name);
  const departments: Record<string, string> = { '0': '(none)' };
  for (const d of await db('tblticketdepartments').select('id', 'name').orderBy('id')) departments[String(d.id)] = String(d.name);
  const lifetime: Record<string, string> = { '0': "Don't remove" };
  for (let d = 1; d <= 10; d++) lifetime[String(d)] = d === 1 ? '1 day' : `${d} days`;
  return { email: emails, revDnsDepartment: departments, snapshotLifetimeDays: lifetime };
}

function fieldFor(key: string, p: JsonProp, value: unknown, def: unknown, dyn: Record<string, Record<string, string>>): PanelField {
  const label = (Object.hasOwn(LABELS, key) ? LABELS[key] : undefined) ?? p.description ?? key;
  const base = { key, label, default: def as PanelField['default'] };
  const options = key.startsWith('email') ? dyn.email : dyn[key];
  if (SECRET_SETTINGS.has(key)) return { ...base, type: 'password', value: value ? KEEP : '' };
  if (p.anyOf?.some((a) => a.type === 'boolean')) return { ...base, type: 'yesno', value: Boolean(value) };
  if (options) {
    // A stored value missing from the list (e.g. a deleted template) stays selectable.
    const all = { ...options, ...(options[String(value)] === undefined ? { [String(value)]: String(value) } : {}) };
    return { ...base, type: 'dropdown', value: String(value), options: all };
  }
  if (p.enum) return { ...base, type: 'dropdown', value: String(value), options: Object.fromEntries(p.enum.map((e) => [e, e])) };
  if (p.type === 'integer' || p.type === 'number') {
    return {
      ...base,
      type: 'number',
      value: Number(value),
      ...(p.minimum !== undefined && { min: p.minimum }),
      ...(p.maximum !== undefined && { max: p.maximum }),
    };
  }
  return { ...base, type: 'text', value: String(value ?? '') };
}

export async function productPanel(db: Db, productId: number): Promise<Panel> {
  const settings = (await getProductSettings(db, productId)) as Record<string, unknown>;
  const defaults = defaultProductSettings() as Record<string, unknown>;
  const dyn = await dynamicOptions(db);
  const grouped = new Map<string, PanelField[]>(ORDER.map((t) => [t, []]));
  for (const [key, p] of Object.entries(properties())) {
    if ((WHMCS_FIELDS as readonly string[]).includes(key)) continue;
    const title = SECTIONS.find((s) => s.match(key))!.title;
    grouped.get(title)!.push(fieldFor(key, p, settings[key], defaults[key], dyn));
  }
  return {
    productId,
    note: 'Target node, OS template, system disk storage and bridge are the module fields above.',
    sections: [...grouped].filter(([, f]) => f.length).map(([title, fields]) => ({ title, fields })),
  };
}

/** Saves what the panel posted: `__KEEP__` keeps a secret, the WHMCS-field keys are not the panel's. */
export async function savePanel(db: Db, productId: number, posted: Record<string, unknown>): Promise<Panel> {
  // A null-prototype map: a posted `__proto__` stays a key (and is refused) instead of a prototype.
  const partial = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(posted)) {
    if (v === KEEP || (WHMCS_FIELDS as readonly string[]).includes(k)) continue;
    partial[k] = v;
  }
  await saveProductSettings(db, productId, partial);
  return productPanel(db, productId);
}
