// `npm run bench:vnc`: raw TCP (the limit), Debian's websockify and pvebridge's console proxy
// against the same loopback upstreams (echo/sink/source/banner and a real Xvnc), in one run.
// Prints one JSON line per figure, then a markdown table with the targets. Everything listens
// on 127.0.0.1, every loop is bounded, and every process started here is stopped by its id.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mintTicket, parseTicketKeys } from '../../common/console-ticket.ts';
import { startXvnc, type RunningXvnc } from '../../test/vncproxy/xvnc.ts';
import { freePort, startSocat, waitListening } from './anchors.ts';
import { connectRaw, connectWs } from './conn.ts';
import {
  bulk,
  idleMemory,
  withTimeout,
  setups,
  stalledReader,
  treeCpuSeconds,
  xvncFullFrame,
  type Target,
  type UpstreamKind,
} from './measure.ts';
import { rttInterleaved, smallMessages } from './measure-latency.ts';
import { printTable, type Figure } from './report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const RUNS = arg('runs', 3);
const BULK_MIB = arg('mib', 256);
const IDLE_SESSIONS = arg('idle', 1000);
const IDLE_SESSIONS_WEBSOCKIFY = arg('idle-websockify', 200); // one ~3.5 MB process each
const SETUPS = arg('setups', 2000);
const SETUPS_WEBSOCKIFY = arg('setups-websockify', 400);
const SETUP_CONCURRENCY = arg('setup-concurrency', 64); // browsers opening consoles at once
const RTT_IDLE = arg('rtt-idle', 500); // idle sessions held open on every target for the second RTT run
const RTT_N = arg('rtt', 2000);
const SMALL = arg('small', 50_000); // 64-byte messages, up to SMALL_WINDOW in flight
const SMALL_WINDOW = arg('small-window', 32);
/** Every relayed session holds two sockets in the proxy: the fd limit (not ours to raise) caps n. */
const fdLimit = Number(/^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 1024);
const IDLE_BIG = Math.min(arg('idle-big', 10_000), Math.floor((fdLimit - 200) / 2));
const ORIGIN = 'http://bench.invalid';
/** --only=raw,pvebridge and --metrics=upload,download,rtt,xvnc,setups,idle,stall narrow a run. */
const listArg = (name: string) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')[1]
    ?.split(',');
const ONLY = listArg('only');
const METRICS = listArg('metrics');
const wants = (m: string) => !METRICS || METRICS.includes(m);

const children: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
const figures: Figure[] = [];

function emit(f: Omit<Figure, 'bench'>): void {
  const line = { bench: 'vnc', ...f } as Figure;
  figures.push(line);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Starts a child in its own process group and waits for its first stdout line (JSON). */
async function startChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; info: Record<string, number> }> {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
    setTimeout(() => reject(new Error(`${cmd} did not start`)), 15_000).unref();
  });
  return { child, info: JSON.parse(line) as Record<string, number> };
}

async function startWebsockify(ports: Record<UpstreamKind, number>): Promise<{ port: number; pid: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-bench-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tokens = path.join(dir, 'tokens.cfg');
  fs.writeFileSync(
    tokens,
    Object.entries(ports)
      .map(([k, p]) => `${k}: 127.0.0.1:${p}\n`)
      .join(''),
  );
  const port = await freePort();
  const child = spawn('websockify', ['--token-plugin', 'TokenFile', '--token-source', tokens, `127.0.0.1:${port}`], {
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
  await waitListening(port);
  return { port, pid: child.pid! };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function repeat(f: () => Promise<number>): Promise<{ value: number; min: number; max: number }> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await f());
  return { value: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

let upstreamPid: number | undefined;
const forks = (t: Target) => t.name === 'websockify' || t.name === 'socat'; // a process per session

async function measureTarget(t: Target, has: { idle: boolean; idleBig?: boolean; stall: boolean }): Promise<void> {
  if (ONLY && !ONLY.includes(t.name)) return;
  // Memory first, on a fresh proxy: after the bulk phases its heap has room to spare, which
  // would hide what sessions cost.
  if (has.idle && wants('idle')) {
    const idle = forks(t) ? IDLE_SESSIONS_WEBSOCKIFY : IDLE_SESSIONS;
    const m = await idleMemory(t, idle);
    emit({ target: t.name, metric: 'memory_per_idle_session', sessions: idle, value: round(m.perSession / 1024), unit: 'KiB (PSS)' });
  }
  if (has.idleBig && wants('idle')) {
    const m = await idleMemory(t, IDLE_BIG);
    emit({
      target: t.name,
      metric: 'memory_idle_sessions_total',
      sessions: IDLE_BIG,
      value: round(m.totalPss / 1024 / 1024),
      unit: 'MiB (PSS, whole process)',
      rss_mib: round(m.totalRss / 1024 / 1024),
      per_session_kib: round(m.perSession / 1024),
      fd_limit: fdLimit,
    });
  }
  if (has.stall && wants('stall')) {
    const g = await stalledReader(t, 3000);
    emit({
      target: t.name,
      metric: 'stalled_reader_growth',
      sessions: 1,
      value: round(g.pss / 1024 / 1024, 2),
      unit: 'MiB (PSS)',
      rss_mib: round(g.rss / 1024 / 1024, 2),
      since_session_start_mib: round(g.totalPss / 1024 / 1024, 2),
    });
  }
  // Warm-up (JIT, buffers, forks), not reported.
  if (wants('upload')) await bulk(t, 'upload', 4, 64 * 1024 * 1024);
  if (wants('download')) await bulk(t, 'download', 4, 64 * 1024 * 1024);
  for (const dir of (['upload', 'download'] as const).filter(wants)) {
    for (const sessions of [1, 4, 16]) {
      const cpu: number[] = [];
      const sys: number[] = [];
      const r = await repeat(async () => {
        const b = await bulk(t, dir, sessions, BULK_MIB * 1024 * 1024);
        if (b.cpuMsPerMib !== undefined) cpu.push(b.cpuMsPerMib);
        if (b.sysShare !== undefined) sys.push(b.sysShare);
        return b.mibps;
      });
      emit({
        target: t.name,
        metric: `${dir}_throughput`,
        sessions,
        value: round(r.value),
        unit: 'MiB/s',
        min: round(r.min),
        max: round(r.max),
        runs: RUNS,
      });
      if (cpu.length)
        emit({
          target: t.name,
          metric: `${dir}_proxy_cpu`,
          sessions,
          value: round(median(cpu), 3),
          unit: 'CPU ms/MiB',
          min: round(Math.min(...cpu), 3),
          max: round(Math.max(...cpu), 3),
          kernel_share: sys.length ? round(median(sys), 2) : undefined,
        });
    }
  }
  if (wants('small')) {
    const m = await smallMessages(t, SMALL, SMALL_WINDOW, treeCpuSeconds);
    emit({
      target: t.name,
      metric: 'small_messages_per_second',
      sessions: 1,
      value: Math.round(m.perSecond),
      unit: 'msg/s (64 B, echo)',
      window: SMALL_WINDOW,
      proxy_cpu_us_per_msg: m.cpuUsPerMsg === undefined ? undefined : round(m.cpuUsPerMsg, 2),
    });
  }
  if (wants('xvnc')) {
    const frames: number[] = [];
    for (let i = 0; i < 10; i++) frames.push(await withTimeout(xvncFullFrame(t), 10_000, `${t.name} xvnc frame`));
    emit({ target: t.name, metric: 'xvnc_connect_to_full_frame', sessions: 1, value: round(median(frames), 2), unit: 'ms' });
  }
  if (wants('setups')) {
    const n = forks(t) ? SETUPS_WEBSOCKIFY : SETUPS;
    const s = await setups(t, n, SETUP_CONCURRENCY, upstreamPid);
    const ms = (v: number | undefined) => (v === undefined ? undefined : round(v, 3));
    emit({
      target: t.name,
      metric: 'setups_per_second',
      sessions: n,
      value: round(s.perSecond),
      unit: 'sessions/s',
      concurrency: SETUP_CONCURRENCY,
      p99_ms: round(s.p99, 2),
      cpu_ms_per_setup: { proxy: ms(s.cpuMs.proxy), client: ms(s.cpuMs.client), upstream: ms(s.cpuMs.upstream) },
    });
    await new Promise((r) => setTimeout(r, forks(t) ? 2000 : 300)); // closed sessions wind down
  }
}

/** Round trips with every target taking turns: alone, then with RTT_IDLE idle sessions on each. */
async function measureRtt(targets: Target[]): Promise<void> {
  if (!wants('rtt')) return;
  const chosen = targets.filter((t) => !ONLY || ONLY.includes(t.name));
  for (const idle of [0, RTT_IDLE]) {
    const res = await rttInterleaved(chosen, RTT_N, 200, idle);
    const suffix = idle ? `_idle${idle}` : '';
    for (const [name, r] of res) {
      const target = name as Target['name'];
      emit({ target, metric: `rtt_64b_p50${suffix}`, sessions: 1 + idle, value: round(r.p50, 3), unit: 'ms', interleaved: chosen.length });
      emit({ target, metric: `rtt_64b_p99${suffix}`, sessions: 1 + idle, value: round(r.p99, 3), unit: 'ms', interleaved: chosen.length });
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const tsx = ['--import', 'tsx'];
  const { child: upChild, info: up } = await startChild(process.execPath, [...tsx, path.join(here, 'upstream-process.ts')]);
  upstreamPid = upChild.pid;
  let xvnc: RunningXvnc | undefined;
  try {
    xvnc = await startXvnc({ password: 'benchpw1', colour: '#2060a0', security: 'None' });
    const ports = { ...up, xvnc: xvnc.port } as Record<UpstreamKind, number>;
    const secret = `bench:${'s'.repeat(40)}`;
    const keys = parseTicketKeys(secret);
    const { child: proxyChild, info: proxy } = await startChild(
      process.execPath,
      [
        ...tsx,
        '--expose-gc',
        ...(process.env.BENCH_PROXY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        path.join(here, 'proxy-process.ts'),
      ],
      { BENCH_TICKET_SECRET: secret },
    );
    const wsfy = await startWebsockify(ports);
    const socat = await startSocat(ports);
    children.push(socat.child);
    const { child: relayChild, info: relayPorts } = await startChild(
      process.execPath,
      [
        ...tsx,
        '--expose-gc',
        ...(process.env.BENCH_RELAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        path.join(here, 'tcp-relay-process.ts'),
      ],
      { BENCH_UPSTREAMS: JSON.stringify(ports) },
    );
    let sid = 0;
    const mint = (kind: UpstreamKind) => {
      const service = (sid = (sid % 1e9) + 1);
      const { ticket } = mintTicket(keys, {
        sid: service,
        srv: 1,
        vmid: 100,
        node: 'bench',
        host: '127.0.0.1',
        port: ports[kind],
        mode: 'tcp',
      });
      return { kind, service, ticket };
    };
    const minted: Array<ReturnType<typeof mint>> = [];

    const raw: Target = { name: 'raw', open: (k) => connectRaw(ports[k]) };
    const socatT: Target = { name: 'socat', pid: socat.child.pid, open: (k) => connectRaw(socat.ports[k]!) };
    const relayTcp: Target = {
      name: 'relay-tcp',
      pid: relayChild.pid,
      async settle() {
        relayChild.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 300));
      },
      open: (k) => connectRaw(relayPorts[k]!),
    };
    const websockify: Target = {
      name: 'websockify',
      pid: wsfy.pid,
      open: (k) => connectWs(`ws://127.0.0.1:${wsfy.port}/?token=${k}`, ORIGIN),
    };
    const pvebridge: Target = {
      name: 'pvebridge',
      pid: proxyChild.pid,
      async settle() {
        proxyChild.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 300));
      },
      // The gateway mints tickets, not the browser: the setup rate measures the proxy's side
      // (verification, one-time consume, allowlist, dial), so tickets are minted beforehand.
      prepare(k, n) {
        for (let i = 0; i < n; i++) minted.push(mint(k));
      },
      open(k) {
        const m = minted.length && minted[0]!.kind === k ? minted.shift()! : mint(k);
        return connectWs(`ws://127.0.0.1:${proxy.port}/ws/${m.service}?ticket=${m.ticket}`, ORIGIN);
      },
    };
    await measureTarget(raw, { idle: false, stall: false });
    await measureTarget(socatT, { idle: true, stall: false });
    await measureTarget(relayTcp, { idle: true, stall: false });
    await measureTarget(websockify, { idle: true, stall: true });
    await measureTarget(pvebridge, { idle: true, idleBig: true, stall: true });
    await measureRtt([raw, socatT, relayTcp, websockify, pvebridge]);
    emit({ target: 'pvebridge', metric: 'bench_wall_time', sessions: 0, value: round((Date.now() - started) / 1000), unit: 's' });
    printTable(figures, { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version });
  } finally {
    await xvnc?.stop();
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const clean of cleanups) clean();
  }
}

await main();
