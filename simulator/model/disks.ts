// Drive and size helpers following qemu-server Drive.pm and pve-common format_size/parse_size.
import { parsePropertyString } from '../validate/property-string.ts';
import { propFor } from '../validate/check.ts';
import { qemuConfigProps } from '../validate/schema.ts';
import type { PropSchema } from '../validate/types.ts';

export const DISK_KEY = /^((ide|sata|scsi|virtio)\d+|efidisk0|tpmstate0)$/;
export const UNUSED_KEY = /^unused\d+$/;
const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
export const GiB = UNITS.G!;

export interface Drive {
  file: string;
  media?: string;
  size?: string;
  [opt: string]: string | undefined;
}

function formatOf(key: string): Record<string, PropSchema> {
  const f = propFor(qemuConfigProps(), key)?.format;
  return typeof f === 'object' ? f : {};
}

export function parseDrive(key: string, value: string): Drive {
  return parsePropertyString(formatOf(key), value) as Drive;
}

/** Prints a drive back as Proxmox does: volume first, then options in the order given. */
export function printDrive(drive: Drive): string {
  const { file, ...opts } = drive;
  return [
    file,
    ...Object.entries(opts)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`),
  ].join(',');
}

export const isCdrom = (d: Drive): boolean => d.media === 'cdrom';
export const isCloudinit = (volid: string): boolean => /[:/]vm-\d+-cloudinit(\.(qcow2|raw))?$/.test(volid);

/** "32G" / "+10G" / "1024" (bytes) → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(text);
  if (!m) throw new Error(`unable to parse size '${text}'`);
  return Math.round(Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1));
}

/** pve-common format_size: the largest unit that divides the size exactly. */
export function formatSize(bytes: number): string {
  for (const u of ['T', 'G', 'M', 'K']) if (bytes % UNITS[u]! === 0 && bytes >= UNITS[u]!) return `${bytes / UNITS[u]!}${u}`;
  return String(bytes);
}

export function storageOf(volid: string): string {
  return volid.split(':')[0]!;
}

/** Disk keys of a config (not unused, not 'none'/cdrom without volume). */
export function diskEntries(config: Record<string, string>): Array<[string, Drive]> {
  return Object.entries(config)
    .filter(([k]) => DISK_KEY.test(k))
    .map(([k, v]) => [k, parseDrive(k, v)] as [string, Drive])
    .filter(([, d]) => d.file.includes(':'));
}

/** Volume name for a new disk: LVM/RBD style or directory style with a qcow2 file. */
export function volumeName(storageType: string, vmid: number, n: number | 'cloudinit', base = false): string {
  const stem = n === 'cloudinit' ? `vm-${vmid}-cloudinit` : `${base ? 'base' : 'vm'}-${vmid}-disk-${n}`;
  return ['dir', 'nfs', 'cifs'].includes(storageType) ? `${vmid}/${stem}.qcow2` : stem;
}
