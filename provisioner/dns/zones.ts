// The configured zones (mod_pvebridge_dns_zones). Credentials are sealed with WHMCS's cipher
// and $cc_encryption_hash — the scheme WHMCS uses for tblservers.password — as one JSON blob;
// they leave this module only decrypted into a provider, and every API view masks them as
// `__KEEP__`. Saving `__KEEP__` (or nothing) keeps a stored secret, a new value replaces it.
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import { decryptWhmcsPassword, encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { normName } from './names.ts';
import type { ProviderType, ZoneConfig } from './types.ts';

export const ZONES = 'mod_pvebridge_dns_zones';
export const RECORDS = 'mod_pvebridge_dns_records';
export const KEEP = '__KEEP__';

/** Which fields each provider takes; secrets are the ones sealed and masked. */
export const PROVIDER_FIELDS: Record<ProviderType, { settings: string[]; secrets: string[]; required: string[] }> = {
  powerdns: { settings: ['url'], secrets: ['apiKey'], required: ['url', 'apiKey'] },
  cloudflare: { settings: ['zoneId', 'accountId', 'apiUrl'], secrets: ['apiToken'], required: ['apiToken'] },
  hestiacp: { settings: ['url', 'user', 'adminUser'], secrets: ['accessKey', 'secretKey', 'adminPassword'], required: ['url', 'user'] },
};

export interface Sealer {
  seal(plain: string): string;
  open(cipher: string): string;
}

export function whmcsSealer(ccEncryptionHash: string | undefined): Sealer {
  const need = () => {
    if (!ccEncryptionHash)
      throw new AppError('PVB_UNAVAILABLE', 'PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH is not set: DNS credentials cannot be sealed');
    return ccEncryptionHash;
  };
  return { seal: (p) => encryptWhmcsPassword(p, need()), open: (c) => decryptWhmcsPassword(c, need()) };
}

export interface ZoneView {
  id: number;
  name: string;
  type: ProviderType;
  ttl: number;
  settings: Record<string, string>;
  /** Every stored secret as `__KEEP__`; the value never leaves the gateway. */
  secrets: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface ZoneInput {
  name?: string;
  type?: ProviderType;
  ttl?: number;
  settings?: Record<string, string>;
  secrets?: Record<string, string>;
}

type Row = Record<string, unknown>;
const json = (v: unknown) => JSON.parse(String(v || '{}')) as Record<string, string>;

function view(r: Row, sealer: Sealer): ZoneView {
  const secrets = Object.keys(openSecrets(r, sealer));
  return {
    id: Number(r.id),
    name: String(r.name),
    type: String(r.type) as ProviderType,
    ttl: Number(r.ttl),
    settings: json(r.settings),
    secrets: Object.fromEntries(secrets.map((k) => [k, KEEP])),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function openSecrets(r: Row, sealer: Sealer): Record<string, string> {
  const c = String(r.secrets ?? '');
  return c ? (JSON.parse(sealer.open(c)) as Record<string, string>) : {};
}

export async function zoneTableExists(db: Db): Promise<boolean> {
  return db.schema.hasTable(ZONES);
}

export async function listZones(db: Db, sealer: Sealer): Promise<ZoneView[]> {
  return ((await db(ZONES).orderBy('name').orderBy('id')) as Row[]).map((r) => view(r, sealer));
}

export async function getZone(db: Db, sealer: Sealer, id: number): Promise<ZoneView> {
  const r = (await db(ZONES).where({ id }).first()) as Row | undefined;
  if (!r) throw new AppError('PVB_NOT_FOUND', `DNS zone ${id} does not exist`);
  return view(r, sealer);
}

/** Every zone with decrypted credentials, for the providers. */
export async function zoneConfigs(db: Db, sealer: Sealer): Promise<ZoneConfig[]> {
  if (!(await zoneTableExists(db))) return [];
  return ((await db(ZONES).orderBy('id')) as Row[]).map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    type: String(r.type) as ProviderType,
    ttl: Number(r.ttl),
    settings: json(r.settings),
    secrets: openSecrets(r, sealer),
  }));
}

function pick(obj: Record<string, string> | undefined, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (obj?.[k] !== undefined) out[k] = obj[k]!.trim();
  return out;
}

function merge(type: ProviderType, input: ZoneInput, stored?: { settings: Record<string, string>; secrets: Record<string, string> }) {
  const f = PROVIDER_FIELDS[type];
  const settings = { ...(stored?.settings ?? {}), ...pick(input.settings, f.settings) };
  const secrets: Record<string, string> = { ...(stored?.secrets ?? {}) };
  for (const [k, v] of Object.entries(pick(input.secrets, f.secrets))) {
    if (v === KEEP) continue; // the masked value comes back unchanged: keep the stored one
    if (v === '') delete secrets[k];
    else secrets[k] = v;
  }
  for (const k of Object.keys(settings)) if (settings[k] === '') delete settings[k];
  const missing = f.required.filter((k) => !settings[k] && !secrets[k]);
  if (type === 'hestiacp' && !secrets.accessKey && !secrets.adminPassword) missing.push('accessKey or adminPassword');
  if (missing.length)
    throw new AppError('PVB_VALIDATION', `${type} needs ${missing.join(', ')}`, Object.fromEntries(missing.map((m) => [m, 'required'])));
  return { settings, secrets };
}

export async function createZone(db: Db, sealer: Sealer, input: Required<Pick<ZoneInput, 'name' | 'type'>> & ZoneInput): Promise<ZoneView> {
  const { settings, secrets } = merge(input.type, input);
  const now = Date.now();
  const [id] = await db(ZONES).insert({
    name: normName(input.name),
    type: input.type,
    ttl: input.ttl ?? 3600,
    settings: JSON.stringify(settings),
    secrets: sealer.seal(JSON.stringify(secrets)),
    created_at: now,
    updated_at: now,
  });
  return getZone(db, sealer, Number(id));
}

export async function updateZone(db: Db, sealer: Sealer, id: number, input: ZoneInput): Promise<ZoneView> {
  const r = (await db(ZONES).where({ id }).first()) as Row | undefined;
  if (!r) throw new AppError('PVB_NOT_FOUND', `DNS zone ${id} does not exist`);
  const type = input.type ?? (String(r.type) as ProviderType);
  const stored = type === r.type ? { settings: json(r.settings), secrets: openSecrets(r, sealer) } : undefined;
  const { settings, secrets } = merge(type, input, stored);
  await db(ZONES)
    .where({ id })
    .update({
      ...(input.name !== undefined && { name: normName(input.name) }),
      type,
      ...(input.ttl !== undefined && { ttl: input.ttl }),
      settings: JSON.stringify(settings),
      secrets: sealer.seal(JSON.stringify(secrets)),
      updated_at: Date.now(),
    });
  return getZone(db, sealer, id);
}

/** Deletes the zone; records we made in it are forgotten (the provider keeps them). */
export async function deleteZone(db: Db, id: number): Promise<{ forgotten: number }> {
  const n = await db(ZONES).where({ id }).delete();
  if (!n) throw new AppError('PVB_NOT_FOUND', `DNS zone ${id} does not exist`);
  return { forgotten: await db(RECORDS).where({ zone_id: id }).delete() };
}
