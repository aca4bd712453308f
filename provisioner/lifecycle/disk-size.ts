// Disk sizes: Proxmox prints `size=` with binary K/M/G/T units (bytes when bare). Disks only
// grow: Proxmox fails a smaller target inside the resize task, so we decide before asking.

const UNIT: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const GIB = 1024 ** 3;

/** Bytes of a Proxmox size ("32G", "512M", "1.5T", "10737418240"); undefined when unparsable. */
export function parseSize(size: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec((size ?? '').trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT[(m[2] ?? '').toUpperCase()] ?? 1));
}

export function gib(bytes: number): number {
  return bytes / GIB;
}

export type ResizeDecision =
  | { kind: 'grow'; size: string } // the `size` for PUT …/resize (absolute)
  | { kind: 'same' }
  | { kind: 'shrink'; reason: string }
  | { kind: 'unknown'; reason: string };

export const SHRINK_REASON = 'shrink not allowed by Proxmox';

/**
 * What to do to bring a disk of `currentBytes` to `targetGb`. A target of 0 means "no change"
 * (the spec's System Disk default); an equal size is a no-op; smaller is a shrink.
 */
export function resizeDecision(currentBytes: number | undefined, targetGb: number): ResizeDecision {
  if (targetGb <= 0) return { kind: 'same' };
  if (currentBytes === undefined) return { kind: 'unknown', reason: 'current disk size unknown' };
  const target = targetGb * GIB;
  if (target === currentBytes) return { kind: 'same' };
  if (target < currentBytes) return { kind: 'shrink', reason: SHRINK_REASON };
  return { kind: 'grow', size: `${targetGb}G` };
}
