// DNS names: PTR owner names (RFC 1035 §3.5 for IPv4, RFC 3596 §2.5 nibbles for IPv6), zone
// classification and matching. Forward zone of a host = the longest configured zone that is a
// label suffix of it; reverse zone of an address = the longest configured in-addr.arpa/ip6.arpa
// zone covering it, including RFC 2317 classless zones named as the provider holds them
// (`64/26.100.51.198.in-addr.arpa`, `64-26.…` or `64-127.…`). Labels are compared whole, so
// 2.0.192.in-addr.arpa never matches 12.0.192.in-addr.arpa.
import ipaddr from 'ipaddr.js';

/** Lower case, no surrounding space, no trailing dots: the form we store and compare. */
export const normName = (name: string) => name.trim().toLowerCase().replace(/\.+$/, '');

/** Parses an address strictly (no octal or short IPv4 forms); IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const s = ip.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (!ipaddr.IPv6.isValid(s)) throw new Error(`not an IP address: ${ip}`);
  const v6 = ipaddr.IPv6.parse(s);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

export const familyOf = (ip: string): 'A' | 'AAAA' => (parseIp(ip).kind() === 'ipv4' ? 'A' : 'AAAA');

/** Canonical text of an address (IPv6 compressed lower case), for comparing provider content. */
export const canonicalIp = (ip: string) => parseIp(ip).toString();

/** The PTR owner name, without the trailing dot: 10.2.0.192.in-addr.arpa, 32 nibbles.ip6.arpa. */
export function ptrName(ip: string): string {
  const a = parseIp(ip);
  if (a.kind() === 'ipv4') return `${a.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const hex = a
    .toByteArray()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

export const isReverseZone = (zone: string) => /(^|\.)(in-addr|ip6)\.arpa$/.test(normName(zone));

/** `name` is `zone` or lies below it, compared label by label. */
export const inZone = (name: string, zone: string) => {
  const n = normName(name);
  const z = normName(zone);
  return n === z || n.endsWith(`.${z}`);
};

const labels = (name: string) => normName(name).split('.').length;

/** An RFC 2317 child zone: first label `A/N`, `A-N` (prefix) or `A-B` (range) under a /24. */
export function classlessBlock(zone: string): { first: number; last: number; parent: string } | null {
  const m = /^(\d{1,3})[/-](\d{1,3})\.((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa)$/.exec(normName(zone));
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const slash = normName(zone).includes('/');
  const size = b - a + 1;
  const isRange = !slash && b >= a && b <= 255 && (size & (size - 1)) === 0 && a % size === 0;
  if (isRange) return { first: a, last: b, parent: m[3]! };
  if (b < 25 || b > 32 || a > 255) return null;
  const blk = 2 ** (32 - b);
  if (a % blk !== 0) return null;
  return { first: a, last: a + blk - 1, parent: m[3]! };
}

/**
 * Where the PTR of `ip` lives in `zone`, or null when the zone does not cover the address: the
 * standard owner name, or for a classless zone `<last octet>.<zone>`.
 */
export function ptrOwnerIn(zone: string, ip: string): string | null {
  const owner = ptrName(ip);
  const z = normName(zone);
  const block = classlessBlock(z);
  if (block) {
    const a = parseIp(ip);
    if (a.kind() !== 'ipv4') return null;
    const last = a.toByteArray()[3]!;
    if (!owner.endsWith(`.${block.parent}`) || last < block.first || last > block.last) return null;
    return `${last}.${z}`;
  }
  if (!isReverseZone(z) || owner === z || !owner.endsWith(`.${z}`)) return null;
  return owner;
}

export interface NamedZone {
  name: string;
}

/** Every zone carrying the longest matching name (several providers may hold the same zone). */
function longest<Z extends NamedZone>(zones: Z[], fits: (z: Z) => boolean): Z[] {
  let best = -1;
  let out: Z[] = [];
  for (const z of zones) {
    if (!fits(z)) continue;
    const n = labels(z.name) + (classlessBlock(z.name) ? 0.5 : 0);
    if (n > best) [best, out] = [n, [z]];
    else if (n === best) out.push(z);
  }
  return out;
}

export function forwardZonesFor<Z extends NamedZone>(zones: Z[], host: string): Z[] {
  return longest(zones, (z) => !isReverseZone(z.name) && inZone(host, z.name));
}

export function reverseZonesFor<Z extends NamedZone>(zones: Z[], ip: string): Z[] {
  return longest(zones, (z) => ptrOwnerIn(z.name, ip) !== null);
}

/** The name relative to its zone (`@` at the apex), as HestiaCP wants it. */
export function relativeName(name: string, zone: string): string {
  const n = normName(name);
  const z = normName(zone);
  return n === z ? '@' : n.slice(0, n.length - z.length - 1);
}

const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

/** A host name fit for a PTR value or a forward record: at least two labels. */
export const isHostname = (s: string) => HOST.test(normName(s)) && normName(s).includes('.');

/**
 * The reverse zone holding a network's PTRs, on the octet (IPv4) or nibble (IPv6) boundary at or
 * above its prefix: 192.0.2.0/24 → 2.0.192.in-addr.arpa, 2001:db8::/64 → 16 nibbles.ip6.arpa.
 * A /26 gives its /24 (an RFC 2317 child zone must be configured by its delegated name).
 */
export function reverseZoneOf(ip: string, prefix: number): string {
  const labels = ptrName(ip).split('.');
  const keep = parseIp(ip).kind() === 'ipv4' ? Math.floor(Math.min(prefix, 32) / 8) : Math.floor(Math.min(prefix, 128) / 4);
  const total = parseIp(ip).kind() === 'ipv4' ? 4 : 32;
  return labels.slice(total - keep).join('.');
}
