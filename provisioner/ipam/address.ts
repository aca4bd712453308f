// Address arithmetic for pools: IPv4 and IPv6 as bigints (ipaddr.js parses and prints).
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

export function familyOf(address: string): Family | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  return ipaddr.parse(address).kind() === 'ipv4' ? 'ipv4' : 'ipv6';
}

export function toBigInt(address: string): bigint {
  const bytes = ipaddr.parse(address).toByteArray();
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

export function fromBigInt(family: Family, n: bigint): string {
  const len = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = 0; i < len; i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** One canonical spelling per address, so the unique key catches every duplicate. */
export function canonical(address: string): string {
  return ipaddr.parse(address).toString();
}

export function isValidPrefix(family: Family, mask: number): boolean {
  return Number.isInteger(mask) && mask >= 1 && mask <= (family === 'ipv4' ? 32 : 128);
}
