// Property strings ("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10"): the parser and checks of
// pve-common JSONSchema.pm parse_property_string, with Proxmox's messages.
import type { PropSchema } from './types.ts';

type Format = Record<string, PropSchema>;

export class PropertyStringError extends Error {
  constructor(
    message: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
  }
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

function defaultKey(format: Format): string | undefined {
  return Object.keys(format).find((k) => format[k]?.default_key);
}

/** Splits and resolves aliases; throws PropertyStringError on structure errors. */
export function parsePropertyString(format: Format, data: string): Record<string, string> {
  const res: Record<string, string> = {};
  const defKey = defaultKey(format);
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv) {
      let k = kv[1]!;
      let v = kv[2]!;
      if (res[k] !== undefined) throw new PropertyStringError(`duplicate key in comma-separated list property: ${k}`);
      let schema = format[k];
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) throw new PropertyStringError(`key alias '${schema.keyAlias}' is already defined`);
          res[schema.keyAlias] = k;
        }
        k = schema.alias;
        schema = format[k];
      }
      if (!schema) throw new PropertyStringError(`invalid key in comma-separated list property: ${k}`);
      if (schema.type === 'boolean') v = TRUE.test(v) ? '1' : FALSE.test(v) ? '0' : v;
      res[k] = v;
    } else if (!part.includes('=')) {
      if (!defKey) throw new PropertyStringError('value without key, but schema does not define a default key');
      if (res[defKey] !== undefined) throw new PropertyStringError(`duplicate key in comma-separated list property: ${defKey}`);
      res[defKey] = part;
    } else {
      throw new PropertyStringError('missing key in comma-separated list property');
    }
  }
  return res;
}

/** Prints a parsed property string back, default key first (as Proxmox prints configs). */
export function printPropertyString(format: Format, values: Record<string, string | number | undefined>): string {
  const defKey = defaultKey(format);
  const parts: string[] = [];
  if (defKey && values[defKey] !== undefined) parts.push(String(values[defKey]));
  for (const [k, v] of Object.entries(values)) if (k !== defKey && v !== undefined) parts.push(`${k}=${v}`);
  return parts.join(',');
}
