// Latency-shaped measurements: 64-byte round trips (the size of a key or pointer event) and
// the rate of small messages. Round trips run interleaved — one through each target in turn —
// so every target sees the same moments of a shared, noisy machine and the p99 ratios are
// fair; optionally with idle sessions held open on every target.
import { Reader, type Conn } from './conn.ts';
import { percentile, withTimeout, type Target } from './measure.ts';

/** n live sessions to echo, opened in batches of 50, each proven live by one echoed byte. */
export async function openIdle(t: Target, n: number, timeoutMs = 120_000): Promise<Conn[]> {
  const conns: Conn[] = [];
  const run = async () => {
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, async () => {
          const c = await t.open('echo');
          const r = new Reader(c);
          await c.write(Buffer.from([1]));
          await r.read(1);
          return c;
        }),
      );
      conns.push(...batch);
    }
  };
  try {
    await withTimeout(run(), timeoutMs, `${t.name}: ${n} idle sessions`);
  } catch (err) {
    for (const c of conns) c.close();
    throw err;
  }
  return conns;
}

export interface Rtt {
  p50: number;
  p99: number;
}

/** Round trips of 64 bytes through echo, the targets taking turns; ms per target. */
export async function rttInterleaved(targets: Target[], n: number, warmup: number, idle: number): Promise<Map<string, Rtt>> {
  const held: Conn[] = [];
  const lanes: Array<{ t: Target; c: Conn; r: Reader; samples: number[] }> = [];
  try {
    for (const t of targets) {
      if (idle) held.push(...(await openIdle(t, idle)));
      const c = await t.open('echo');
      lanes.push({ t, c, r: new Reader(c), samples: [] });
    }
    for (const t of targets) await t.settle?.();
    const msg = Buffer.alloc(64, 1);
    const run = async () => {
      for (let i = 0; i < n + warmup; i++) {
        for (const lane of lanes) {
          const t0 = process.hrtime.bigint();
          await lane.c.write(msg);
          await lane.r.read(64);
          if (i >= warmup) lane.samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }
    };
    await withTimeout(run(), 120_000, 'interleaved rtt');
  } finally {
    for (const c of [...held, ...lanes.map((l) => l.c)]) c.close();
  }
  await new Promise((r) => setTimeout(r, idle ? 3000 : 300)); // let forked anchors reap
  return new Map(
    lanes.map((l) => {
      l.samples.sort((a, b) => a - b);
      return [l.t.name, { p50: percentile(l.samples, 50), p99: percentile(l.samples, 99) }];
    }),
  );
}

/**
 * 64-byte messages through echo with up to `window` in flight (a burst of pointer events):
 * messages per second, and the proxy's CPU per message (µs) when its pid is known.
 */
export async function smallMessages(
  t: Target,
  count: number,
  window: number,
  cpuSeconds: (pid: number) => number,
): Promise<{ perSecond: number; cpuUsPerMsg?: number }> {
  const c = await t.open('echo');
  const msg = Buffer.alloc(64, 7);
  let received = 0;
  let sent = 0;
  let wake: (() => void) | undefined;
  c.onData((d) => {
    received += d.length;
    wake?.();
  });
  const cpu0 = t.pid ? cpuSeconds(t.pid) : 0;
  const t0 = performance.now();
  const run = async () => {
    while (received < count * 64) {
      if (sent < count && sent * 64 - received < window * 64) {
        sent++;
        const w = c.write(msg);
        if (w) await w;
        continue;
      }
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  };
  try {
    await withTimeout(run(), 60_000, `${t.name} small messages`);
  } finally {
    c.close();
  }
  const s = (performance.now() - t0) / 1000;
  return { perSecond: count / s, cpuUsPerMsg: t.pid ? ((cpuSeconds(t.pid) - cpu0) * 1e6) / count : undefined };
}
