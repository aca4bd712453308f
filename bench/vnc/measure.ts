// The measurements, each bounded in bytes, sessions and time, written against the Target
// interface so raw TCP, websockify and pvebridge run the very same code.
import fs from 'node:fs';
import { Reader, type Conn } from './conn.ts';

export type UpstreamKind = 'echo' | 'sink' | 'source' | 'banner' | 'xvnc';
/** raw TCP (no relay), socat (plain userspace relay), relay-tcp (pvebridge's relay, no WebSocket). */
export type TargetName = 'raw' | 'socat' | 'relay-tcp' | 'websockify' | 'pvebridge';

export interface Target {
  name: TargetName;
  /** The proxy's process (its children are summed: websockify forks per session). */
  pid?: number;
  open(kind: UpstreamKind): Promise<Conn>;
  /** Lets the proxy collect garbage before a memory reading (pvebridge: a GC on SIGUSR2). */
  settle?(): Promise<void>;
  /** Work the client would do anyway before connecting (pvebridge: mint n tickets). */
  prepare?(kind: UpstreamKind, n: number): void;
}

const MiB = 1024 * 1024;
const chunk = Buffer.alloc(256 * 1024, 0xa5);

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

async function upload(c: Conn, bytes: number): Promise<void> {
  const r = new Reader(c);
  await c.write(u64(bytes));
  for (let sent = 0; sent < bytes; sent += chunk.length)
    await c.write(bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent));
  await r.read(1);
}

function download(c: Conn, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    c.onData((d) => {
      got += d.length;
      if (got >= bytes) resolve();
    });
    void c.write(u64(bytes));
  });
}

/** CPU seconds (user + system) a process and its descendants used so far. */
export function treeCpuSeconds(pid: number): number {
  const c = treeCpu(pid);
  return c.user + c.sys;
}

/** CPU seconds in user space and in the kernel of a process and its descendants. */
export function treeCpu(pid: number): { user: number; sys: number } {
  let user = 0;
  let sys = 0;
  const visit = (p: number) => {
    try {
      const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime and the reaped children's cutime, cstime (fields 14–17): a forking relay's
      // per-session processes leave the tree when they exit, their time moves to the parent.
      user += Number(f[11]) + Number(f[13]);
      sys += Number(f[12]) + Number(f[14]);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        for (const child of fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      // the process ended while we looked
    }
  };
  visit(pid);
  return { user: user / 100, sys: sys / 100 }; // USER_HZ
}

/**
 * Aggregate MiB/s of `sessions` concurrent transfers sharing `totalBytes`, and the proxy's
 * CPU milliseconds per MiB relayed (steady under a noisy neighbour, unlike wall-clock rates).
 */
export async function bulk(
  t: Target,
  dir: 'upload' | 'download',
  sessions: number,
  totalBytes: number,
): Promise<{ mibps: number; cpuMsPerMib?: number; sysShare?: number }> {
  const per = Math.floor(totalBytes / sessions);
  const conns = await Promise.all(Array.from({ length: sessions }, () => t.open(dir === 'upload' ? 'sink' : 'source')));
  const cpu0 = t.pid ? treeCpu(t.pid) : { user: 0, sys: 0 };
  const t0 = performance.now();
  await withTimeout(Promise.all(conns.map((c) => (dir === 'upload' ? upload(c, per) : download(c, per)))), 60_000, `${t.name} ${dir}`);
  const s = (performance.now() - t0) / 1000;
  const mib = (per * sessions) / MiB;
  // Read before closing: a forking relay's children take their CPU time with them when they exit.
  const cpu1 = t.pid ? treeCpu(t.pid) : cpu0;
  for (const c of conns) c.close();
  if (!t.pid) return { mibps: mib / s };
  const [user, sys] = [cpu1.user - cpu0.user, cpu1.sys - cpu0.sys];
  return { mibps: mib / s, cpuMsPerMib: ((user + sys) * 1000) / mib, sysShare: user + sys > 0 ? sys / (user + sys) : undefined };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** 64-byte round trips through the echo upstream, one at a time: {p50, p99} in ms. */
export async function rtt(t: Target, n: number, warmup: number): Promise<{ p50: number; p99: number }> {
  const c = await t.open('echo');
  const r = new Reader(c);
  const msg = Buffer.alloc(64, 1);
  const samples: number[] = [];
  const run = async () => {
    for (let i = 0; i < n + warmup; i++) {
      const t0 = process.hrtime.bigint();
      await c.write(msg);
      await r.read(64);
      if (i >= warmup) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await withTimeout(run(), 60_000, `${t.name} rtt`);
  c.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Resident and proportional memory of a process and its descendants, in bytes. */
export function treeMemory(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  const visit = (p: number) => {
    try {
      const text = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(text)?.[1] ?? 0) * 1024;
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0) * 1024;
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        for (const child of fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      // the process ended while we looked
    }
  };
  visit(pid);
  return { rss, pss };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens n sessions (batches of 50, each proven live by an echo), then reads the proxy's PSS:
 * the growth per session, and the whole process (or process tree) with n sessions open.
 */
export async function idleMemory(t: Target, n: number): Promise<{ perSession: number; totalPss: number; totalRss: number }> {
  await t.settle?.();
  const base = treeMemory(t.pid!).pss;
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
    await withTimeout(run(), 60_000 + n * 20, `${t.name} idle sessions`);
    await sleep(1000);
    await t.settle?.();
    const m = treeMemory(t.pid!);
    return { perSession: (m.pss - base) / n, totalPss: m.pss, totalRss: m.rss };
  } finally {
    for (const c of conns) c.close();
    await sleep(t.name === 'websockify' || t.name === 'socat' ? 2000 : 500 + n / 10);
  }
}

/**
 * Complete setups (upgrade, ticket check, upstream dial, first upstream byte) per second, and
 * where the CPU of one setup goes (ms): the proxy, the load generator (this process: its own
 * TCP connect, and the WebSocket handshake a browser would do), and the upstream. The three
 * share the machine's cores, so their sum bounds the rate.
 */
export async function setups(
  t: Target,
  n: number,
  concurrency: number,
  upstreamPid?: number,
): Promise<{ perSecond: number; p99: number; cpuMs: { proxy?: number; client: number; upstream?: number } }> {
  let next = 0;
  const lat: number[] = [];
  t.prepare?.('banner', n);
  const worker = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      const c = await t.open('banner');
      await new Reader(c).read(12);
      lat.push(performance.now() - t0);
      c.close();
    }
  };
  const proxy0 = t.pid ? treeCpuSeconds(t.pid) : 0;
  const up0 = upstreamPid ? treeCpuSeconds(upstreamPid) : 0;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await withTimeout(Promise.all(Array.from({ length: concurrency }, worker)), 90_000, `${t.name} setups`);
  const s = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const cpuMs = {
    proxy: t.pid ? ((treeCpuSeconds(t.pid) - proxy0) * 1000) / n : undefined,
    client: (client.user + client.system) / 1000 / n,
    upstream: upstreamPid ? ((treeCpuSeconds(upstreamPid) - up0) * 1000) / n : undefined,
  };
  lat.sort((a, b) => a - b);
  return { perSecond: n / s, p99: percentile(lat, 99), cpuMs };
}

/**
 * Growth of the proxy's memory while a client has stopped reading a 1 GiB download: from the
 * moment it stalls (after a GC, so the garbage of the first 100 ms of streaming is not counted)
 * over `holdMs`. `total*` also counts from before the session opened, garbage included.
 */
export async function stalledReader(t: Target, holdMs: number): Promise<{ pss: number; rss: number; totalPss: number }> {
  await sleep(300);
  await t.settle?.();
  const before = treeMemory(t.pid!);
  const c = await t.open('source');
  await c.write(u64(1024 * MiB));
  let got = 0;
  c.onData((d) => (got += d.length));
  await sleep(100);
  c.pause();
  await sleep(200);
  await t.settle?.();
  const base = treeMemory(t.pid!);
  const peak = { pss: 0, rss: 0, totalPss: base.pss - before.pss };
  for (let waited = 0; waited < holdMs; waited += 100) {
    await sleep(100);
    const m = treeMemory(t.pid!);
    peak.pss = Math.max(peak.pss, m.pss - base.pss);
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.totalPss = Math.max(peak.totalPss, m.pss - before.pss);
  }
  c.close();
  if (got === 0) throw new Error(`${t.name}: the stalled-reader download never started`);
  return peak;
}

/** Xvnc (security None): connect, RFB handshake, ServerInit, one full raw framebuffer. ms. */
export async function xvncFullFrame(t: Target): Promise<number> {
  const t0 = performance.now();
  const c = await t.open('xvnc');
  const r = new Reader(c);
  await r.read(12);
  await c.write(Buffer.from('RFB 003.008\n'));
  const count = (await r.read(1))[0]!;
  const types = [...(await r.read(count))];
  if (!types.includes(1)) throw new Error(`Xvnc offers security types ${types}, not None`);
  await c.write(Buffer.from([1]));
  if ((await r.read(4)).readUInt32BE(0) !== 0) throw new Error('RFB security failed');
  await c.write(Buffer.from([1])); // ClientInit, shared
  const init = await r.read(24);
  const [w, h, bpp] = [init.readUInt16BE(0), init.readUInt16BE(2), init[4]!];
  await r.read(init.readUInt32BE(20)); // desktop name
  await c.write(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0])); // SetEncodings: Raw
  const req = Buffer.alloc(10);
  req.writeUInt8(3, 0);
  req.writeUInt16BE(w, 6);
  req.writeUInt16BE(h, 8);
  await c.write(req); // FramebufferUpdateRequest, non-incremental, whole screen
  let pixels = 0;
  while (pixels < w * h) {
    const head = await r.read(4);
    if (head[0] !== 0) throw new Error(`unexpected RFB message ${head[0]}`);
    for (let i = head.readUInt16BE(2); i > 0; i--) {
      const rect = await r.read(12);
      const area = rect.readUInt16BE(4) * rect.readUInt16BE(6);
      if (rect.readInt32BE(8) !== 0) continue; // pseudo-encodings carry no pixels here
      await r.skip(area * (bpp / 8));
      pixels += area;
    }
  }
  c.close();
  return performance.now() - t0;
}
