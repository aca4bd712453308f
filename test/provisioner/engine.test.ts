import { afterEach, describe, expect, it } from 'vitest';
import {
  Engine,
  RUNS_KEPT,
  done,
  fail,
  readVmLog,
  skip,
  wait,
  type Pipeline,
  type Step,
  type StepContext,
  type TaskPoll,
} from '../../provisioner/engine/index.ts';
import { createVmRecord, getVm, setState } from '../../provisioner/vm-record.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

const dialects = await testDialects();

interface Env {
  calls: string[];
}

const step = (from: string, to: string, label: string, run: Step<Env>['run']): Step<Env> => ({ from, to, label, run });

function table(over: Partial<Record<string, Step<Env>['run']>> = {}): Pipeline<Env> {
  const ok = (name: string) => async (ctx: { env: Env }) => (ctx.env.calls.push(name), done());
  return {
    action: 'demo',
    title: 'Demo',
    final: 'd',
    steps: [
      step('a', 'b', 'First', over.a ?? ok('a')),
      step('b', 'c', 'Second', over.b ?? ok('b')),
      step('c', 'd', 'Third', over.c ?? ok('c')),
    ],
  };
}

function engine(
  t: TestDb,
  pipeline: Pipeline<Env>,
  env: Env = { calls: [] },
  extra: Partial<ConstructorParameters<typeof Engine<Env>>[0]> = {},
) {
  return new Engine<Env>({
    db: t.db,
    env,
    pipelines: [pipeline],
    owner: `test-${Math.random().toString(36).slice(2, 8)}`,
    backoffBaseMs: 1000,
    ...extra,
  });
}

async function vm(t: TestDb, serviceId: number, state = 'a') {
  return createVmRecord(t.db, { serviceId, clientId: 1, productId: 1, serverId: 1, state });
}

describe.each(dialects)('pipeline engine on %s', (dialect) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('walks the table from the current state to the final state and prints each step', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 7);
    const env = { calls: [] as string[] };
    const lines: string[] = [];
    const r = await engine(t, table(), env).run(7, (l) => lines.push(l));
    expect(r).toMatchObject({ result: 'success', state: 'd', steps: 3 });
    expect(env.calls).toEqual(['a', 'b', 'c']);
    expect(lines[0]).toBe('--- Demo: service=7 vm=- status=a ---');
    expect(lines[1]).toMatch(/^\[\+\] 1\. First success \(a -> b\) \[\d+\.\d\ds\]$/);
    expect(lines[3]).toMatch(/^\[\+\] 3\. Third success \(c -> d\)/);
    expect(lines.at(-1)).toBe('--- Demo complete: service=7 status=d ---');
    const [run] = await readVmLog(t.db, 7);
    expect(run).toMatchObject({ action: 'demo', from: 'a', to: 'd', result: 'success' });
    expect(run!.steps.map((s) => [s.label, s.from, s.to, s.result])).toEqual([
      ['First', 'a', 'b', 'success'],
      ['Second', 'b', 'c', 'success'],
      ['Third', 'c', 'd', 'success'],
    ]);
  });

  it('advances on skip and prints the reason', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    const lines: string[] = [];
    await engine(t, table({ b: async () => skip('no change') })).run(1, (l) => lines.push(l));
    expect(lines[2]).toMatch(/^\[\+\] 2\. Second \(skip — no change\) success \(b -> c\)/);
    expect((await getVm(t.db, 1))!.state).toBe('d');
  });

  it('pauses at the last completed state on wait and resumes there on the next run', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    let ready = false;
    const env = { calls: [] as string[] };
    const e = engine(t, table({ b: async (ctx) => (ready ? (ctx.env.calls.push('b'), done()) : wait('disk busy', 400)) }), env);
    const lines: string[] = [];
    const first = await e.run(1, (l) => lines.push(l));
    expect(first).toMatchObject({ result: 'waiting', state: 'b', message: 'disk busy' });
    expect(lines).toContain('--- Demo paused: waiting at (b) ---');
    expect(lines.some((l) => l.startsWith('[~] 2. Second waiting: disk busy (b -> c)'))).toBe(true);
    expect(await e.run(1)).toMatchObject({ result: 'not_due' });
    ready = true;
    await new Promise((r) => setTimeout(r, 420)); // a window wide enough for a loaded machine
    expect(await e.run(1)).toMatchObject({ result: 'success', state: 'd' });
    expect(env.calls).toEqual(['a', 'b', 'c']);
  });

  it('backs off longer after each failed attempt and says so in the output', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1, 'b');
    const e = engine(t, table({ b: async () => fail(new Error('node unreachable')) }));
    const delays: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const lines: string[] = [];
      const before = Date.now();
      const r = await e.run(1, (l) => lines.push(l), { force: true });
      expect(r).toMatchObject({ result: 'error', state: 'b', message: 'node unreachable' });
      expect(lines[1]).toMatch(
        new RegExp(`^\\[-\\] 1\\. Second error: node unreachable \\(b -> c\\) — retry in ${2 ** (i - 1)}\\.00s \\(attempt ${i}\\)`),
      );
      const rec = (await getVm(t.db, 1))!;
      expect(rec.attempts).toBe(i);
      expect(rec.lastError).toBe('node unreachable');
      delays.push(rec.nextAttemptAt - before);
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    const log = await readVmLog(t.db, 1);
    expect(log[0]).toMatchObject({ result: 'error', error: 'node unreachable' });
  });

  it('stores the UPID before waiting and polls it on retry instead of sending the task again', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1, 'b');
    let sends = 0;
    let status: TaskPoll = 'running';
    const seenBeforeWait: Array<string | null> = [];
    const e = engine(
      t,
      table({
        b: async (ctx) => {
          await ctx.task('clone', async () => `UPID:pve1:0000AAAA:00000001:00000001:qmclone:100:root@pam:${++sends}`, {
            what: 'clone',
            timeoutMs: 10,
            waitFor: async () => {
              seenBeforeWait.push((await getVm(ctx.db, 1))!.pendingUpid);
              return status;
            },
          });
          return done();
        },
      }),
    );
    expect(await e.run(1)).toMatchObject({ result: 'waiting', state: 'b' });
    expect(seenBeforeWait[0]).toMatch(/qmclone:100:root@pam:1$/);
    expect((await getVm(t.db, 1))!.pendingUpid).toMatch(/:1$/);
    expect(await e.run(1, undefined, { force: true })).toMatchObject({ result: 'waiting' });
    status = { exitstatus: 'OK' };
    expect(await e.run(1, undefined, { force: true })).toMatchObject({ result: 'success', state: 'd' });
    expect(sends).toBe(1);
    expect((await getVm(t.db, 1))!.pendingUpid).toBeNull();
  });

  it("clears the UPID of a failed task and fails the step with Proxmox's error", async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1, 'b');
    let sends = 0;
    const e = engine(
      t,
      table({
        b: async (ctx) => {
          await ctx.task('resize', async () => `UPID:pve1:0000AAAA:00000001:00000001:resize:100:root@pam:${++sends}`, {
            what: 'resize',
            timeoutMs: 10,
            waitFor: async () => ({ exitstatus: sends === 1 ? 'shrinking disks is not supported' : 'OK' }),
          });
          return done();
        },
      }),
    );
    expect(await e.run(1)).toMatchObject({ result: 'error', message: 'shrinking disks is not supported', state: 'b' });
    expect((await getVm(t.db, 1))!.pendingUpid).toBeNull();
    expect(await e.run(1, undefined, { force: true })).toMatchObject({ result: 'success' });
    expect(sends).toBe(2);
  });

  it('does not repeat a finished task of a step that failed later', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1, 'b');
    let sends = 0;
    let second = 0;
    const opts = { what: 't', timeoutMs: 10, waitFor: async (): Promise<TaskPoll> => ({ exitstatus: 'OK' }) };
    const e = engine(
      t,
      table({
        b: async (ctx) => {
          await ctx.task('one', async () => `UPID:one:${++sends}`, opts);
          if (++second === 1) throw new Error('flaky');
          await ctx.task('two', async () => `UPID:two:${++sends}`, opts);
          return done();
        },
      }),
    );
    expect(await e.run(1)).toMatchObject({ result: 'error' });
    expect(await e.run(1, undefined, { force: true })).toMatchObject({ result: 'success' });
    expect(sends).toBe(2);
  });

  it('lets only one runner work a VM: a leased VM is busy for the other', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const e1 = engine(t, table({ a: async () => (await gate, done()) }));
    const e2 = engine(t, table());
    const first = e1.run(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await e2.run(1)).toMatchObject({ result: 'busy' });
    release();
    expect(await first).toMatchObject({ result: 'success', state: 'd' });
    expect((await getVm(t.db, 1))!.leaseOwner).toBeNull();
  });

  it('takes over a VM whose lease expired', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    await t
      .db('mod_pvebridge_vms')
      .where({ service_id: 1 })
      .update({ lease_owner: 'crashed-gateway', lease_until: Date.now() - 1 });
    expect(await engine(t, table()).run(1)).toMatchObject({ result: 'success' });
  });

  it('never runs more tasks on one node at once than the node limit, across runners', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    for (let i = 1; i <= 6; i++) await vm(t, i);
    let active = 0;
    let peak = 0;
    const slowTask = async (ctx: StepContext<Env>) => {
      await ctx.task('work', async () => `UPID:pve1:${ctx.vm.serviceId}`, {
        what: 'work',
        timeoutMs: 1000,
        waitFor: async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 40));
          active--;
          return { exitstatus: 'OK' };
        },
      });
      return done();
    };
    const p = { ...table({ a: slowTask }), nodeOf: () => 'pve1' };
    // No in-process wait for a slot: a step that finds the node full becomes a NodeBusy wait.
    const opts = { nodeConcurrency: 2, slotWaitMs: 0 };
    const engines = [engine(t, p, undefined, opts), engine(t, p, undefined, opts)];
    const lines: string[] = [];
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((id, i) => engines[i % 2]!.run(id, (l) => lines.push(l))));
    expect(peak).toBe(2);
    const worked = results.filter((r) => r.result === 'success').length;
    expect(worked).toBeGreaterThanOrEqual(2);
    const waiting = results.filter((r) => r.result === 'node_busy');
    expect(waiting).toHaveLength(6 - worked);
    expect(waiting[0]).toMatchObject({ state: 'a', waitingFor: 'pve1', message: 'node pve1 is at its limit of 2 tasks at once' });
    expect(lines.some((l) => l.startsWith('[~] 1. First waiting: node pve1 is at its limit of 2 tasks at once (a -> b)'))).toBe(true);
    expect(await t.db('mod_pvebridge_node_slots').whereNotNull('owner').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('waits in-process for a node slot, handed on the moment a run frees it, across runners too', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    // Four VMs, two per runner: each runner lets at most nodeConcurrency steps wait in-process.
    for (let i = 1; i <= 4; i++) await vm(t, i);
    let active = 0;
    let peak = 0;
    const slowTask = async (ctx: StepContext<Env>) => {
      await ctx.task('work', async () => `UPID:pve1:${ctx.vm.serviceId}`, {
        what: 'work',
        timeoutMs: 1000,
        waitFor: async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 40));
          active--;
          return { exitstatus: 'OK' };
        },
      });
      return done();
    };
    const p = { ...table({ a: slowTask }), nodeOf: () => 'pve1' };
    // One engine wakes its own waiters; the other only learns of freed slots by polling.
    const engines = [engine(t, p, undefined, { nodeConcurrency: 2 }), engine(t, p, undefined, { nodeConcurrency: 2, slotPollMs: 20 })];
    const results = await Promise.all([1, 2, 3, 4].map((id, i) => engines[i % 2]!.run(id)));
    expect(peak).toBe(2);
    expect(results.map((r) => r.result)).toEqual(Array(4).fill('success'));
    expect(results.every((r) => r.state === 'd')).toBe(true);
    expect(await t.db('mod_pvebridge_node_slots').whereNotNull('owner').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('stops at the time budget and leaves the VM due at once', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    const e = engine(t, table({ a: async () => (await new Promise((r) => setTimeout(r, 60)), done()) }), undefined, { budgetMs: 30 });
    const lines: string[] = [];
    const r = await e.run(1, (l) => lines.push(l));
    expect(r).toMatchObject({ result: 'waiting', state: 'b', message: 'time budget of this run used up' });
    expect(await e.due(10)).toEqual([1]);
  });

  it('does not move a VM whose state was changed by someone else during the step', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1);
    const e = engine(t, table({ a: async (ctx) => (await setState(ctx.db, 1, 'terminate'), done()) }));
    expect(await e.run(1)).toMatchObject({ result: 'waiting', state: 'terminate' });
  });

  it(`keeps the most recent ${RUNS_KEPT} runs of a VM`, async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await vm(t, 1, 'b');
    const e = engine(t, table({ b: async () => wait('later', 0) }));
    for (let i = 0; i < RUNS_KEPT + 3; i++) await e.run(1, undefined, { force: true });
    const log = await readVmLog(t.db, 1, 500);
    expect(log).toHaveLength(RUNS_KEPT);
    const steps = await t.db('mod_pvebridge_vm_run_steps').count({ n: '*' }).first();
    expect(Number(steps!.n)).toBe(RUNS_KEPT);
  });

  it('refuses two pipelines that claim the same state', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    expect(() => new Engine<Env>({ db: t!.db, env: { calls: [] }, owner: 'x', pipelines: [table(), table()] })).toThrow(
      /state 'a' has two steps/,
    );
  });
});
