// UPIDs in Proxmox's format (pve-common src/PVE/UPID.pm):
// UPID:<node>:<pid 8 hex>:<pstart 8 hex>:<starttime 8 hex>:<type>:<id>:<user>:
const hex = (n: number, width = 8) => n.toString(16).toUpperCase().padStart(width, '0');

export const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export interface UpidFields {
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
}

export function formatUpid(f: UpidFields): string {
  return `UPID:${f.node}:${hex(f.pid)}:${hex(f.pstart)}:${hex(f.starttime)}:${f.type}:${f.id}:${f.user}:`;
}

export function parseUpid(upid: string): UpidFields | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1]!,
    pid: parseInt(m[3]!, 16),
    pstart: parseInt(m[4]!, 16),
    starttime: parseInt(m[5]!, 16),
    type: m[6]!,
    id: m[7]!,
    user: m[8]!,
  };
}
