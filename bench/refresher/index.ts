// `npm run bench:refresher`: the live-state refresher and the client overview at scale.
//  (a) one refresher tick over N VMs (default 10,000) on S simulated Proxmox servers (default 3, each
//      its own process, bulk-seeded: sim-process.ts):
//      Proxmox calls per tick (must be O(servers)), database statements, wall time — against the
//      per-VM polling anchor (one status/current per VM; measured on a sample, scaled to N);
//  (b) the client overview through the signed ClientArea route of the in-process gateway at a
//      fixed open-loop rate (default 200 requests/s, latency from the scheduled send time), p50/p99
//      — idle and with the refresher ticking — against the anchor of asking Proxmox on every read.
// On SQLite and MariaDB (--db=sqlite,mysql). One JSON line per figure, then a markdown table.
// Loopback only; every loop is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import readline from 'node:readline';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import type { Dialect } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext } from '../../gateway/context.ts';
import { overviewVars } from '../../gateway/whmcs/client-area.ts';
import { proxmoxForServer } from '../../provisioner/servers.ts';
import { liveStack, TOKEN, type BulkVm, type LiveStack, type RemoteSim } from '../../test/provisioner/refresher-support.ts';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const DBS = arg('db', 'sqlite,mysql').split(',') as Dialect[];
const VMS = Number(arg('vms', '10000'));
const SERVERS = Number(arg('servers', '3'));
const TICKS = Number(arg('ticks', '3'));
const WATCHED = Number(arg('watched', '20'));
const RPS = Number(arg('rps', '200'));
const SECONDS = Number(arg('seconds', '10'));
const ANCHOR_SAMPLE = Number(arg('anchor-sample', '200'));
const ONLY = arg('only', 'all'); // all | ticks | overview
const WARMUP_S = Number(arg('warmup-seconds', '1'));
const SECRET = 'bench-shared-secret-0123456789abcdef0123';

interface Figure {
  bench: 'refresher';
  db: Dialect;
  metric: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}
const figures: Figure[] = [];
const emit = (db: Dialect, metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) => {
  const f: Figure = { bench: 'refresher', db, metric, value: Number(value.toFixed(3)), unit, ...extra };
  figures.push(f);
  process.stdout.write(`${JSON.stringify(f)}\n`);
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]) => quantile(xs, 0.5);

interface SimProcess extends RemoteSim {
  vms: BulkVm[];
  child: ChildProcess;
}

/** Starts one simulator process with `vms` VMs and waits for its JSON line. */
async function simProcess(vms: number): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/refresher/sim-process.ts', `--token=${TOKEN}`, `--vms=${vms}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
  });
  return { ...(JSON.parse(line) as Omit<SimProcess, 'child'>), child };
}

/** The simulators' request logs (their /__sim control API), cleared after reading. */
async function takeRequests(sims: SimProcess[]): Promise<{ method: string; path: string }[]> {
  const out: { method: string; path: string }[] = [];
  for (const sim of sims) {
    const headers = { authorization: `PVEAPIToken=${sim.tokenId}=${sim.secret}` };
    const res = await fetch(`${sim.url}/__sim/requests`, { headers });
    out.push(...((await res.json()) as { data: { method: string; path: string }[] }).data);
    await fetch(`${sim.url}/__sim/requests`, { method: 'DELETE', headers });
  }
  return out;
}

async function build(db: Dialect, sims: SimProcess[]): Promise<{ s: LiveStack; services: number[] }> {
  const s = await liveStack(db, { remote: sims, env: { PVEBRIDGE_SHARED_SECRET: SECRET } });
  const services: number[] = [];
  for (let i = 0; i < sims.length; i++) services.push(...(await s.addBulk(sims[i]!.vms, i)));
  return { s, services };
}

/** (a) ticks: Proxmox requests the simulators received, statements knex sent, wall time. */
async function ticks(db: Dialect, s: LiveStack, services: number[], sims: SimProcess[]): Promise<void> {
  const r = s.refresher();
  for (const id of services.slice(0, WATCHED)) r.watch(id);
  const statementsOf: number[] = [];
  const walls: number[] = [];
  let lastLists = 0;
  let lastDetails = 0;
  for (let i = 0; i < TICKS; i++) {
    let statements = 0;
    const count = (q: { sql: string }) => void (/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/i.test(q.sql) ? 0 : statements++);
    await takeRequests(sims);
    s.t.db.on('query', count);
    const t0 = performance.now();
    const report = await r.tick();
    const wall = performance.now() - t0;
    s.t.db.off('query', count);
    const requests = (await takeRequests(sims)).filter((q) => !q.path.startsWith('/__sim'));
    const lists = requests.filter((q) => q.path === '/cluster/resources').length;
    const details = requests.filter((q) => q.path.endsWith('/status/current')).length;
    if (report.vms !== VMS || lists !== SERVERS) throw new Error(`tick ${i}: ${report.vms} VMs, ${lists} listings`);
    const tag = i === 0 ? 'first (inserts)' : 'steady';
    emit(db, `tick ${i + 1} ${tag}: Proxmox calls`, requests.length, 'calls', { listings: lists, statusCurrent: details });
    emit(db, `tick ${i + 1} ${tag}: database statements`, statements, 'statements', { ofTick: report.statements });
    emit(db, `tick ${i + 1} ${tag}: wall time`, wall, 'ms');
    lastLists = lists;
    lastDetails = details;
    if (i > 0) {
      statementsOf.push(statements);
      walls.push(wall);
    }
  }
  await r.stop();
  emit(db, 'steady tick: /cluster/resources calls per server', lastLists / SERVERS, 'calls/server', { target: '1' });
  emit(db, 'steady tick: status/current calls (watched VMs only)', lastDetails, 'calls', { watched: WATCHED });
  emit(db, 'steady tick: database statements (median)', median(statementsOf), 'statements');
  emit(db, 'steady tick: wall time (median)', median(walls), 'ms');
  // Anchor: polling every VM's status/current, measured sequentially on a sample and scaled.
  const pve = await proxmoxForServer(s.t.db, s.config, s.serverIds[0]!);
  const sample = sims[0]!.vms.slice(0, ANCHOR_SAMPLE);
  const t0 = performance.now();
  for (const vm of sample) await pve.nodes(vm.node).qemu(vm.vmid).status.current.get();
  const perVm = (performance.now() - t0) / sample.length;
  await pve.close();
  emit(db, 'anchor: per-VM polling, Proxmox calls per tick', VMS, 'calls');
  emit(db, 'anchor: per-VM polling, wall time (sequential, scaled)', perVm * VMS, 'ms', { sample: sample.length });
}

/** Sends the signed ClientArea calls at RPS for SECONDS (open loop) and returns the latencies. */
async function load(url: string, services: number[], clientId: number, onTick?: () => void, count?: number): Promise<number[]> {
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  const total = count ?? RPS * SECONDS;
  const latencies: number[] = [];
  const start = performance.now() + 50;
  let failures = 0;
  const one = async (i: number) => {
    const due = start + (i * 1000) / RPS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const path = '/v1/whmcs/ClientArea';
    const body = JSON.stringify({ actor: { type: 'client', id: clientId }, params: { serviceid: services[(i * 7919) % services.length] } });
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signRequest(SECRET, { method: 'POST', path, body }) },
      body,
      dispatcher,
    });
    const json = (await res.json()) as { vars?: { power?: string } };
    if (res.status !== 200 || !json.vars) failures++;
    latencies.push(performance.now() - due);
    if (i === Math.floor(total / 2)) onTick?.();
  };
  await Promise.all(Array.from({ length: total }, (_, i) => one(i)));
  await dispatcher.close();
  if (failures) throw new Error(`${failures} overview calls failed`);
  return latencies;
}

/** (b) the overview through the gateway: idle, during ticks, and the ask-Proxmox anchor. */
async function overview(db: Dialect, s: LiveStack, services: number[], sims: SimProcess[]): Promise<void> {
  const ctx = createContext(s.config, { db: s.t.db, log: silentLogger });
  const refresher = s.refresher();
  ctx.refresher = refresher;
  await refresher.tick();
  const server = http.createServer(buildApp(ctx));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // Warm-up (JIT, keep-alive sockets, statement caches): sent at the same rate, not counted.
    if (WARMUP_S > 0) await load(url, services, s.seeded.clientId, undefined, Math.round(RPS * WARMUP_S));
    const idle = await load(url, services, s.seeded.clientId);
    emit(db, `overview p50 at ${RPS}/s (cache, idle)`, quantile(idle, 0.5), 'ms', { requests: idle.length });
    emit(db, `overview p99 at ${RPS}/s (cache, idle)`, quantile(idle, 0.99), 'ms', { requests: idle.length, target: '≤ 10' });
    // The same rate straight into overviewVars (no HTTP, no signature, no nonce ledger).
    const direct: number[] = [];
    const t0 = performance.now() + 20;
    await Promise.all(
      Array.from({ length: RPS * SECONDS }, async (_, i) => {
        const due = t0 + (i * 1000) / RPS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await overviewVars(ctx, services[(i * 7919) % services.length]!);
        direct.push(performance.now() - due);
      }),
    );
    emit(db, `overviewVars p99 at ${RPS}/s (in-process call)`, quantile(direct, 0.99), 'ms', { requests: direct.length });
    const busy = await load(url, services, s.seeded.clientId, () => void refresher.tick());
    emit(db, `overview p99 at ${RPS}/s (cache, a tick in the middle)`, quantile(busy, 0.99), 'ms', { requests: busy.length });
    // Anchor: every read asks Proxmox (what the read path must never do), same rate, sampled. The
    // simulator answers from memory; a real pveproxy adds its own work and the network.
    const pve = await proxmoxForServer(s.t.db, s.config, s.serverIds[0]!);
    const vmids = sims[0]!.vms;
    const live: number[] = [];
    const start = performance.now() + 20;
    const n = Math.min(RPS * 2, vmids.length);
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const due = start + (i * 1000) / RPS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const vm = vmids[(i * 7919) % vmids.length]!;
        await pve.nodes(vm.node).qemu(vm.vmid).status.current.get();
        live.push(performance.now() - due);
      }),
    );
    await pve.close();
    emit(db, `anchor: ask Proxmox per read, p99 at ${RPS}/s`, quantile(live, 0.99), 'ms', { requests: live.length });
  } finally {
    await refresher.stop();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function table(): void {
  const rows = figures.map((f) => `| ${f.db} | ${f.metric} | ${f.value} | ${f.unit} | ${String(f.target ?? '')} |`);
  process.stdout.write(`\n| db | metric | value | unit | target |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
}

const per = Math.ceil(VMS / SERVERS);
const sims: SimProcess[] = [];
for (let i = 0; i < SERVERS; i++) sims.push(await simProcess(Math.min(per, VMS - i * per)));
try {
  for (const db of DBS) {
    const t0 = performance.now();
    const { s, services } = await build(db, sims);
    emit(db, 'set-up (services, records)', performance.now() - t0, 'ms', { vms: VMS, servers: SERVERS });
    try {
      if (ONLY !== 'overview') await ticks(db, s, services, sims);
      if (ONLY !== 'ticks') await overview(db, s, services, sims);
    } finally {
      await s.close();
    }
  }
} finally {
  for (const sim of sims) sim.child.kill('SIGTERM');
}
table();
process.exit(0);
