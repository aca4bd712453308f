// The DNS layer: providers (PowerDNS, Cloudflare, HestiaCP), zones and matching, the record
// ledger and sync. See provisioner/README.md "dns/".
export * from './names.ts';
export * from './types.ts';
export { providerFor } from './providers.ts';
export { createDnsLayer, wantedRecords, type DnsLayer, type DnsLayerOptions, type DnsReport, type DnsTarget } from './sync.ts';
export { dnsTargetOf } from './target.ts';
export * from './zones.ts';
export { dnsStepResult, dnsSummary } from './step.ts';
export { openRdnsTicket } from './ticket.ts';
