// Parameter verification as pve-common JSONSchema.pm does it (check_object / check_prop /
// check_type): required, additionalProperties, type, enum, pattern, length, range and formats.
// Returns the normalised values (integers as numbers, booleans as 0/1) or Proxmox's messages.
import { checkFormat } from './formats.ts';
import { parsePropertyString, PropertyStringError } from './property-string.ts';
import type { Endpoint, ParamErrors, PropSchema } from './types.ts';

// Highest index of each array-style key (qemu-server MAX_* constants); the schema only
// states some of them in prose.
const INDEX_MAX: Record<string, number> = {
  ide: 3,
  sata: 5,
  scsi: 30,
  virtio: 15,
  net: 31,
  ipconfig: 31,
  unused: 255,
  usb: 4,
  serial: 3,
  parallel: 2,
  hostpci: 15,
  numa: 7,
  virtiofs: 9,
};

const regexCache = new Map<string, RegExp>();

/** Perl regex from the schema → anchored JS regex (Proxmox matches m/^$pattern$/). */
export function perlRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    const js = pattern.replace(/\(\?\^[a-z]*:/g, '(?:').replace(/\{,(\d+)\}/g, '{0,$1}');
    re = new RegExp(`^(?:${js})$`);
    regexCache.set(pattern, re);
  }
  return re;
}

/** The schema entry for a parameter name, resolving "net[n]"-style keys. */
export function propFor(props: Record<string, PropSchema>, name: string): PropSchema | undefined {
  if (props[name]) return props[name];
  const m = /^([a-z]+)(\d+)$/.exec(name);
  if (!m) return undefined;
  const prop = props[`${m[1]}[n]`];
  const max = INDEX_MAX[m[1]!] ?? 31;
  return prop && Number(m[2]) <= max && String(Number(m[2])) === m[2] ? prop : undefined;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

type Checked = { ok: true; value: unknown } | { ok: false };

function checkType(schema: PropSchema, value: unknown, path: string, errors: ParamErrors, json: boolean): Checked {
  const type = schema.type ?? 'string';
  const failType = (): Checked => {
    errors[path] = `type check ('${type}') failed - got '${show(value)}'`;
    return { ok: false };
  };
  if (type === 'integer') {
    if (typeof value === 'number') return Number.isInteger(value) ? { ok: true, value } : failType();
    return typeof value === 'string' && /^[+-]?\d+$/.test(value) ? { ok: true, value: Number(value) } : failType();
  }
  if (type === 'number') {
    if (typeof value === 'number') return { ok: true, value };
    return typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)
      ? { ok: true, value: Number(value) }
      : failType();
  }
  if (type === 'boolean') {
    if (value === '1' || value === 1 || (json && value === true)) return { ok: true, value: 1 };
    if (value === '0' || value === 0 || (json && value === false)) return { ok: true, value: 0 };
    return failType();
  }
  if (type === 'array') return { ok: true, value: Array.isArray(value) ? value : [value] };
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' && type === 'string') return { ok: true, value: String(value) };
  return failType();
}

function checkString(schema: PropSchema, value: string, path: string, errors: ParamErrors): void {
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    errors[path] = `value may only be ${schema.maxLength} characters long`;
  else if (schema.minLength !== undefined && value.length < schema.minLength)
    errors[path] = `value must be at least ${schema.minLength} characters long`;
  else if (schema.pattern && !perlRegex(schema.pattern).test(value)) errors[path] = 'value does not match the regex pattern';
  else if (typeof schema.format === 'object') checkPropertyString(schema.format, value, path, errors);
  else if (schema.format) {
    try {
      checkFormat(schema.format, value);
    } catch (err) {
      errors[path] = `invalid format - ${(err as Error).message}`;
    }
  }
}

function checkPropertyString(format: Record<string, PropSchema>, value: string, path: string, errors: ParamErrors): void {
  try {
    const parsed = parsePropertyString(format, value);
    const sub: ParamErrors = {};
    checkObject(format, parsed, sub, path, false);
    if (Object.keys(sub).length) throw new PropertyStringError('format error', sub);
  } catch (err) {
    if (!(err instanceof PropertyStringError)) throw err;
    // pve-common: the nested errors travel inside ONE message under the parameter's key — the
    // PVE::Exception text "format error\n" plus a "<param>.<sub>: <msg>" line per error.
    const lines = Object.entries(err.errors ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `\n${k}: ${v}`);
    errors[path] = `invalid format - ${err.message}${lines.join('')}`;
  }
}

export function checkProp(schema: PropSchema, value: unknown, path: string, errors: ParamErrors, json = false): unknown {
  const typed = checkType(schema, value, path, errors, json);
  if (!typed.ok) return undefined;
  const v = typed.value;
  if (typeof v === 'number' && schema.type !== 'boolean') {
    if (schema.minimum !== undefined && v < schema.minimum) errors[path] = `value must have a minimum value of ${schema.minimum}`;
    else if (schema.maximum !== undefined && v > schema.maximum) errors[path] = `value must have a maximum value of ${schema.maximum}`;
    else if (schema.format === 'pve-vmid') checkString({ format: 'pve-vmid' }, String(v), path, errors);
  }
  if (typeof v === 'string') checkString(schema, v, path, errors);
  if (schema.enum && !schema.enum.includes(String(v)))
    errors[path] = `value '${show(v)}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
  return v;
}

function checkObject(
  props: Record<string, PropSchema>,
  values: Record<string, unknown>,
  errors: ParamErrors,
  prefix: string,
  json: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
  for (const [k, schema] of Object.entries(props)) {
    if (k.endsWith('[n]') || schema.alias) continue;
    if (values[k] === undefined && !schema.optional) errors[at(k)] = 'property is missing and it is not optional';
  }
  for (const [k, v] of Object.entries(values)) {
    const schema = propFor(props, k);
    if (!schema || schema.alias) {
      errors[at(k)] = 'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    out[k] = checkProp(schema, v, at(k), errors, json);
    if (schema.requires && values[schema.requires] === undefined)
      errors[schema.requires] = `missing property - '${k}' requires this property`;
  }
  return out;
}

/** Validates a request's merged parameters against one endpoint of the schema. */
export function validateParams(
  endpoint: Endpoint,
  params: Record<string, unknown>,
  json: boolean,
): { values: Record<string, unknown>; errors: ParamErrors } {
  const errors: ParamErrors = {};
  const values = checkObject(endpoint.parameters?.properties ?? {}, params, errors, '', json);
  return { values, errors };
}
