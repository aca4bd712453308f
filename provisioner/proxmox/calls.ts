// Building blocks of the client tree: a plain call, and a task call split into `send` (returns
// the UPID; the only thing ever retried, and only on transient errors) and `run` (send + wait).
import { ProxmoxError } from './errors.ts';
import type { Method, Params, Transport } from './transport.ts';
import { taskError, waitTask, type WaitOptions } from './tasks.ts';
import type { TaskResult, Upid } from './types.ts';

export interface RetryOptions {
  /** Extra attempts of a send after a transient error (default 3). */
  retries: number;
  /** First pause before a retry; doubles each time (default 500 ms). */
  retryDelayMs: number;
  wait: WaitOptions;
}

export interface TaskCall<P extends Params> {
  send(params?: P): Promise<Upid>;
  /** send, then wait; a task that ends in an error throws a ProxmoxError of the matching kind. */
  run(params?: P, wait?: WaitOptions): Promise<TaskResult>;
}

export type Call<P extends Params, R> = (params?: P) => Promise<R>;

export const seg = (v: string | number) => encodeURIComponent(String(v));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connection never made: the request certainly did not reach Proxmox (safe to send again). */
const NOT_SENT = /ECONNREFUSED|Connect Timeout|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND/i;

export function mayHaveArrived(err: ProxmoxError): boolean {
  return err.status === 0 && !NOT_SENT.test(err.message);
}

export class CallFactory {
  constructor(
    readonly transport: Transport,
    readonly retry: RetryOptions,
  ) {}

  call<P extends Params, R>(method: Method, path: string, heavy = false): Call<P, R> {
    return (params) => this.transport.call<R>(method, path, params ?? {}, heavy);
  }

  task<P extends Params>(method: Method, path: string, node: string, heavy = false): TaskCall<P> {
    const send = async (params?: P): Promise<Upid> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const upid = await this.transport.call<Upid | null>(method, path, params ?? {}, heavy);
          if (typeof upid !== 'string') throw new ProxmoxError('other', `${method} ${path} returned no task`, 200);
          return upid;
        } catch (err) {
          if (!(err instanceof ProxmoxError) || err.kind !== 'transient' || attempt >= this.retry.retries) throw err;
          // No reply at all after the request may have arrived (reset, timeout): re-sending could
          // start the task twice. The engine asks Proxmox what it has first (engine/recover.ts).
          if (mayHaveArrived(err)) throw err;
          await sleep(this.retry.retryDelayMs * 2 ** attempt);
        }
      }
    };
    return {
      send,
      run: async (params, wait) => {
        const upid = await send(params);
        const result = await waitTask(this.transport, node, upid, { ...this.retry.wait, ...wait });
        if (!result.ok) throw taskError(result);
        return result;
      },
    };
  }
}
