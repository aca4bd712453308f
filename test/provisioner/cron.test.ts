import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../common/db/connect.ts';
import { clearLockfiles, withTaskLock } from '../../provisioner/cron/locks.ts';
import { listTasks, runCron } from '../../provisioner/cron/scheduler.ts';
import type { CronTask } from '../../provisioner/cron/tasks.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { createVmRecord, getVm } from '../../provisioner/vm-record.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';
import { deployStack, stackRunner, type Stack } from './harness.ts';

const run = promisify(execFile);
const dialects = await testDialects();

const counter = (name = 'processVirtualMachines'): CronTask & { calls: number } => {
  const t = {
    name,
    setting: 'cron.processVirtualMachines' as const,
    description: 'counts',
    calls: 0,
    async run() {
      t.calls++;
      await new Promise((r) => setTimeout(r, 50));
      return { processed: 1, errors: 0, details: ['sid:1 action:deploy result:success'] };
    },
  };
  return t;
};

describe.each(dialects)('cron on %s', (dialect) => {
  let t: TestDb | undefined;
  let s: Stack | undefined;
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-cron-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    await t?.drop();
    await s?.close();
    t = undefined;
    s = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs a task when its interval has passed, skips it until then, and --force ignores the interval', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const task = counter();
    const dataDir = tmp();
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    await runCron({ db: t.db, dataDir, out, tasks: [task] });
    await runCron({ db: t.db, dataDir, out, tasks: [task] });
    expect(task.calls).toBe(1);
    await runCron({ db: t.db, dataDir, out, tasks: [task], force: true });
    expect(task.calls).toBe(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d pvebridge Cron Start$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[processVirtualMachines\] Running \(interval: 1m, last: never\)$/);
    expect(lines[2]).toMatch(/\[processVirtualMachines\] Done \(\d+\.\ds\) — processed: 1, errors: 0$/);
    expect(lines[3]).toBe('sid:1 action:deploy result:success');
    expect(lines[4]).toMatch(/pvebridge Cron End \(\d+\.\ds total\)$/);
    expect(lines.filter((l) => l.includes('Running'))[1]).toMatch(/last: \d\d:\d\d:\d\d\)$/);
  });

  it('leaves a task with interval 0 off, unless named', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await saveGlobalSettings(t.db, { 'cron.processVirtualMachines': 0 });
    const task = counter();
    const dataDir = tmp();
    expect(await runCron({ db: t.db, dataDir, out: () => {}, tasks: [task], force: true })).toEqual([
      { task: 'processVirtualMachines', status: 'off' },
    ]);
    await runCron({ db: t.db, dataDir, out: () => {}, tasks: [task], task: 'processVirtualMachines' });
    expect(task.calls).toBe(1);
    await expect(runCron({ db: t.db, dataDir, out: () => {}, tasks: [task], task: 'nope' })).rejects.toThrow(/unknown cron task 'nope'/);
  });

  it('skips a task whose lockfile another run holds, shows it in the list, and clears it', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const task = counter();
    const dataDir = tmp();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = withTaskLock({ db: t.db, dataDir, staleMs: 600_000 }, task.name, () => held);
    await new Promise((r) => setTimeout(r, 20));
    const lines: string[] = [];
    expect(await runCron({ db: t.db, dataDir, out: (l) => lines.push(l), tasks: [task], force: true })).toEqual([
      { task: task.name, status: 'locked' },
    ]);
    expect(lines.some((l) => l.endsWith('[processVirtualMachines] Skipped — locked by another run'))).toBe(true);
    expect((await listTasks(t.db, dataDir, [task]))[0]).toMatchObject({ name: task.name, intervalMinutes: 1, locked: true });
    release();
    await holder;
    expect((await listTasks(t.db, dataDir, [task]))[0]!.locked).toBe(false);
    expect(clearLockfiles(dataDir)).toEqual([]);
  });

  it.runIf(dialect === 'mysql')('lets only one of two gateways (own lockfiles, one MariaDB) run a task at a time', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const task = counter();
    const db2 = openDb(t.url);
    const [a, b] = await Promise.all([
      runCron({ db: t.db, dataDir: tmp(), out: () => {}, tasks: [task], force: true }),
      runCron({ db: db2, dataDir: tmp(), out: () => {}, tasks: [task], force: true }),
    ]);
    await db2.destroy();
    expect([a[0]!.status, b[0]!.status].sort()).toEqual(['locked', 'ran']);
    expect(task.calls).toBe(1);
  });

  it('processVirtualMachines deploys every due VM and prints the sid lines after its Done line', async () => {
    s = await deployStack(dialect);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sid = await s.newService();
      await createVmRecord(s.t.db, {
        serviceId: sid,
        clientId: s.seeded.clientId,
        productId: s.seeded.productId,
        serverId: s.seeded.serverId,
      });
      ids.push(sid);
    }
    const lines: string[] = [];
    const runner = await stackRunner(s);
    await runCron({ db: s.t.db, dataDir: s.dataDir, out: (l) => lines.push(l), runner: runner as never });
    await runner.stop();
    for (const id of ids) expect((await getVm(s.t.db, id))!.state).toBe('ready');
    const done = lines.findIndex((l) => /\[processVirtualMachines\] Done .* processed: 3, errors: 0$/.test(l));
    expect(done).toBeGreaterThan(0);
    expect(
      lines
        .slice(done + 1, done + 4)
        .map((l) => l.replace(/^\S+ \S+ /, ''))
        .sort(),
    ).toEqual(ids.map((id) => `sid:${id} action:deploy result:success`).sort());
    expect(lines.filter((l) => l.startsWith('--- Deploy complete'))).toHaveLength(3);
  });

  it.runIf(dialect === 'sqlite')('`pvebridge cron` runs from the command line: --help, --list, a forced run, --clear-locks', async () => {
    s = await deployStack(dialect);
    await createVmRecord(s.t.db, {
      serviceId: s.seeded.serviceId!,
      clientId: s.seeded.clientId,
      productId: s.seeded.productId,
      serverId: s.seeded.serverId,
    });
    const env = {
      ...process.env,
      PVEBRIDGE_DB_URL: s.t.url,
      PVEBRIDGE_DATA_DIR: s.dataDir,
      PVEBRIDGE_WHMCS_API_URL: s.config.whmcsApi!.url,
      PVEBRIDGE_WHMCS_API_IDENTIFIER: 'api-id',
      PVEBRIDGE_WHMCS_API_SECRET: 'api-secret',
      PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: s.hash,
      PVEBRIDGE_LOG_LEVEL: 'silent',
    };
    const cli = (...args: string[]) => run(process.execPath, ['bin/pvebridge.js', 'cron', ...args], { env, timeout: 60_000 });
    expect((await cli('--help')).stdout).toMatch(/--task=NAME[\s\S]*--clear-locks[\s\S]*processVirtualMachines/);
    const forced = await cli('--force', '--task=processVirtualMachines');
    expect(forced.stdout).toMatch(/pvebridge Cron Start\n.*\[processVirtualMachines\] Running/);
    expect(forced.stdout).toContain(`--- Deploy complete: service=${s.seeded.serviceId} status=ready ---`);
    expect(forced.stdout).toMatch(new RegExp(`sid:${s.seeded.serviceId} action:deploy result:success\\n.*pvebridge Cron End`));
    expect((await getVm(s.t.db, s.seeded.serviceId!))!.state).toBe('ready');
    expect((await cli('--list')).stdout).toMatch(
      /^processVirtualMachines\s+interval: 1m {2}last: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+\.\ds\) {2}lock: free$/m,
    );
    expect((await cli('--clear-locks')).stdout).toBe('no locks to remove\n');
  });
});
