// The MAC of a NIC string. Reinstall keeps the VM's MAC across a re-clone (a clone always gets
// new MACs), because providers bind IP ↔ MAC (peer request TNC #158).
import { formatPropertyString, parsePropertyString } from './property-string.ts';

const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i;

export function macOfNic(value: string): string | undefined {
  const p = parsePropertyString(value);
  return p.parts.find(([k, v]) => k !== '' && k !== 'macaddr' && MAC.test(v))?.[1] ?? p.parts.find(([k]) => k === 'macaddr')?.[1];
}

/** The NIC string with `mac` in place of its own (unchanged when mac is undefined). */
export function withMac(value: string, mac: string | undefined): string {
  if (!mac) return value;
  const p = parsePropertyString(value);
  const i = p.parts.findIndex(([k, v]) => k !== '' && k !== 'macaddr' && MAC.test(v));
  if (i >= 0) p.parts[i] = [p.parts[i]![0], mac];
  else {
    const m = p.parts.findIndex(([k]) => k === 'macaddr');
    if (m >= 0) p.parts[m] = ['macaddr', mac];
    else if (p.parts[0]?.[0] === '')
      p.parts[0] = [p.parts[0][1], mac]; // "virtio,bridge=…"
    else if (p.parts[0]?.[0] === 'model') p.parts[0] = [p.parts[0][1], mac];
  }
  return formatPropertyString(p);
}
