// Kept for importers: the DNS layer lives in provisioner/dns/.
export * from './dns/index.ts';
