// bench:admin — GET /v1/admin/vms (VM Management) with N VM rows (default 100,000) on MariaDB
// (or --db=sqlite): each scenario is a signed request through the gateway's HTTP stack, measured
// end to end on loopback, sequentially (one request at a time). Anchors in the same run: the
// same page as one raw SQL query on the same table (the database's floor), and a naive OFFSET
// page deep in the list (what keyset paging avoids). Target: p99 ≤ 50 ms for filtered, paged
// requests. Prints one JSON line per figure and a markdown table.
import { performance } from 'node:perf_hooks';
import type { Dialect } from '../../common/db/connect.ts';
import { createTestDb } from '../../test/support/db.ts';
import { adminGateway } from '../../test/admin/gateway.ts';
import { seedVmRows } from './seed.ts';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const DB = arg('db', 'mysql') as Dialect;
const ROWS = Number(arg('rows', '100000'));
const REQUESTS = Number(arg('requests', '300'));
const TARGET_P99_MS = 50;

interface Figure {
  bench: 'admin-vms';
  metric: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}
const figures: Figure[] = [];
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) => {
  const f: Figure = { bench: 'admin-vms', metric, value: Number(value.toFixed(3)), unit, ...extra };
  figures.push(f);
  process.stdout.write(`${JSON.stringify(f)}\n`);
};

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(name: string, n: number, once: (i: number) => Promise<void>, target?: number): Promise<void> {
  for (let i = 0; i < Math.min(20, n); i++) await once(i); // warm-up: JIT, buffer pool, prepared paths
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const extra = { rows: ROWS, db: DB, requests: n, ...(target !== undefined && { target: `p99 ≤ ${target} ms` }) };
  emit(`${name}.p50`, pct(times, 50), 'ms', extra);
  emit(`${name}.p99`, pct(times, 99), 'ms', extra);
}

async function main(): Promise<void> {
  const t = await createTestDb(DB);
  const a = await adminGateway(t);
  try {
    const t0 = performance.now();
    const seed = await seedVmRows(t.db, ROWS, { productId: a.seeded.productId });
    emit('seed', (performance.now() - t0) / 1000, 's', { rows: ROWS, db: DB });
    const list = async (query: Record<string, string | number | undefined>) => {
      const r = await a.api<{ vms: unknown[]; nextCursor: string | null }>('GET', '/v1/admin/vms', { query });
      if (r.status !== 200) throw new Error(`GET /v1/admin/vms ${JSON.stringify(query)} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const servers = seed.serverIds;
    const sid = (i: number) => seed.firstServiceId + ((i * 7919) % ROWS);
    await measure('first_page', REQUESTS, () => list({ limit: 50 }).then(() => undefined), TARGET_P99_MS);
    await measure(
      'server_state_page',
      REQUESTS,
      (i) => list({ serverId: servers[i % servers.length], state: 'ready', limit: 50 }).then(() => undefined),
      TARGET_P99_MS,
    );
    await measure(
      'node_states_page',
      REQUESTS,
      (i) => list({ node: `pve${(i % 4) + 1}`, state: 'error_terminate,remove', limit: 50 }).then(() => undefined),
      TARGET_P99_MS,
    );
    await measure(
      'sort_updated_page',
      REQUESTS,
      (i) => list({ serverId: servers[i % servers.length], sort: '-updated', limit: 50 }).then(() => undefined),
      TARGET_P99_MS,
    );
    // Deep paging: 20 pages of 50 following nextCursor, each page one measured request.
    let cursor: string | undefined;
    await measure(
      'cursor_next_page',
      REQUESTS,
      async () => {
        const p = await list({ state: 'ready', limit: 50, cursor });
        cursor = p.nextCursor ?? undefined;
      },
      TARGET_P99_MS,
    );
    await measure('search_service_id', REQUESTS, (i) => list({ q: String(sid(i)) }).then(() => undefined), TARGET_P99_MS);
    await measure(
      'search_ip',
      REQUESTS,
      (i) => list({ q: `10.${(i >> 16) & 1}.${(i >> 8) & 255}.${i & 255}` }).then(() => undefined),
      TARGET_P99_MS,
    );
    await measure('search_domain_infix', Math.min(REQUESTS, 100), (i) => list({ q: `vm${sid(i)}.bench` }).then(() => undefined));
    // Anchors: the database alone.
    await measure('anchor_raw_sql_page', REQUESTS, (i) =>
      t
        .db('mod_pvebridge_vms')
        .where({ server_id: servers[i % servers.length], state: 'ready' })
        .orderBy('service_id', 'desc')
        .limit(50)
        .then(() => undefined),
    );
    await measure('anchor_offset_deep_page', Math.min(REQUESTS, 100), () =>
      t
        .db('mod_pvebridge_vms')
        .where({ state: 'ready' })
        .orderBy('service_id', 'desc')
        .offset(Math.floor(ROWS / 3))
        .limit(50)
        .then(() => undefined),
    );
  } finally {
    await a.close();
    await t.drop();
  }
  const rows = figures.map((f) => `| ${f.metric} | ${f.value} | ${f.unit} | ${(f.target as string | undefined) ?? ''} |`);
  process.stdout.write(`\n| metric (${DB}, ${ROWS} VM rows) | value | unit | target |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  const missed = figures.filter((f) => f.target && f.metric.endsWith('.p99') && f.value > TARGET_P99_MS);
  if (missed.length) {
    process.stdout.write(`\nmissed target: ${missed.map((f) => f.metric).join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
