// The idle scheduler tick at scale: `bench:deploy --only=tick`. A cron tick (runCron with every
// registered task and the real pipeline tables) over N ready VMs — none in a pipeline state, so
// nothing to do — must cost the same number of queries at 1,000 and at 100,000 VMs, none of them
// a scan of mod_pvebridge_vms, and stay within 50 ms. Every query of the tick is captured and its
// plan read (SQLite EXPLAIN QUERY PLAN, MariaDB EXPLAIN).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db, Dialect } from '../../common/db/connect.ts';
import { runCron } from '../../provisioner/cron/scheduler.ts';
import { pipelines } from '../../provisioner/pipelines/runtime.ts';
import { Runner } from '../../provisioner/runner.ts';
import { VMS } from '../../provisioner/vm-record.ts';
import { createTestDb } from '../../test/support/db.ts';

export interface TickFigures {
  vms: number;
  queries: number;
  ms: number;
  scans: string[];
}

async function seedReady(db: Db, from: number, to: number): Promise<void> {
  const now = Date.now();
  const batch = 400;
  await db.transaction(async (trx) => {
    for (let id = from; id < to; id += batch) {
      const rows = [];
      for (let sid = id; sid < Math.min(to, id + batch); sid++)
        rows.push({
          service_id: sid,
          client_id: 1,
          product_id: 1,
          server_id: 1,
          state: 'ready',
          vmid: 100 + sid,
          node: `pve${(sid % 10) + 1}`,
          data: '{}',
          attempts: 0,
          next_attempt_at: 0,
          lease_until: 0,
          created_at: now,
          updated_at: now,
        });
      await trx(VMS).insert(rows);
    }
  });
}

/** Full scans of the VM table among the tick's queries, from the database's own plans. */
async function scansOf(db: Db, dialect: Dialect, sqls: Array<{ sql: string; bindings: readonly unknown[] }>): Promise<string[]> {
  const scans: string[] = [];
  for (const q of sqls) {
    if (!q.sql.includes(VMS) || !/^\s*select/i.test(q.sql)) continue;
    if (dialect === 'sqlite') {
      const plan = (await db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as never)) as Array<{ detail: string }>;
      // SCAN (even USING INDEX) walks every row or index entry; SEARCH seeks a range.
      for (const p of plan) if (/^SCAN mod_pvebridge_vms\b/.test(p.detail)) scans.push(`${p.detail}: ${q.sql}`);
    } else {
      const [plan] = (await db.raw(`EXPLAIN ${q.sql}`, q.bindings as never)) as [Array<{ table: string; type: string }>];
      for (const p of plan) if (p.table === VMS && (p.type === 'ALL' || p.type === 'index')) scans.push(`type ${p.type}: ${q.sql}`);
    }
  }
  return scans;
}

async function tickAt(db: Db, dialect: Dialect, dataDir: string, runner: Runner<unknown>, vms: number): Promise<TickFigures> {
  // The tasks ran a minute ago by the clock of their intervals: force makes every one due, the
  // drain included (processVirtualMachines with --force lists every VM in a pipeline state).
  const sqls: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const onQuery = (q: { sql: string; bindings?: readonly unknown[] }) => sqls.push({ sql: q.sql, bindings: q.bindings ?? [] });
  await runCron({ db, dataDir, out: () => {}, runner, force: true }); // warm (prepared statements, settings)
  db.on('query', onQuery);
  const t0 = performance.now();
  await runCron({ db, dataDir, out: () => {}, runner, force: true });
  const ms = performance.now() - t0;
  db.off('query', onQuery);
  return { vms, queries: sqls.length, ms, scans: await scansOf(db, dialect, sqls) };
}

export async function idleTick(dialect: Dialect, sizes: number[]): Promise<TickFigures[]> {
  const t = await createTestDb(dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-tick-'));
  const runner = new Runner<unknown>({ db: t.db, env: {}, pipelines: pipelines as never, instanceId: 'bench-tick' });
  try {
    const out: TickFigures[] = [];
    let have = 0;
    for (const n of sizes) {
      await seedReady(t.db, 1_000_000 + have, 1_000_000 + n);
      have = n;
      if (dialect === 'sqlite') await t.db.raw('ANALYZE');
      else await t.db.raw(`ANALYZE TABLE ${VMS}`);
      out.push(await tickAt(t.db, dialect, dataDir, runner, n));
    }
    return out;
  } finally {
    await runner.stop();
    await t.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
