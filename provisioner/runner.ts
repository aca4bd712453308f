// The in-process runner: event-driven pipeline execution. `kick(serviceId)` (called by the
// module API right after it writes a pipeline state) starts work at once and returns
// immediately; a VM that waits or backs off is re-kicked by a timer at its next attempt; `drain`
// works every due VM (the cron task processVirtualMachines, the safety net after restarts).
import crypto from 'node:crypto';
import type { Db } from '../common/db/connect.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import { Engine, type EngineOptions } from './engine/engine.ts';
import { silentOutput, sidLine, type Output } from './engine/format.ts';
import type { Pipeline, RunOutcome } from './engine/types.ts';

export interface RunnerOptions<E> {
  db: Db;
  env: E;
  pipelines: Pipeline<E>[];
  /** Gateway instance id; the lease owner is this plus a random suffix (unique per runner). */
  instanceId: string;
  log?: Logger;
  /** Live output of event-driven runs (cron runs pass their own). */
  out?: Output;
  /** VMs worked at once by this runner. */
  concurrency?: number;
  /** Retry delay when another runner holds the VM's lease. */
  nodeBusyRetryMs?: number;
  /** Retry delay of a VM waiting for a node slot when no run of ours frees one first. */
  nodeWaitFallbackMs?: number;
  engine?: Partial<Omit<EngineOptions<E>, 'db' | 'env' | 'pipelines' | 'owner' | 'log'>>;
}

export interface DrainSummary {
  processed: number;
  errors: number;
  outcomes: RunOutcome[];
}

export class Runner<E = unknown> {
  readonly engine: Engine<E>;
  private readonly log: Logger;
  private readonly out: Output;
  private readonly concurrency: number;
  private readonly nodeBusyRetryMs: number;
  private readonly nodeWaitFallbackMs: number;
  private readonly inFlight = new Map<number, Promise<RunOutcome>>();
  private readonly again = new Set<number>();
  private readonly queue: number[] = [];
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** VMs waiting for a slot of a node, FIFO per node: a run that frees a slot hands it on. */
  private readonly nodeWaiters = new Map<string, number[]>();
  private stopped = false;

  constructor(opts: RunnerOptions<E>) {
    const owner = `${opts.instanceId.slice(0, 50)}#${crypto.randomBytes(4).toString('hex')}`;
    this.log = opts.log ?? silentLogger;
    this.out = opts.out ?? silentOutput;
    this.concurrency = opts.concurrency ?? 32;
    this.nodeBusyRetryMs = opts.nodeBusyRetryMs ?? 250;
    this.nodeWaitFallbackMs = opts.nodeWaitFallbackMs ?? 2000;
    this.engine = new Engine<E>({
      db: opts.db,
      env: opts.env,
      pipelines: opts.pipelines,
      owner,
      log: this.log,
      ...opts.engine,
      onSlotFreed: (node) => this.handOver(node),
    });
  }

  get owner(): string {
    return this.engine.owner;
  }

  /** Starts (or queues) work on one VM and returns at once. */
  kick(serviceId: number): void {
    if (this.stopped) return;
    const t = this.timers.get(serviceId);
    if (t) {
      clearTimeout(t);
      this.timers.delete(serviceId);
    }
    if (this.inFlight.has(serviceId)) {
      this.again.add(serviceId);
      return;
    }
    if (this.inFlight.size >= this.concurrency) {
      if (!this.queue.includes(serviceId)) this.queue.push(serviceId);
      return;
    }
    void this.start(serviceId, this.out, true);
  }

  private start(serviceId: number, out: Output, force: boolean): Promise<RunOutcome> {
    const p = this.engine
      .run(serviceId, out, { force })
      .catch((err: unknown): RunOutcome => {
        this.log.error({ err, serviceId }, 'pipeline run crashed');
        return {
          serviceId,
          action: null,
          result: 'error',
          state: 'unknown',
          message: (err as Error).message,
          steps: 0,
          nextAttemptAt: Date.now() + 5000,
        };
      })
      .then((o) => {
        this.inFlight.delete(serviceId);
        this.afterRun(o);
        return o;
      });
    this.inFlight.set(serviceId, p);
    return p;
  }

  private afterRun(o: RunOutcome): void {
    if (this.stopped) return;
    if (this.again.delete(o.serviceId)) this.kick(o.serviceId);
    else if (o.result === 'waiting' || o.result === 'error') this.later(o.serviceId, o.nextAttemptAt - Date.now());
    // A table that ends in another table's state (reinstall → set_ip, redeploy → creation) hands over at once.
    else if (o.result === 'success' && this.engine.pipelineFor(o.state)) this.kick(o.serviceId);
    else if (o.result === 'node_busy' && o.waitingFor) {
      const q = this.nodeWaiters.get(o.waitingFor) ?? [];
      if (!q.includes(o.serviceId)) q.push(o.serviceId);
      this.nodeWaiters.set(o.waitingFor, q);
      // Fallback, slow on purpose: a slot freed by another gateway cannot be handed over to us.
      this.later(o.serviceId, this.nodeWaitFallbackMs * (1 + Math.random()));
    } else if (o.result === 'busy' || o.result === 'node_busy') this.later(o.serviceId, this.nodeBusyRetryMs * (0.5 + Math.random()));
    while (this.queue.length && this.inFlight.size < this.concurrency) this.kick(this.queue.shift()!);
  }

  /** A slot of `node` was freed here: the VM that waited longest for it goes next. */
  private handOver(node: string): void {
    const q = this.nodeWaiters.get(node);
    const next = q?.shift();
    if (q && q.length === 0) this.nodeWaiters.delete(node);
    if (next !== undefined) this.kick(next);
  }

  private later(serviceId: number, ms: number): void {
    const prev = this.timers.get(serviceId);
    if (prev) clearTimeout(prev);
    const t = setTimeout(() => (this.timers.delete(serviceId), this.kick(serviceId)), Math.max(0, ms));
    t.unref();
    this.timers.set(serviceId, t);
  }

  /**
   * Works every due VM (each as far as its time budget allows), `concurrency` at a time, until
   * none is due or `maxMs` passed; a VM that pauses briefly (node busy, short wait) is picked up
   * again while the drain lasts. Returns the last outcome per VM. Used by the cron task.
   */
  async drain(opts: { out?: Output; force?: boolean; maxMs?: number; limit?: number } = {}): Promise<DrainSummary> {
    const out = opts.out ?? this.out;
    const until = Date.now() + (opts.maxMs ?? 55_000);
    const last = new Map<number, RunOutcome>();
    const working = new Set<number>();
    const forced = new Set<number>();
    let queue: number[] = opts.force ? await this.allInPipeline(opts.limit ?? 10_000) : [];
    const refill = async () => {
      if (queue.length) return;
      queue = (await this.engine.due(opts.limit ?? 10_000)).filter((id) => !working.has(id) && !this.inFlight.has(id));
    };
    const worker = async () => {
      while (Date.now() < until) {
        await refill();
        const id = queue.shift();
        if (id === undefined) {
          if (working.size === 0) return;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (working.has(id)) continue;
        working.add(id);
        const force = opts.force === true && !forced.has(id);
        forced.add(id);
        try {
          const o = await this.engine.run(id, out, { force });
          if (['success', 'waiting', 'error'].includes(o.result)) last.set(id, o);
        } finally {
          working.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    const outcomes = [...last.values()];
    return { processed: outcomes.length, errors: outcomes.filter((o) => o.result === 'error').length, outcomes };
  }

  /** The spec's per-VM summary line of a drained outcome. */
  static sidLine(o: RunOutcome): string {
    return sidLine(o.serviceId, o.action ?? '-', o.result === 'success' ? 'success' : `${o.result}: ${o.message ?? ''}`.trim());
  }

  private async allInPipeline(limit: number): Promise<number[]> {
    const rows = (await this.engine
      .db('mod_pvebridge_vms')
      .whereIn('state', this.engine.states())
      .orderBy('service_id')
      .limit(limit)
      .select('service_id')) as Array<{
      service_id: number;
    }>;
    return rows.map((r) => Number(r.service_id));
  }

  /** Resolves when no run of this runner is in flight and none is queued. */
  async idle(): Promise<void> {
    while (this.inFlight.size || this.queue.length) await Promise.all([...this.inFlight.values()]);
  }

  /** Stops taking work, cancels retry timers and waits for runs in flight (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.nodeWaiters.clear();
    this.queue.length = 0;
    await Promise.all([...this.inFlight.values()]);
  }
}
