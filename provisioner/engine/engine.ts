// The generic pipeline engine. `run(serviceId)` takes the VM's lease (and, around each Proxmox
// task, a slot of the VM's node), then walks the pipeline table from the VM's state: each step's result decides whether the VM
// advances (done/skip), pauses (wait) or backs off (fail). State changes are compare-and-set on
// (state, lease owner), so a runner that lost its lease can never move a VM.
import type { Db } from '../../common/db/connect.ts';
import { silentLogger, type Logger } from '../../common/log.ts';
import { getVm, VMS, writeLeasedVm, type VmPatch, type VmRecord } from '../vm-record.ts';
import * as fmt from './format.ts';
import { claimLease, claimNodeSlot, releaseLease, releaseNodeSlot, renewLease, renewNodeSlot, type NodeSlot } from './lease.ts';
import { intentOf, recoverSend } from './recover.ts';
import { finishRun, logStep, startRun, type RunLogResult } from './run-log.ts';
import { SlotWaiters } from './slot-waiters.ts';
import type { Pipeline, RunOutcome, Step, StepContext, StepResult, TaskOptions } from './types.ts';

/** The node slot a run holds while one of its Proxmox tasks runs, and the node it waits for. */
interface Held {
  slot: NodeSlot | null;
  waitingFor: string | undefined;
}

export interface EngineOptions<E> {
  db: Db;
  env: E;
  pipelines: Pipeline<E>[];
  /** Lease owner name: unique per runner (instance id + a random suffix). */
  owner: string;
  log?: Logger;
  leaseTtlMs?: number;
  /** Time budget of one VM's run. */
  budgetMs?: number;
  /** Per-node concurrency limit (Proxmox tasks at once on one node, across runners). */
  nodeConcurrency?: number;
  /** Backoff after the n-th failed attempt: base × 2^(n-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Delay before the next attempt of a waiting step, unless the step says otherwise. */
  waitDelayMs?: number;
  /** Retry delay of a step that found its node at the limit (runners hand freed slots on sooner). */
  nodeWaitMs?: number;
  /** Called when a node slot is released (the runner hands it to a waiting VM). */
  onSlotFreed?: (node: string) => void;
  /**
   * How long a step may wait in-process for a slot of its node (woken the moment a run of ours
   * frees one, polling for slots other gateways free) before it becomes a NodeBusy wait.
   */
  slotWaitMs?: number;
  /** Poll interval of such a wait (a slot freed by another gateway is not announced to us). */
  slotPollMs?: number;
}

/** Thrown inside a step (via ctx.task) to turn it into a wait. */
export class StepWait extends Error {}

/** Thrown by ctx.task when the VM's node already runs its limit of tasks: the step waits. */
export class NodeBusy extends StepWait {
  constructor(
    readonly node: string,
    limit: number,
  ) {
    super(`node ${node} is at its limit of ${limit} tasks at once`);
  }
}

/** A Proxmox task that ended with an error: the message is Proxmox's exit status. */
export class TaskFailed extends Error {
  constructor(
    readonly upid: string,
    readonly exitstatus: string,
  ) {
    super(exitstatus);
  }
}

const isTaskOk = (exit: string) => exit === 'OK' || /^WARNINGS: \d+$/.test(exit);

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export class Engine<E> {
  readonly db: Db;
  readonly owner: string;
  private readonly log: Logger;
  private readonly byState = new Map<string, { pipeline: Pipeline<E>; step: Step<E> }>();
  private readonly o: Required<Omit<EngineOptions<E>, 'log' | 'onSlotFreed'>> & Pick<EngineOptions<E>, 'onSlotFreed'>;
  private readonly slotWaiters = new SlotWaiters();

  constructor(opts: EngineOptions<E>) {
    this.o = {
      leaseTtlMs: 120_000,
      budgetMs: 55_000,
      nodeConcurrency: 4,
      backoffBaseMs: 5_000,
      backoffMaxMs: 600_000,
      waitDelayMs: 2_000,
      nodeWaitMs: 2_000,
      slotWaitMs: 10_000,
      slotPollMs: 1000,
      ...opts,
    };
    this.db = opts.db;
    this.owner = opts.owner;
    this.log = opts.log ?? silentLogger;
    for (const p of opts.pipelines) {
      for (const step of p.steps) {
        const taken = this.byState.get(step.from);
        if (taken)
          throw new Error(`state '${step.from}' has two steps: ${taken.pipeline.action}/${taken.step.label} and ${p.action}/${step.label}`);
        this.byState.set(step.from, { pipeline: p, step });
      }
    }
  }

  /** States from which some pipeline has a step to run. */
  states(): string[] {
    return [...this.byState.keys()];
  }

  pipelineFor(state: string): Pipeline<E> | undefined {
    return this.byState.get(state)?.pipeline;
  }

  /** Service ids due now: in a pipeline state, past their backoff, not leased. */
  async due(limit: number, now = Date.now()): Promise<number[]> {
    const rows = (await this.db(VMS)
      .whereIn('state', this.states())
      .andWhere('next_attempt_at', '<=', now)
      .andWhere('lease_until', '<', now)
      .orderBy('next_attempt_at')
      .orderBy('service_id')
      .limit(limit)
      .select('service_id')) as Array<{ service_id: number }>;
    return rows.map((r) => Number(r.service_id));
  }

  /**
   * Works one VM as far as its pipeline goes within the time budget. `force` ignores the
   * backoff (cron --force, an explicit kick after a module call).
   */
  async run(serviceId: number, out: fmt.Output = fmt.silentOutput, opts: { force?: boolean } = {}): Promise<RunOutcome> {
    const idle = (result: RunOutcome['result'], vm?: VmRecord): RunOutcome => ({
      serviceId,
      action: vm ? (this.pipelineFor(vm.state)?.action ?? null) : null,
      result,
      state: vm?.state ?? 'none',
      steps: 0,
      nextAttemptAt: vm?.nextAttemptAt ?? 0,
    });
    if (!(await claimLease(this.db, serviceId, this.owner, this.o.leaseTtlMs, { states: this.states(), due: !opts.force }))) {
      // Not claimed: say why (the slow path; the common case costs one UPDATE).
      const pre = await getVm(this.db, serviceId);
      if (!pre || !this.byState.has(pre.state)) return idle('idle', pre);
      if (!opts.force && pre.nextAttemptAt > Date.now()) return idle('not_due', pre);
      return idle('busy', pre);
    }
    const held: Held = { slot: null, waitingFor: undefined };
    const timer = setInterval(() => void this.heartbeat(serviceId, held), Math.max(1000, this.o.leaseTtlMs / 3));
    timer.unref();
    try {
      const vm = (await getVm(this.db, serviceId))!;
      const pipeline = this.pipelineFor(vm.state);
      if (!pipeline) return idle('idle', vm);
      return await this.walk(vm, pipeline, out, held);
    } finally {
      clearInterval(timer);
      if (held.slot) await this.freeSlot(held);
      await releaseLease(this.db, serviceId, this.owner);
    }
  }

  private async heartbeat(serviceId: number, held: Held): Promise<void> {
    try {
      await renewLease(this.db, serviceId, this.owner, this.o.leaseTtlMs);
      if (held.slot) await renewNodeSlot(this.db, held.slot, this.owner, this.o.leaseTtlMs);
    } catch (err) {
      this.log.warn({ err, serviceId }, 'lease renewal failed');
    }
  }

  /**
   * Per-node concurrency: a run holds one of the node's slots only while a Proxmox task of its
   * VM runs (send and wait), so the limit bounds the tasks each node runs for us, across every
   * gateway, while our own bookkeeping of other VMs goes on. No slot free → NodeBusy (a wait).
   */
  private async takeSlot(vm: VmRecord, pipeline: Pipeline<E>, held: Held, deadline: number): Promise<void> {
    const node = pipeline.nodeOf?.(vm) ?? null;
    if (!node) return;
    // Waiting here, lease held, is far cheaper than ending the run and starting another when
    // the slot frees (lease, run log, re-reads: a dozen queries) and hands the slot on at once.
    // At most nodeConcurrency steps wait per node, so waiters never fill the runner's capacity
    // on one node while others idle; the rest become NodeBusy waits as before.
    const key = `${vm.serverId}/${node}`;
    const until = Math.min(Date.now() + this.o.slotWaitMs, deadline - 1000);
    for (;;) {
      held.slot = await claimNodeSlot(this.db, vm.serverId, node, this.o.nodeConcurrency, this.owner, vm.serviceId, this.o.leaseTtlMs);
      if (held.slot) break;
      if (Date.now() >= until || this.slotWaiters.waiting(key) >= this.o.nodeConcurrency) {
        held.waitingFor = node;
        throw new NodeBusy(node, this.o.nodeConcurrency);
      }
      await this.slotWaiters.wait(key, this.o.slotPollMs);
    }
    held.waitingFor = undefined;
  }

  private async freeSlot(held: Held): Promise<void> {
    const slot = held.slot!;
    held.slot = null;
    await releaseNodeSlot(this.db, slot, this.owner);
    if (!this.slotWaiters.wakeOne(`${slot.serverId}/${slot.node}`)) this.o.onSlotFreed?.(slot.node);
  }

  private async walk(start: VmRecord, pipeline: Pipeline<E>, out: fmt.Output, held: Held): Promise<RunOutcome> {
    const began = Date.now();
    const deadline = began + this.o.budgetMs;
    let vm = start;
    const { title, action } = pipeline;
    let runId = 0; // the run is logged (and announced) once its first step starts
    let seq = 0;
    let result: RunLogResult = 'success';
    let message: string | undefined;
    while (true) {
      const entry = this.byState.get(vm.state);
      if (!entry || entry.pipeline !== pipeline) break; // final state, or another pipeline's
      if (Date.now() >= deadline) {
        result = 'waiting';
        message = 'time budget of this run used up';
        break;
      }
      if (!runId) {
        out(fmt.runHeader(title, vm.serviceId, vm.vmid, vm.state));
        runId = await startRun(this.db, vm.serviceId, action, this.owner, vm.state);
      }
      const { step } = entry;
      seq += 1;
      const t0 = Date.now();
      const r = await this.runStep(step, vm, deadline, out, pipeline, held);
      vm = r.vm;
      const ms = Date.now() - t0;
      const res = r.result;
      // The state change and its log line commit together: one commit (one fsync on MariaDB
      // with durable commits) per step instead of two.
      if (res.kind === 'done' || res.kind === 'skip') {
        const from = vm;
        const note = res.kind === 'done' ? (res.note ?? null) : `skip — ${res.reason}`;
        const advanced = await this.db.transaction(async (trx) => {
          const next = await this.advance(from, step, trx);
          await logStep(trx, runId, {
            seq,
            label: step.label,
            from: step.from,
            to: step.to,
            result: next ? (res.kind === 'skip' ? 'skip' : 'success') : 'waiting',
            message: next ? note : 'state changed or lease lost during the step',
            durationMs: ms,
            at: t0,
          });
          return next;
        });
        if (!advanced) {
          result = 'waiting';
          message = 'state changed or lease lost during the step';
          break;
        }
        const skipReason = res.kind === 'skip' ? res.reason : undefined;
        out(fmt.stepSuccess(seq, step.label, step.from, step.to, ms, skipReason));
        vm = advanced;
        continue;
      }
      if (res.kind === 'wait') {
        const retry = res.retryInMs ?? this.o.waitDelayMs;
        const at = vm;
        await this.db.transaction(async (trx) => {
          await this.update(at, { nextAttemptAt: Date.now() + retry, lastError: null }, trx);
          await logStep(trx, runId, {
            seq,
            label: step.label,
            from: step.from,
            to: step.to,
            result: 'waiting',
            message: res.reason,
            durationMs: ms,
            at: t0,
          });
        });
        out(fmt.stepWaiting(seq, step.label, res.reason, step.from, step.to, ms));
        result = 'waiting';
        message = res.reason;
        break;
      }
      const error = fmt.errorText(res.error);
      const attempt = vm.attempts + 1;
      const retry = backoffMs(attempt, this.o.backoffBaseMs, this.o.backoffMaxMs);
      await this.update(vm, { attempts: attempt, nextAttemptAt: Date.now() + retry, lastError: error });
      out(fmt.stepError(seq, step.label, error, step.from, step.to, ms, retry, attempt));
      this.log.warn({ serviceId: vm.serviceId, step: step.label, attempt, retryMs: retry, error }, 'pipeline step failed');
      await logStep(this.db, runId, {
        seq,
        label: step.label,
        from: step.from,
        to: step.to,
        result: 'error',
        message: error,
        durationMs: ms,
        at: t0,
      });
      result = 'error';
      message = error;
      break;
    }
    const end = (await getVm(this.db, vm.serviceId))!;
    if (!runId) return { serviceId: end.serviceId, action, result: 'idle', state: end.state, steps: 0, nextAttemptAt: end.nextAttemptAt };
    if (result === 'success') out(fmt.runComplete(title, end.serviceId, end.state));
    else out(fmt.runPaused(title, end.state));
    await this.db.transaction((trx) =>
      finishRun(trx, end.serviceId, runId, end.state, result, result === 'success' ? null : (message ?? null)),
    );
    return {
      serviceId: end.serviceId,
      action,
      result: held.waitingFor ? 'node_busy' : result,
      state: end.state,
      ...(message !== undefined && { message }),
      steps: seq,
      nextAttemptAt: end.nextAttemptAt,
      ...(held.waitingFor && { waitingFor: held.waitingFor }),
    };
  }

  private async runStep(
    step: Step<E>,
    vm0: VmRecord,
    deadline: number,
    out: fmt.Output,
    pipeline: Pipeline<E>,
    held: Held,
  ): Promise<{ result: StepResult; vm: VmRecord }> {
    let vm = vm0;
    const ctx: StepContext<E> = {
      get vm() {
        return vm;
      },
      db: this.db,
      env: this.o.env,
      log: this.log,
      deadline,
      patch: async (p: VmPatch) => {
        vm = await this.update(vm, p);
      },
      say: out,
      task: (key, send, opts) => this.task(ctx, step, key, send, opts, pipeline, held),
    };
    try {
      return { result: await step.run(ctx), vm };
    } catch (err) {
      if (err instanceof NodeBusy) return { result: { kind: 'wait', reason: err.message, retryInMs: this.o.nodeWaitMs }, vm };
      if (err instanceof StepWait) return { result: { kind: 'wait', reason: err.message }, vm };
      return { result: { kind: 'fail', error: err as Error }, vm };
    }
  }

  private async task(
    ctx: StepContext<E>,
    step: Step<E>,
    key: string,
    send: () => Promise<string>,
    opts: TaskOptions,
    pipeline: Pipeline<E>,
    held: Held,
  ): Promise<string> {
    const tag = `${step.from}:${key}`;
    const finished = (ctx.vm.data._tasks as Record<string, string> | undefined)?.[tag];
    if (finished) return finished;
    await this.takeSlot(ctx.vm, pipeline, held, ctx.deadline);
    try {
      return await this.sendAndWait(ctx, tag, send, opts);
    } finally {
      if (held.slot) await this.freeSlot(held);
    }
  }

  private async sendAndWait(ctx: StepContext<E>, tag: string, send: () => Promise<string>, opts: TaskOptions): Promise<string> {
    let upid = ctx.vm.pendingStep === tag ? ctx.vm.pendingUpid : null;
    if (!upid && ctx.vm.pendingStep === tag) {
      // Sent before, UPID never stored (a crash, a lost reply): ask Proxmox before sending again.
      const found = await recoverSend(ctx, tag, opts);
      if (found === 'running') throw new StepWait(`${opts.what} sent before and still running on Proxmox`);
      if (found === 'done') return this.taskFinished(ctx, tag, `adopted:${tag}`);
      if (found !== 'absent') {
        upid = found.upid;
        await ctx.patch({ pendingUpid: upid, pendingStep: tag });
      }
    }
    if (!upid) {
      await ctx.patch({ pendingUpid: null, pendingStep: tag, data: intentOf(tag) }); // the intent first (recover.ts)
      upid = await send();
      await ctx.patch({ pendingUpid: upid, pendingStep: tag }); // before anything else (invariant 3)
    }
    const timeout = Math.min(opts.timeoutMs, Math.max(1000, ctx.deadline - Date.now()));
    const poll = await opts.waitFor(upid, timeout);
    if (poll === 'running') throw new StepWait(`${opts.what} still running (${upid})`);
    if (!isTaskOk(poll.exitstatus)) {
      await ctx.patch({ pendingUpid: null, pendingStep: null, data: { _intent: null } });
      throw new TaskFailed(upid, poll.exitstatus);
    }
    return this.taskFinished(ctx, tag, upid);
  }

  private async taskFinished(ctx: StepContext<E>, tag: string, upid: string): Promise<string> {
    const tasks = { ...((ctx.vm.data._tasks as Record<string, string> | undefined) ?? {}), [tag]: upid };
    await ctx.patch({ pendingUpid: null, pendingStep: null, data: { _tasks: tasks, _intent: null } });
    return upid;
  }

  private async update(vm: VmRecord, p: VmPatch, db: Db = this.db): Promise<VmRecord> {
    return writeLeasedVm(db, vm, p);
  }

  /** Moves the VM from step.from to step.to if it is still there and still ours; the new record. */
  private async advance(vm: VmRecord, step: Step<E>, db: Db = this.db): Promise<VmRecord | null> {
    const data = { ...vm.data };
    delete data._tasks;
    delete data._intent;
    const now = Date.now();
    const n = await db(VMS)
      .where({ service_id: vm.serviceId, state: step.from, lease_owner: this.owner })
      .update({
        state: step.to,
        data: JSON.stringify(data),
        pending_upid: null,
        pending_step: null,
        attempts: 0,
        next_attempt_at: 0,
        last_error: null,
        updated_at: now,
      });
    if (n !== 1) return null;
    return {
      ...vm,
      state: step.to,
      data,
      pendingUpid: null,
      pendingStep: null,
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      updatedAt: now,
    };
  }
}
