// Invariant 3 across a crash at any instant: a task's send is recorded as an intent on the VM
// record before it goes out. If the process dies (or the reply is lost) between the send and
// storing the UPID, the next attempt finds the intent without a UPID and asks Proxmox first
// (the step's `recover`: the node's task list, our reserved VMID with our name) — it adopts the
// task it finds instead of sending it a second time.
import type { StepContext, TaskOptions, TaskRecovery } from './types.ts';

export interface SendIntent {
  tag: string;
  /** Epoch ms just before the send went out. */
  at: number;
}

export const intentOf = (tag: string): { _intent: SendIntent } => ({ _intent: { tag, at: Date.now() } });

/**
 * For a step whose last send left an intent but no UPID: what Proxmox has. 'absent' (nothing
 * found, or the step cannot tell) means send again.
 */
export async function recoverSend<E>(ctx: StepContext<E>, tag: string, opts: TaskOptions): Promise<TaskRecovery> {
  if (!opts.recover) return 'absent';
  const intent = ctx.vm.data._intent as SendIntent | undefined;
  const since = intent?.tag === tag ? intent.at : ctx.vm.updatedAt;
  const known = Object.values((ctx.vm.data._tasks as Record<string, string> | undefined) ?? {});
  return opts.recover({ since, known });
}
