// IPv4/IPv6 count changes: allocate the shortfall or release the excess. The first address
// (tblhosting.dedicatedip) is kept as long as any address of that family is wanted.

export type IpCountChange = { kind: 'none' } | { kind: 'allocate'; count: number } | { kind: 'release'; ips: string[] };

export function diffIpCount(current: string[], wanted: number): IpCountChange {
  if (current.length === wanted) return { kind: 'none' };
  if (current.length < wanted) return { kind: 'allocate', count: wanted - current.length };
  return { kind: 'release', ips: current.slice(wanted) };
}
