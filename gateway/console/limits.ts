// Console opens are bounded: each one makes Proxmox open a listener on one of the node's few VNC
// ports (5900–5999) for about 10 s, so one client clicking 100 times must not take them all.
// Per service and per client (the service's owner) at most a few new consoles per window; the
// same requester asking again for the same service while its link is still fresh and unused gets
// that link back (and identical requests in flight share one Proxmox call). In-process state:
// each gateway bounds its own share.
import { CONSOLE_TICKETS_TABLE } from '../../common/console-ticket.ts';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';

export interface ConsoleLimitOptions {
  windowMs: number;
  perService: number;
  perClient: number;
  /** How long a minted link is handed out again (it stays valid 10 s; leave time to open it). */
  reuseMs: number;
}

export const defaultConsoleLimits: ConsoleLimitOptions = { windowMs: 10_000, perService: 4, perClient: 8, reuseMs: 3_000 };

interface Minted<L> {
  link: L;
  jti: string;
  until: number;
}

export class ConsoleLimiter<L> {
  private readonly byService = new Map<number, number[]>();
  private readonly byClient = new Map<number, number[]>();
  private readonly minted = new Map<string, Minted<L>>();
  private readonly inFlight = new Map<string, Promise<L>>();

  constructor(readonly o: ConsoleLimitOptions = defaultConsoleLimits) {}

  /** Opens through `open` unless a fresh link or a request in flight can answer; 429 past a limit. */
  async open(
    db: Db,
    k: { serviceId: number; clientId: number | undefined; requester: string },
    open: () => Promise<{ link: L; jti: string }>,
  ): Promise<L> {
    const key = `${k.serviceId}/${k.requester}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fresh = this.minted.get(key);
    if (fresh && fresh.until > Date.now() && !(await used(db, fresh.jti))) return fresh.link;
    this.admit(k.serviceId, k.clientId);
    const p = open()
      .then(({ link, jti }) => {
        this.minted.set(key, { link, jti, until: Date.now() + this.o.reuseMs });
        return link;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private admit(serviceId: number, clientId: number | undefined): void {
    const now = Date.now();
    const recent = (m: Map<number, number[]>, id: number) => (m.get(id) ?? []).filter((t) => t > now - this.o.windowMs);
    const svc = recent(this.byService, serviceId);
    const cli = clientId === undefined ? [] : recent(this.byClient, clientId);
    const full = svc.length >= this.o.perService ? svc : clientId !== undefined && cli.length >= this.o.perClient ? cli : undefined;
    if (full) {
      const wait = Math.max(1, Math.ceil((full[0]! + this.o.windowMs - now) / 1000));
      throw new AppError('PVB_RATE_LIMITED', `Too many consoles opened in a short time: try again in ${wait} s`);
    }
    this.byService.set(serviceId, [...svc, now]);
    if (clientId !== undefined) this.byClient.set(clientId, [...cli, now]);
    for (const [key, m] of this.minted) if (m.until <= now) this.minted.delete(key);
  }
}

/** A ticket the vncproxies already consumed (their shared ledger, when they use one). */
async function used(db: Db, jti: string): Promise<boolean> {
  try {
    return (await db(CONSOLE_TICKETS_TABLE).where({ jti }).first()) !== undefined;
  } catch {
    return false;
  }
}

const limiters = new WeakMap<object, ConsoleLimiter<unknown>>();

/** The limiter of one gateway context (tests pass their own options once). */
export function consoleLimiter<L>(ctx: object, o?: ConsoleLimitOptions): ConsoleLimiter<L> {
  let l = limiters.get(ctx);
  if (!l || o) limiters.set(ctx, (l = new ConsoleLimiter<unknown>(o)));
  return l as ConsoleLimiter<L>;
}
