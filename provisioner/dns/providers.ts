// One provider per configured zone, by its type.
import { cloudflareProvider } from './cloudflare.ts';
import { hestiaProvider } from './hestia.ts';
import { powerDnsProvider } from './powerdns.ts';
import type { DnsProvider, ProviderOptions, ZoneConfig } from './types.ts';

export function providerFor(zone: ZoneConfig, o: ProviderOptions = {}): DnsProvider {
  switch (zone.type) {
    case 'powerdns':
      return powerDnsProvider(zone, o);
    case 'cloudflare':
      return cloudflareProvider(zone, o);
    case 'hestiacp':
      return hestiaProvider(zone, o);
    default:
      throw new Error(`unknown DNS provider type '${String(zone.type)}'`);
  }
}
