// `npm run bench:vnc`: raw TCP (the limit), Debian's websockify and pvebridge's console proxy
// against the same loopback upstreams (echo/sink/source/banner and a real Xvnc), in one run.
// Prints one JSON line per figure, then a markdown table with the targets. Everything listens
// on 127.0.0.1, every loop is bounded, and every process started here is stopped by its id.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mintTicket, parseTicketKeys } from '../../common/console-ticket.ts';
import { startXvnc, type RunningXvnc } from '../../test/vncproxy/xvnc.ts';
import { connectRaw, connectWs } from './conn.ts';
import { bulk, idleMemory, withTimeout, rtt, setups, stalledReader, xvncFullFrame, type Target, type UpstreamKind } from './measure.ts';
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

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
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

async function measureTarget(t: Target, has: { idle: boolean; stall: boolean }): Promise<void> {
  if (ONLY && !ONLY.includes(t.name)) return;
  // Memory first, on a fresh proxy: after the bulk phases its heap has room to spare, which
  // would hide what sessions cost.
  if (has.idle && wants('idle')) {
    const idle = t.name === 'websockify' ? IDLE_SESSIONS_WEBSOCKIFY : IDLE_SESSIONS;
    emit({
      target: t.name,
      metric: 'memory_per_idle_session',
      sessions: idle,
      value: round((await idleMemory(t, idle)) / 1024),
      unit: 'KiB (PSS)',
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
      const r = await repeat(async () => {
        const b = await bulk(t, dir, sessions, BULK_MIB * 1024 * 1024);
        if (b.cpuMsPerMib !== undefined) cpu.push(b.cpuMsPerMib);
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
      if (cpu.length) emit({ target: t.name, metric: `${dir}_proxy_cpu`, sessions, value: round(median(cpu), 3), unit: 'CPU ms/MiB' });
    }
  }
  if (wants('rtt')) {
    // Latency of a console session, not of collecting the bulk phases' garbage.
    await t.settle?.();
    const lat = await rtt(t, 2000, 200);
    emit({ target: t.name, metric: 'rtt_64b_p50', sessions: 1, value: round(lat.p50, 3), unit: 'ms' });
    emit({ target: t.name, metric: 'rtt_64b_p99', sessions: 1, value: round(lat.p99, 3), unit: 'ms' });
  }
  if (wants('xvnc')) {
    const frames: number[] = [];
    for (let i = 0; i < 10; i++) frames.push(await withTimeout(xvncFullFrame(t), 10_000, `${t.name} xvnc frame`));
    emit({ target: t.name, metric: 'xvnc_connect_to_full_frame', sessions: 1, value: round(median(frames), 2), unit: 'ms' });
  }
  if (wants('setups')) {
    const n = t.name === 'websockify' ? SETUPS_WEBSOCKIFY : SETUPS;
    const s = await setups(t, n, SETUP_CONCURRENCY);
    emit({
      target: t.name,
      metric: 'setups_per_second',
      sessions: n,
      value: round(s.perSecond),
      unit: 'sessions/s',
      concurrency: SETUP_CONCURRENCY,
      p99_ms: round(s.p99, 2),
    });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const tsx = ['--import', 'tsx'];
  const { info: up } = await startChild(process.execPath, [...tsx, path.join(here, 'upstream-process.ts')]);
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
    await measureTarget(websockify, { idle: true, stall: true });
    await measureTarget(pvebridge, { idle: true, stall: true });
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
