// Waiting for Proxmox tasks without hammering the API or noticing the end late: per task type
// (qmclone, resize, qmstart, …) the shortest recent duration is remembered; the first poll comes
// shortly before it, then polls are short. The minimum, not an average: our own delays (a busy
// event loop) only ever lengthen what we observe, and must not feed back into longer sleeps.
// A wait never re-sends anything.
import type { TaskOptions, TaskPoll } from '../engine/types.ts';
import { ProxmoxError, type ProxmoxClient } from '../proxmox/index.ts';

const WINDOW = 20;
const recent = new Map<string, number[]>(); // task type → last observed durations (ms)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Type and start time (ms) from a UPID (UPID:node:pid:pstart:starttime:type:id:user:). */
export function upidInfo(upid: string): { type: string; startMs: number } | undefined {
  const f = upid.split(':');
  if (f.length < 8 || f[0] !== 'UPID') return undefined;
  return { type: f[5]!, startMs: parseInt(f[4]!, 16) * 1000 };
}

export function learnTaskDuration(type: string, ms: number): void {
  const list = recent.get(type) ?? [];
  list.push(ms);
  if (list.length > WINDOW) list.shift();
  recent.set(type, list);
}

export function expectedTaskMs(type: string): number | undefined {
  const list = recent.get(type);
  return list?.length ? Math.min(...list) : undefined;
}

/** TaskOptions for ctx.task over a Proxmox client; `pollMs` bounds the pause between polls. */
export function proxmoxTaskOptions(pve: ProxmoxClient, what: string, timeoutMs: number, pollMs: number): TaskOptions {
  return {
    what,
    timeoutMs,
    async waitFor(upid, ms): Promise<TaskPoll> {
      const info = upidInfo(upid);
      const began = Date.now();
      const expected = info ? expectedTaskMs(info.type) : undefined;
      // UPID start times have one-second resolution: only trust them for the elapsed part.
      const elapsed = info ? Math.max(0, began - info.startMs - 1000) : 0;
      if (expected !== undefined) await sleep(Math.min(ms, Math.max(0, expected * 0.8 - elapsed)));
      try {
        const r = await pve.waitTask(upid, { timeoutMs: Math.max(1, ms - (Date.now() - began)), pollIntervalMs: pollMs });
        if (info && elapsed === 0) learnTaskDuration(info.type, Date.now() - began);
        return { exitstatus: r.exitstatus };
      } catch (err) {
        if (err instanceof ProxmoxError && err.upid === upid && /still running/.test(err.message)) return 'running';
        throw err;
      }
    },
  };
}
