import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../common/db/connect.ts';
import { createRunner } from '../../provisioner/pipelines/runtime.ts';
import { createVmRecord, getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { deployStack, fastRuntime, stackRunner, waitForState, type Stack } from './harness.ts';

const dialects = await testDialects();

describe.each(dialects)('pipeline runner on %s', (dialect) => {
  let s: Stack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function queue(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const sid = await s!.newService();
      await createVmRecord(s!.t.db, {
        serviceId: sid,
        clientId: s!.seeded.clientId,
        productId: s!.seeded.productId,
        serverId: s!.seeded.serverId,
      });
      ids.push(sid);
    }
    return ids;
  }

  it('kick starts a deploy at once and returns immediately; the VM reaches ready without cron', async () => {
    s = await deployStack(dialect);
    const lines: string[] = [];
    const runner = await stackRunner(s, { out: (l) => lines.push(l) });
    const [sid] = await queue(1);
    const t0 = Date.now();
    runner.kick(sid!);
    expect(Date.now() - t0).toBeLessThan(20);
    await waitForState(s, sid!, 'ready');
    await runner.stop();
    expect(lines[0]).toMatch(new RegExp(`^--- Deploy: service=${sid} vm=- status=creation ---$`));
    expect(lines).toContain(`--- Deploy complete: service=${sid} status=ready ---`);
    const stepLines = lines.filter((l) => l.startsWith('[+]'));
    expect(stepLines).toHaveLength(15);
    expect(stepLines[3]).toMatch(/^\[\+\] 4\. Migrate to target node (\(skip — .*\) )?success \(set_dns -> migrated\) \[\d+\.\d\ds\]$/);
    expect(stepLines[14]).toMatch(/^\[\+\] 15\. Verify running \+ Email success \(starting -> ready\)/);
  });

  it('re-kicks a waiting VM by itself when its next attempt is due', async () => {
    s = await deployStack(dialect);
    const runner = await stackRunner(s);
    const [sid] = await queue(1);
    s.sim.faults.set({ errors: [{ path: '^/cluster/resources$', times: 2, status: 500 }] });
    runner.kick(sid!);
    await waitForState(s, sid!, 'ready');
    await runner.stop();
    expect((await getVm(s.t.db, sid!))!.attempts).toBe(0);
  });

  it.runIf(dialect === 'mysql')('two runners on one MariaDB (two gateways) work each VM with exactly one of them', async () => {
    s = await deployStack(dialect);
    const { saveGlobalSettings } = await import('../../provisioner/plan/global-settings.ts');
    await saveGlobalSettings(s.t.db, { nodeConcurrency: 64, runnerConcurrency: 4 });
    const ids = await queue(16);
    const db2 = openDb(s.t.url); // the second gateway has its own connection pool
    const a = await stackRunner(s);
    const b = await createRunner({ db: db2, config: s.config, ...fastRuntime });
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    await a.stop();
    await b.stop();
    await db2.destroy();
    expect(ra.processed + rb.processed).toBe(ids.length);
    expect(ra.processed).toBeGreaterThan(0);
    expect(rb.processed).toBeGreaterThan(0);
    const runs = (await s.t.db('mod_pvebridge_vm_runs').whereIn('service_id', ids).select('service_id', 'owner', 'result')) as Array<{
      service_id: number;
      owner: string;
    }>;
    for (const sid of ids) {
      expect((await getVm(s.t.db, sid))!.state).toBe('ready');
      const mine = runs.filter((r) => Number(r.service_id) === sid);
      expect(mine).toHaveLength(1);
      expect([a.owner, b.owner]).toContain(mine[0]!.owner);
    }
    const clones = s.sim.requestLog.filter((e) => e.method === 'POST' && /\/clone$/.test(e.path) && e.status === 200);
    expect(clones).toHaveLength(ids.length);
  });

  it('holds the per-node limit across runners', async () => {
    s = await deployStack(dialect, { settings: { targetNode: 'pve2' }, timeScale: 0.02 });
    const { saveGlobalSettings } = await import('../../provisioner/plan/global-settings.ts');
    await saveGlobalSettings(s.t.db, { nodeConcurrency: 2 });
    const ids = await queue(6);
    let peak = 0;
    const timer = setInterval(() => {
      void s!.t
        .db('mod_pvebridge_node_slots')
        .where('until', '>', Date.now())
        .groupBy('node')
        .select('node')
        .count({ n: '*' })
        .then((rows) => (peak = Math.max(peak, ...rows.map((r) => Number(r.n)))));
    }, 5);
    const a = await stackRunner(s);
    const b = await stackRunner(s);
    for (const id of ids) (id % 2 ? a : b).kick(id);
    for (const id of ids) await waitForState(s, id, 'ready', 30_000);
    clearInterval(timer);
    await a.stop();
    await b.stop();
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });
});
