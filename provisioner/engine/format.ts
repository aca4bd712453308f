// Live output lines in the spec's v3.0 format (Deploy Process, Scheduled Tasks). Every line is
// handed to the sink as soon as it exists; nothing is buffered until the end.

export type Output = (line: string) => void;

export const silentOutput: Output = () => {};

const secs = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** "2026-04-10 03:49:18" in UTC. */
export function stamp(t = Date.now()): string {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}

export const runHeader = (title: string, serviceId: number, vmid: number | null, state: string) =>
  `--- ${title}: service=${serviceId} vm=${vmid ?? '-'} status=${state} ---`;

export const stepSuccess = (n: number, label: string, from: string, to: string, ms: number, skipReason?: string) =>
  `[+] ${n}. ${label}${skipReason ? ` (skip — ${skipReason})` : ''} success (${from} -> ${to}) [${secs(ms)}]`;

export const stepWaiting = (n: number, label: string, reason: string, from: string, to: string, ms: number) =>
  `[~] ${n}. ${label} waiting: ${reason} (${from} -> ${to}) [${secs(ms)}]`;

export const stepError = (
  n: number,
  label: string,
  error: string,
  from: string,
  to: string,
  ms: number,
  retryMs: number,
  attempt: number,
) => `[-] ${n}. ${label} error: ${error} (${from} -> ${to}) — retry in ${secs(retryMs)} (attempt ${attempt}) [${secs(ms)}]`;

export const runComplete = (title: string, serviceId: number, state: string) =>
  `--- ${title} complete: service=${serviceId} status=${state} ---`;

export const runPaused = (title: string, state: string) => `--- ${title} paused: waiting at (${state}) ---`;

export const sidLine = (serviceId: number, action: string, result: string) =>
  `${stamp()} sid:${serviceId} action:${action} result:${result}`;

/** Single-line text of an error for logs and output. */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s+/g, ' ').trim() || 'unknown error';
}
