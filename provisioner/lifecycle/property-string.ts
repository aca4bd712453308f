// Proxmox property strings ("local-lvm:vm-100-disk-0,size=32G,mbps_rd=50",
// "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=10"): parsed into an ordered list of parts so a
// step can change one option and write the rest back unchanged (volume, MAC, cache, …).

export interface PropertyString {
  /** Parts in their original order; a part without '=' has key ''. */
  parts: Array<[string, string]>;
}

export function parsePropertyString(value: string): PropertyString {
  const parts: Array<[string, string]> = [];
  for (const raw of value.split(',')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    parts.push(eq < 0 ? ['', raw] : [raw.slice(0, eq), raw.slice(eq + 1)]);
  }
  return { parts };
}

export function formatPropertyString(p: PropertyString): string {
  return p.parts.map(([k, v]) => (k === '' ? v : `${k}=${v}`)).join(',');
}

export function getOption(p: PropertyString, key: string): string | undefined {
  return p.parts.find(([k]) => k === key)?.[1];
}

/** Sets (or with `undefined` removes) one option, keeping every other part in place. */
export function setOption(p: PropertyString, key: string, value: string | undefined): PropertyString {
  const i = p.parts.findIndex(([k]) => k === key);
  const parts = p.parts.slice();
  if (value === undefined) {
    if (i >= 0) parts.splice(i, 1);
  } else if (i >= 0) parts[i] = [key, value];
  else parts.push([key, value]);
  return { parts };
}

/** The volume of a drive string: its first part, with or without the `file=` key. */
export function driveVolume(value: string): string {
  const first = parsePropertyString(value).parts[0];
  return first ? first[1] : '';
}
