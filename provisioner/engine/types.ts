// The engine's contract. A pipeline is a table of named steps; each step is
// (state done → next state, label, run) and run returns done / skip / wait / fail. The engine
// alone decides order: it runs the step whose `from` is the VM's state, and on done/skip moves
// the VM to `to`.
import type { Db } from '../../common/db/connect.ts';
import type { Logger } from '../../common/log.ts';
import type { VmPatch, VmRecord } from '../vm-record.ts';

export type StepResult =
  | { kind: 'done'; note?: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'wait'; reason: string; retryInMs?: number }
  | { kind: 'fail'; error: Error | string };

export const done = (note?: string): StepResult => ({ kind: 'done', ...(note !== undefined && { note }) });
export const skip = (reason: string): StepResult => ({ kind: 'skip', reason });
export const wait = (reason: string, retryInMs?: number): StepResult => ({
  kind: 'wait',
  reason,
  ...(retryInMs !== undefined && { retryInMs }),
});
export const fail = (error: Error | string): StepResult => ({ kind: 'fail', error });

/** Result of polling a task: still running, or finished with Proxmox's exit status. */
export type TaskPoll = 'running' | { exitstatus: string };

export interface TaskOptions {
  /** Polls the task until it ends or `timeoutMs` passes. */
  waitFor(upid: string, timeoutMs: number): Promise<TaskPoll>;
  /** Longest wait in this run; past it the step waits and the next run polls the same UPID. */
  timeoutMs: number;
  /** For messages: "clone", "migration", … */
  what: string;
  /**
   * After a send whose UPID was never stored (crash, lost reply): what Proxmox has of it, asked
   * before sending again (engine/recover.ts). `since`: when the send went out; `known`: UPIDs
   * this VM's step already finished. Without it the engine sends again.
   */
  recover?(o: { since: number; known: string[] }): Promise<TaskRecovery>;
}

/** A task found again ({upid}: poll it), finished already, still running, or never started. */
export type TaskRecovery = { upid: string } | 'done' | 'running' | 'absent';

export interface StepContext<E> {
  readonly vm: VmRecord;
  readonly db: Db;
  readonly env: E;
  readonly log: Logger;
  /** Epoch ms when this run's time budget ends. */
  readonly deadline: number;
  /** Writes the patch to the VM record and refreshes `vm`. */
  patch(p: VmPatch): Promise<void>;
  /** One line of live output (e.g. the DNS layer's "· fwd OK …"). */
  say(line: string): void;
  /**
   * Runs a Proxmox task at most once per step: the UPID is stored on the VM record before
   * anything else, a retry polls the stored UPID instead of sending again, a failed task clears
   * it and throws Proxmox's error, a task still running at the timeout makes the step wait.
   * `key` tells apart several tasks of one step; a finished one is not repeated.
   */
  task(key: string, send: () => Promise<string>, opts: TaskOptions): Promise<string>;
}

export interface Step<E> {
  from: string;
  to: string;
  label: string;
  run(ctx: StepContext<E>): Promise<StepResult>;
}

export interface Pipeline<E> {
  /** Action name in logs and the sid summary line, e.g. "deploy". */
  action: string;
  /** Title in the live output, e.g. "Deploy". */
  title: string;
  /** Terminal state of this pipeline, e.g. "ready". */
  final: string;
  steps: Step<E>[];
  /** The Proxmox node a run will work on, for the per-node concurrency limit (null: none). */
  nodeOf?(vm: VmRecord): string | null;
}

export type RunResult = 'success' | 'waiting' | 'error' | 'busy' | 'not_due' | 'idle' | 'node_busy';

export interface RunOutcome {
  serviceId: number;
  action: string | null;
  result: RunResult;
  /** State after the run. */
  state: string;
  /** Reason of a wait or the error of a failed step. */
  message?: string;
  steps: number;
  nextAttemptAt: number;
  /** node_busy: the node whose slots were all taken. */
  waitingFor?: string;
}
