// Waiting for a task: polls /nodes/{node}/tasks/{upid}/status until it stops. A poll error ends
// the wait (it is not retried here); the caller keeps the UPID and may wait again later —
// nothing here ever re-sends the task.
import { kindOfText, ProxmoxError } from './errors.ts';
import type { Transport } from './transport.ts';
import type { TaskResult, TaskStatus, Upid } from './types.ts';

export interface WaitOptions {
  /** Longest pause between polls (ms); polling starts faster and backs off to this. */
  pollIntervalMs?: number;
  /** Give up (kind 'transient') when the task still runs after this long. */
  timeoutMs?: number;
}

const UPID_NODE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):/;

export function nodeOfUpid(upid: Upid): string {
  const m = UPID_NODE.exec(upid);
  if (!m) throw new ProxmoxError('parameter', `not a UPID: '${upid}'`, 0, { upid: 'unable to parse worker upid' });
  return m[1]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isTaskOk(exitstatus: string): boolean {
  return exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus);
}

export async function waitTask(t: Transport, node: string, upid: Upid, opts: WaitOptions = {}): Promise<TaskResult> {
  const maxPause = opts.pollIntervalMs ?? 1000;
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let pause = Math.min(50, maxPause);
  const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`;
  for (;;) {
    const s = await t.call<TaskStatus>('GET', path);
    if (s.status === 'stopped') {
      const exitstatus = s.exitstatus ?? 'unexpected status';
      return { upid, node, type: s.type, id: s.id, exitstatus, ok: isTaskOk(exitstatus) };
    }
    if (Date.now() >= deadline) throw new ProxmoxError('transient', `task ${upid} still running`, 0, {}, upid);
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(maxPause, pause * 2);
  }
}

/** A failed task as an error of the right kind (e.g. "VM is locked (clone)" → locked). */
export function taskError(r: TaskResult): ProxmoxError {
  return new ProxmoxError(kindOfText(r.exitstatus), r.exitstatus, 0, {}, r.upid);
}
