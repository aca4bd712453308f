// `npm run bench:deploy`: how close the deploy pipeline gets to the time Proxmox itself needs.
//  (a) one deploy (full clone on the template node, offline migration, resizes, additional disk,
//      start): wall time from the kick to `ready` against the sum of the simulated task durations;
//  (b) N VMs (default 1000) over a simulated 10-node cluster: wall time against the
//      per-node-concurrency ideal (each node's task time divided by its slot count, slowest node),
//      and against a sequential one-VM-at-a-time baseline (measured on a sample, scaled to N).
// One JSON line per figure, then a markdown table. Loopback only; every loop is bounded.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../common/log.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { createRunner } from '../../provisioner/pipelines/runtime.ts';
import { createVmRecord } from '../../provisioner/vm-record.ts';
import { deployStack, waitForState, type Stack } from '../../test/provisioner/harness.ts';
import { clusterStack, manyTaskSeconds, taskSecondsByVm } from './cluster.ts';
import { idleTick } from './tick.ts';
import { Transport } from '../../provisioner/proxmox/transport.ts';

/** Proxmox API calls by method and path shape (ids stripped), counted at the transport. */
const calls = new Map<string, number>();
const call = Transport.prototype.call;
Transport.prototype.call = function (this: Transport, method, path, ...rest) {
  const k = `${method} ${path
    .replace(/\/nodes\/[^/]+/, '/nodes/NODE')
    .replace(/\/\d+/g, '/N')
    .replace(/UPID[^/]*/g, 'UPID')}`;
  calls.set(k, (calls.get(k) ?? 0) + 1);
  return call.call(this, method, path, ...rest) as never;
} as typeof call;

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const DB = arg('db', 'sqlite') as Dialect;
const SCALE_ONE = Number(arg('scale-one', '0.5'));
const VMS = Number(arg('vms', '1000'));
const NODES = Number(arg('nodes', '10'));
const PER_NODE = Number(arg('node-concurrency', '4'));
const SCALE_MANY = Number(arg('scale-many', '0.5'));
const SEQ_SAMPLE = Number(arg('sequential-sample', '10'));
const LIMIT_MS = Number(arg('max-seconds', '600')) * 1000;

interface Figure {
  bench: 'deploy';
  metric: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}
const figures: Figure[] = [];
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) => {
  const f: Figure = { bench: 'deploy', metric, value: Number(value.toFixed(4)), unit, ...extra };
  figures.push(f);
  process.stdout.write(`${JSON.stringify(f)}\n`);
};

const runtime = (pollIntervalMs: number) => ({
  log: silentLogger,
  pollIntervalMs,
  engine: { backoffBaseMs: 200, backoffMaxMs: 2000, waitDelayMs: 50 },
});

async function queueVm(s: Stack, serviceId: number): Promise<void> {
  await createVmRecord(s.t.db, { serviceId, clientId: s.seeded.clientId, productId: s.seeded.productId, serverId: s.seeded.serverId });
}

/** (a) one deploy, every step, against the simulated task time. */
async function oneDeploy(): Promise<void> {
  const s = await deployStack(DB, { timeScale: SCALE_ONE, settings: { targetNode: 'pve2' } });
  try {
    const runner = await createRunner({ db: s.t.db, config: s.config, ...runtime(100) });
    const sid = s.seeded.serviceId!;
    await queueVm(s, sid);
    const t0 = performance.now();
    const wall0 = Date.now();
    runner.kick(sid);
    await waitForState(s, sid, 'ready', LIMIT_MS);
    const wall = performance.now() - t0;
    await runner.stop();
    const vm = await s.t.db('mod_pvebridge_vms').where({ service_id: sid }).first('vmid');
    const tasks = taskSecondsByVm(s.sim).get(Number(vm.vmid)) ?? 0;
    const firstCall = (s.sim.requestLog.find((e) => e.time >= wall0)?.time ?? wall0) - wall0;
    emit('one_deploy_wall', wall / 1000, 's', { time_scale: SCALE_ONE });
    emit('one_deploy_task_time', tasks, 's', { time_scale: SCALE_ONE });
    emit('overhead_ratio', wall / 1000 / tasks, 'x', { target: '≤ 1.05' });
    emit('first_proxmox_call', firstCall, 'ms', { target: '< 1000' });
  } finally {
    await s.close();
  }
}

async function manyStack(): Promise<{ s: Stack; stopSim(): void }> {
  return clusterStack(DB, { nodes: NODES, timeScale: SCALE_MANY, perNode: PER_NODE });
}

async function waitAllReady(s: Stack, ids: number[]): Promise<void> {
  const until = Date.now() + LIMIT_MS;
  for (;;) {
    const row = await s.t.db('mod_pvebridge_vms').whereIn('service_id', ids).andWhere({ state: 'ready' }).count({ n: '*' }).first();
    if (Number(row?.n) === ids.length) return;
    if (Date.now() > until) throw new Error(`only ${row?.n}/${ids.length} VMs ready after ${LIMIT_MS / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** (b) many VMs at once vs the per-node ideal, and a sequential baseline. */
/** A second gateway process on the same database and Proxmox (gateway-process.ts). */
async function secondGateway(s: Stack): Promise<{ stop(): Promise<number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'gateway-process.ts')], {
    env: { ...process.env, BENCH_DB_URL: s.t.url, BENCH_CONFIG: JSON.stringify(s.config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('second gateway did not start');
  return {
    async stop() {
      child.kill('SIGTERM');
      const last = await lines.next();
      return last.done ? 0 : (JSON.parse(String(last.value)) as { cpuMs: number }).cpuMs;
    },
  };
}

/** (b) many VMs at once vs the per-node ideal (one or two gateways), and a sequential baseline. */
async function manyDeploys(gateways: number): Promise<number> {
  const { s, stopSim } = await manyStack();
  const sfx = gateways > 1 ? `_${gateways}gw` : '';
  try {
    const ids: number[] = [];
    const seqSample = gateways > 1 ? 0 : SEQ_SAMPLE;
    for (let i = 0; i < VMS + seqSample; i++) ids.push(await s.newService());
    const burst = ids.slice(0, VMS);
    for (const id of burst) await queueVm(s, id);
    const runner = await createRunner({ db: s.t.db, config: s.config, ...runtime(100) });
    const other = gateways > 1 ? await secondGateway(s) : undefined;
    // Every statement of the burst, by shape (literals stripped): the round trips per deploy.
    const shapes = new Map<string, number>();
    let queries = 0;
    const onQuery = (q: { sql: string }) => {
      queries++;
      const k = q.sql.replace(/\?(, \?)*/g, '?').slice(0, 160);
      shapes.set(k, (shapes.get(k) ?? 0) + 1);
    };
    s.t.db.on('query', onQuery);
    calls.clear();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const id of burst) runner.kick(id);
    await waitAllReady(s, burst);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const otherCpuMs = (await other?.stop()) ?? 0;
    s.t.db.off('query', onQuery);
    const apiCalls = [...calls.values()].reduce((a, n) => a + n, 0);
    if (process.argv.includes('--queries'))
      for (const [k, n] of [...calls].sort((a, b) => b[1] - a[1])) process.stderr.write(`${(n / VMS).toFixed(2)}/VM  ${k}\n`);
    const polls = [...shapes].filter(([k]) => k.includes('count(*)') && k.includes('`state` = ?')).reduce((a, [, n]) => a + n, 0);
    if (process.argv.includes('--queries'))
      for (const [k, n] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`${(n / VMS).toFixed(2)}/VM  ${k}\n`);
    const cpuPerVm = ((cpu.user + cpu.system) / 1000 + otherCpuMs) / VMS;
    // The ideal: each node works PER_NODE VMs at once and never waits for us.
    const vms = (await s.t.db('mod_pvebridge_vms').whereIn('service_id', burst).select('vmid', 'node')) as Array<{
      vmid: number;
      node: string;
    }>;
    const perNode = new Map<string, number>();
    for (const v of vms) perNode.set(v.node, (perNode.get(v.node) ?? 0) + manyTaskSeconds(SCALE_MANY));
    const ideal = Math.max(...perNode.values()) / PER_NODE;
    const spread = [...perNode.keys()].length;

    const sample = ids.slice(VMS);
    if (gateways > 1) {
      await runner.stop();
      emit(`many_wall${sfx}`, wall, 's', { vms: VMS, gateways, db: DB, nodes_used: spread });
      emit(`ideal_ratio${sfx}`, wall / ideal, 'x', { target: '≤ 1.2' });
      emit(`gateway_cpu_per_deploy${sfx}`, cpuPerVm, 'ms', { note: 'both gateway processes, per VM' });
      return wall;
    }
    const s0 = performance.now();
    for (const id of sample) {
      await queueVm(s, id);
      runner.kick(id);
      await waitForState(s, id, 'ready', LIMIT_MS);
    }
    const perVm = (performance.now() - s0) / 1000 / sample.length;
    await runner.stop();
    const sequential = perVm * VMS;
    emit('many_wall', wall, 's', {
      vms: VMS,
      nodes: NODES,
      node_concurrency: PER_NODE,
      time_scale: SCALE_MANY,
      nodes_used: spread,
      db: DB,
    });
    emit('many_ideal', ideal, 's', { vms: VMS });
    emit('ideal_ratio', wall / ideal, 'x', { target: '≤ 1.2' });
    emit('sequential_per_vm', perVm, 's', { sample: sample.length });
    emit('sequential_estimate', sequential, 's', { vms: VMS });
    emit('sequential_ratio', wall / sequential, 'x', { note: 'parallel wall / sequential wall (lower is better)' });
    emit('throughput', VMS / wall, 'VMs/s');
    emit('proxmox_calls_per_deploy', apiCalls / VMS, 'calls');
    emit('db_queries_per_deploy', (queries - polls) / VMS, 'queries', { note: "the bench's own readiness polls excluded" });
    emit('gateway_cpu_per_deploy', cpuPerVm, 'ms', {
      note: 'CPU of the gateway process (runner + DB) per VM; the simulator runs in its own process',
      target: '≤ 20',
    });
    return wall;
  } finally {
    stopSim();
    await s.close();
  }
}

function table(): void {
  const rows = figures.map((f) => `| ${f.metric} | ${f.value} | ${f.unit} | ${String(f.target ?? '')} |`);
  process.stdout.write(`\n| metric | value | unit | target |\n|---|---|---|---|\n${rows.join('\n')}\n`);
}

/** (c) an idle scheduler tick with up to 100,000 ready VMs: queries, plans and time. */
async function tick(): Promise<void> {
  const sizes = arg('tick-vms', '1000,100000').split(',').map(Number);
  const res = await idleTick(DB, sizes);
  for (const r of res) {
    emit('idle_tick_queries', r.queries, 'queries', { ready_vms: r.vms, db: DB, target: 'same count at every size' });
    emit('idle_tick_ms', r.ms, 'ms', { ready_vms: r.vms, db: DB, target: '≤ 50' });
    emit('idle_tick_vm_table_scans', r.scans.length, 'queries', { ready_vms: r.vms, db: DB, target: '0', scans: r.scans });
  }
}

const ONLY = arg('only', 'all');
if (ONLY === 'all' || ONLY === 'one') await oneDeploy();
if (ONLY === 'all' || ONLY === 'many') {
  const gateways = arg('gateways', '1').split(',').map(Number);
  const walls = new Map<number, number>();
  for (const g of gateways) walls.set(g, await manyDeploys(g));
  if (walls.has(1) && walls.has(2))
    emit('two_gateways_speedup', walls.get(1)! / walls.get(2)!, 'x', { db: DB, note: 'wall of one gateway / wall of two', target: '> 1' });
}
if (ONLY === 'all' || ONLY === 'tick') await tick();
table();
process.exit(0);
