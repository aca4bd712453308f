// PTR owner names and zone matching: the examples of reference §4 plus properties over random
// addresses (fast-check): every address's PTR name parses back to it, and the longest covering
// zone is the one chosen.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  classlessBlock,
  forwardZonesFor,
  isHostname,
  parseIp,
  ptrName,
  ptrOwnerIn,
  relativeName,
  reverseZoneOf,
  reverseZonesFor,
} from '../../provisioner/dns/names.ts';

const z = (name: string, type = 'powerdns') => ({ name, type });

describe('PTR owner names', () => {
  it('match dig -x for the reference examples', () => {
    expect(ptrName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
    expect(ptrName('198.51.100.70')).toBe('70.100.51.198.in-addr.arpa');
    expect(ptrName('2001:db8::10')).toBe('0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(ptrName('2001:db8:1234:5678::a:b')).toBe('b.0.0.0.a.0.0.0.0.0.0.0.0.0.0.0.8.7.6.5.4.3.2.1.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(ptrName('::ffff:192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
  });

  it('refuse octal-looking and short IPv4 forms', () => {
    expect(() => parseIp('192.0.2.010')).toThrow(/not an IP/);
    expect(() => parseIp('10.1')).toThrow(/not an IP/);
  });

  it('IPv4: four decimal labels that reverse back to the address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const labels = ptrName(ip).split('.');
        expect(labels.slice(4)).toEqual(['in-addr', 'arpa']);
        expect(labels.slice(0, 4).reverse().join('.')).toBe(ipaddr.parse(ip).toString());
      }),
    );
  });

  it('IPv6: 32 nibbles that reverse back to the full address', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const a = ipaddr.parse(ip);
        fc.pre(a.kind() === 'ipv6' && !(a as ipaddr.IPv6).isIPv4MappedAddress());
        const labels = ptrName(ip).split('.');
        expect(labels).toHaveLength(34);
        const hex = labels.slice(0, 32).reverse().join('');
        expect(ipaddr.IPv6.parse(hex.match(/.{4}/g)!.join(':')).toString()).toBe(a.toString());
      }),
    );
  });
});

describe('zone matching', () => {
  const zones = [
    z('example.com'),
    z('sub.example.com'),
    z('sub.example.com', 'cloudflare'),
    z('192.in-addr.arpa'),
    z('2.0.192.in-addr.arpa'),
    z('12.0.192.in-addr.arpa'),
    z('64/26.100.51.198.in-addr.arpa'),
    z('100.51.198.in-addr.arpa'),
    z('8.b.d.0.1.0.0.2.ip6.arpa'),
    z('0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'),
  ];

  it('forward: the longest suffix, every provider holding it, whole labels only', () => {
    expect(forwardZonesFor(zones, 'vm1.sub.example.com')).toEqual([z('sub.example.com'), z('sub.example.com', 'cloudflare')]);
    expect(forwardZonesFor(zones, 'vm1.example.com')).toEqual([z('example.com')]);
    expect(forwardZonesFor(zones, 'vm1.badexample.com')).toEqual([]);
  });

  it('reverse: the longest covering zone at /8, /16, /24 and nibble boundaries; labels compared whole', () => {
    expect(reverseZonesFor(zones, '192.0.2.10')).toEqual([z('2.0.192.in-addr.arpa')]);
    expect(reverseZonesFor(zones, '192.0.12.10')).toEqual([z('12.0.192.in-addr.arpa')]);
    expect(reverseZonesFor(zones, '192.5.5.5')).toEqual([z('192.in-addr.arpa')]);
    expect(reverseZonesFor(zones, '2001:db8::10')).toEqual([z('0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa')]);
    expect(reverseZonesFor(zones, '2001:db8:1::10')).toEqual([z('8.b.d.0.1.0.0.2.ip6.arpa')]);
    expect(reverseZonesFor(zones, '10.0.0.1')).toEqual([]);
  });

  it('RFC 2317: a classless child zone takes its block, with the owner name as the provider holds it', () => {
    expect(reverseZonesFor(zones, '198.51.100.70')).toEqual([z('64/26.100.51.198.in-addr.arpa')]);
    expect(ptrOwnerIn('64/26.100.51.198.in-addr.arpa', '198.51.100.70')).toBe('70.64/26.100.51.198.in-addr.arpa');
    expect(reverseZonesFor(zones, '198.51.100.130')).toEqual([z('100.51.198.in-addr.arpa')]);
    expect(classlessBlock('64-26.100.51.198.in-addr.arpa')).toMatchObject({ first: 64, last: 127 });
    expect(classlessBlock('64-127.100.51.198.in-addr.arpa')).toMatchObject({ first: 64, last: 127 });
    expect(classlessBlock('0/25.100.51.198.in-addr.arpa')).toMatchObject({ first: 0, last: 127 });
    expect(ptrOwnerIn('64-127.100.51.198.in-addr.arpa', '198.51.100.127')).toBe('127.64-127.100.51.198.in-addr.arpa');
    expect(ptrOwnerIn('64-127.100.51.198.in-addr.arpa', '198.51.100.128')).toBeNull();
  });

  it('property: the chosen reverse zone covers the address and no configured longer zone does', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const hit = reverseZonesFor(zones, ip);
        for (const h of hit) expect(ptrOwnerIn(h.name, ip)).not.toBeNull();
        const covering = zones.filter((x) => ptrOwnerIn(x.name, ip) !== null);
        expect(hit.length > 0).toBe(covering.length > 0);
      }),
    );
  });

  it('relative names and host names', () => {
    expect(relativeName('vm1.example.com', 'example.com')).toBe('vm1');
    expect(relativeName('example.com.', 'example.com')).toBe('@');
    expect(relativeName('10.2.0.192.in-addr.arpa', '2.0.192.in-addr.arpa')).toBe('10');
    expect(isHostname('mail.example.com')).toBe(true);
    expect(isHostname('mail')).toBe(false);
    expect(isHostname('-bad.example.com')).toBe(false);
    expect(isHostname('a..b')).toBe(false);
  });
});

describe('reverse zone of a pool', () => {
  it('rounds to the octet or nibble boundary at or above the prefix', () => {
    expect(reverseZoneOf('192.0.2.0', 24)).toBe('2.0.192.in-addr.arpa');
    expect(reverseZoneOf('192.168.130.2', 26)).toBe('130.168.192.in-addr.arpa');
    expect(reverseZoneOf('10.1.2.3', 8)).toBe('10.in-addr.arpa');
    expect(reverseZoneOf('2001:db8::', 32)).toBe('8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseZoneOf('2001:db8::2', 120)).toBe('0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });
});
