// The provider contract. One interface, three implementations (powerdns.ts, cloudflare.ts,
// hestia.ts). A provider works on one configured zone; names are absolute, lower case and
// without the trailing dot here — each provider converts to its own form. Every error a provider
// throws is a DnsError, classified once where the response is read (http.ts).

export type RecordType = 'A' | 'AAAA' | 'PTR';

export interface ProviderRecord {
  /** The provider's handle: Cloudflare's id, Hestia's ID, PowerDNS's `name|type|content`. */
  id: string;
  name: string;
  type: RecordType;
  content: string;
}

export interface RecordInput {
  name: string;
  type: RecordType;
  content: string;
  ttl: number;
}

export interface DnsProvider {
  /** The cheapest authenticated call that also proves the zone exists; resolves to a summary. */
  test(): Promise<string>;
  /** Records of one name and type in the zone. */
  list(name: string, type: RecordType): Promise<ProviderRecord[]>;
  create(rec: RecordInput): Promise<ProviderRecord>;
  update(existing: ProviderRecord, rec: RecordInput): Promise<ProviderRecord>;
  /** Removes one record; a record already gone is not an error. */
  remove(existing: ProviderRecord): Promise<void>;
}

export type DnsErrorKind = 'auth' | 'not_found' | 'rate_limited' | 'transient' | 'invalid';

export class DnsError extends Error {
  constructor(
    readonly kind: DnsErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

export const PROVIDER_TYPES = ['powerdns', 'cloudflare', 'hestiacp'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** A zone as configured, with its decrypted credentials (never logged, never returned). */
export interface ZoneConfig {
  id: number;
  name: string;
  type: ProviderType;
  ttl: number;
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

export interface ProviderOptions {
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Attempts after the first, on transient errors only. */
  retries?: number;
  retryDelayMs?: number;
}
