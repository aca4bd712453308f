// set_dns_records → ready (spec: "Queued DNS resync … then returns to ready"): one step that
// syncs the VM's records — creates missing ones, fixes wrong ones, deletes stale ones we own.
// Queued by the admin command Set DNS records, by saving rDNS names (admin tab, client page)
// and by the addon's Sync DNS action. Provider errors are logged per record and never hold the
// VM here (invariant 6): the next sync repairs what failed.
import { dnsStepResult, dnsTargetOf } from '../dns/index.ts';
import type { Pipeline } from '../engine/types.ts';
import type { LifecycleEnv } from './lifecycle-steps.ts';

export const setDnsRecordsPipeline: Pipeline<LifecycleEnv> = {
  action: 'set_dns_records',
  title: 'SetDNSRecords',
  final: 'ready',
  steps: [
    {
      from: 'set_dns_records',
      to: 'ready',
      label: 'Sync DNS records',
      run: async (ctx) => dnsStepResult(await ctx.env.dns.sync(await dnsTargetOf(ctx.db, ctx.vm), ctx.say)),
    },
  ],
};
