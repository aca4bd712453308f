// How a pipeline step reports a DNS pass: skipped when nothing is configured or matches,
// otherwise done with a summary and one VM log line per record (never a failure: invariant 6).
import { done, skip, type StepResult } from '../engine/types.ts';
import type { DnsReport } from './sync.ts';

export function dnsSummary(r: DnsReport): string {
  return `${r.ok} ok, ${r.errors} failed${r.conflicts ? `, ${r.conflicts} left alone (not ours)` : ''}`;
}

export function dnsStepResult(r: DnsReport): StepResult {
  if (r.lines.length === 0) return skip(r.zones === 0 ? 'no DNS zones configured' : 'no matching DNS zone');
  return done([`DNS ${dnsSummary(r)}`, ...r.lines].join('\n'));
}
