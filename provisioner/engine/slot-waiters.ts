// Steps of one engine waiting in-process for a slot of a node: FIFO per server/node, woken the
// moment a run of ours frees a slot there, or after a poll interval (slots other gateways free
// are not announced to us).
export class SlotWaiters {
  private readonly queues = new Map<string, Array<() => void>>();

  waiting(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** Resolves when woken or after `pollMs`, whichever comes first. */
  wait(key: string, pollMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.remove(key, wake);
        resolve();
      }, pollMs);
      const q = this.queues.get(key) ?? [];
      q.push(wake);
      this.queues.set(key, q);
    });
  }

  /** Wakes the longest waiter for `key`; false when none waits. */
  wakeOne(key: string): boolean {
    const q = this.queues.get(key);
    const next = q?.shift();
    if (q?.length === 0) this.queues.delete(key);
    next?.();
    return next !== undefined;
  }

  private remove(key: string, wake: () => void): void {
    const q = this.queues.get(key);
    const i = q?.indexOf(wake) ?? -1;
    if (i >= 0) q!.splice(i, 1);
    if (q?.length === 0) this.queues.delete(key);
  }
}
