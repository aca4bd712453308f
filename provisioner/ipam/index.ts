// IPAM: pools per server, the legacy "Assigned IP Addresses" list, atomic allocation.
export * from './address.ts';
export * from './pools.ts';
export * from './allocate.ts';
