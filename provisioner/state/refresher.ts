// The live-state refresher (invariant 7): every tick, ONE /cluster/resources?type=vm call per
// Proxmox server that holds our VMs, plus /status/current only for the VMs a person is looking at
// (the watch set, fed by overview reads, forgotten ~30 s after the last read). The result goes to
// mod_pvebridge_vm_state in a few batched statements; pages read only that table.
import type { Config } from '../../common/config.ts';
import type { Db } from '../../common/db/connect.ts';
import { silentLogger, type Logger } from '../../common/log.ts';
import type { ClusterResource, ProxmoxClient } from '../proxmox/index.ts';
import { proxmoxForServer } from '../servers.ts';
import { VMS } from '../vm-record.ts';
import { allLiveStates, upsertLiveStates, VM_STATE, type LiveState } from './cache.ts';
import { reconcile, withDetail, type Moved, type OurVm } from './derive.ts';

export interface RefresherOptions {
  db: Db;
  config: Config;
  log?: Logger;
  /** The Proxmox client of a server (tests and benchmarks override it). */
  pve?: (serverId: number) => Promise<ProxmoxClient>;
  /** Period of start()'s loop (default config.refreshIntervalMs). */
  intervalMs?: number;
  /** How long an overview read keeps its VM in the watch set. */
  watchTtlMs?: number;
  /** status/current calls in flight per server at most. */
  detailConcurrency?: number;
  now?: () => number;
}

/** What one tick did (the benchmark reports these). */
export interface TickReport {
  servers: number;
  /** /cluster/resources calls: one per server. */
  listCalls: number;
  /** /status/current calls: watched VMs only. */
  detailCalls: number;
  /** Database statements the tick issued (reads and writes). */
  statements: number;
  vms: number;
  moved: Moved[];
  vanished: number[];
  stale: number[];
  failedServers: number[];
  ms: number;
}

interface ServerResult {
  serverId: number;
  ok: boolean;
  states: LiveState[];
  moved: Moved[];
  vanished: number[];
  stale: number[];
  detailCalls: number;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class Refresher {
  private readonly watched = new Map<number, number>();
  private readonly clients = new Map<number, Promise<ProxmoxClient>>();
  private readonly log: Logger;
  private readonly now: () => number;
  private inFlight: Promise<TickReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: RefresherOptions) {
    this.log = o.log ?? silentLogger;
    this.now = o.now ?? Date.now;
  }

  /** An overview read: keep this service's VM detailed for the next ~30 s. */
  watch(serviceId: number): void {
    this.watched.set(serviceId, this.now() + (this.o.watchTtlMs ?? 30_000));
  }

  /** Services in the watch set now (expired ones are dropped). */
  watching(): number[] {
    const now = this.now();
    for (const [id, until] of this.watched) if (until <= now) this.watched.delete(id);
    return [...this.watched.keys()];
  }

  /** One refresh; a tick already running is joined, never doubled. */
  tick(): Promise<TickReport> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Ticks at once, then every interval (the next tick waits for the previous one). */
  start(): void {
    const interval = this.o.intervalMs ?? this.o.config.refreshIntervalMs;
    const loop = async () => {
      try {
        await this.tick();
      } catch (err) {
        this.log.warn({ err }, 'live-state refresh failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), interval).unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight?.catch(() => undefined);
    for (const c of this.clients.values()) await (await c.catch(() => undefined))?.close();
    this.clients.clear();
  }

  private client(serverId: number): Promise<ProxmoxClient> {
    let c = this.clients.get(serverId);
    if (!c) {
      const make = this.o.pve ?? ((id: number) => proxmoxForServer(this.o.db, this.o.config, id));
      c = make(serverId);
      this.clients.set(serverId, c);
    }
    return c;
  }

  /** Forgets a failed client, so the next tick reads the server's credentials again. */
  private drop(serverId: number): void {
    const c = this.clients.get(serverId);
    this.clients.delete(serverId);
    void c?.then((x) => x.close()).catch(() => undefined);
  }

  private async run(): Promise<TickReport> {
    const started = this.now();
    const { db } = this.o;
    const rows = (await db(VMS)
      .select('service_id', 'server_id', 'vmid', 'node', 'vm_name', 'state')
      .whereNotNull('vmid')
      .whereNot('state', 'remove')) as Record<string, unknown>[];
    const prev = await allLiveStates(db);
    let statements = 2;
    const byServer = new Map<number, OurVm[]>();
    for (const r of rows) {
      const vm: OurVm = {
        serviceId: Number(r.service_id),
        serverId: Number(r.server_id),
        vmid: Number(r.vmid),
        node: (r.node as string | null) ?? null,
        vmName: (r.vm_name as string | null) ?? null,
        state: String(r.state),
      };
      if (!byServer.has(vm.serverId)) byServer.set(vm.serverId, []);
      byServer.get(vm.serverId)!.push(vm);
    }
    const watched = new Set(this.watching());
    const results = await Promise.all([...byServer].map(([serverId, ours]) => this.refreshServer(serverId, ours, prev, watched, started)));
    const states = results.flatMap((r) => r.states);
    const moved = results.flatMap((r) => r.moved);
    const ourIds = new Set(rows.map((r) => Number(r.service_id)));
    const gone = [...prev.keys()].filter((id) => !ourIds.has(id));
    // No transaction: the cache is rewritten whole every tick, so a half-written tick is harmless,
    // and page reads (SQLite has one connection) slip in between the statements instead of waiting.
    statements += await upsertLiveStates(db, states);
    // A moved VM (HA, migration): its record follows it, unless someone else moved it meanwhile.
    for (const m of moved) {
      await db(VMS)
        .where({ service_id: m.serviceId })
        .where((q) => (m.from === null ? q.whereNull('node') : q.where('node', m.from)))
        .update({ node: m.to, updated_at: started });
      statements++;
    }
    for (let i = 0; i < gone.length; i += 1000) {
      await db(VM_STATE)
        .whereIn('service_id', gone.slice(i, i + 1000))
        .delete();
      statements++;
    }
    for (const m of moved) this.log.info({ serviceId: m.serviceId, from: m.from, to: m.to }, 'VM moved node');
    const report: TickReport = {
      servers: byServer.size,
      listCalls: byServer.size,
      detailCalls: results.reduce((n, r) => n + r.detailCalls, 0),
      statements,
      vms: states.length,
      moved,
      vanished: results.flatMap((r) => r.vanished),
      stale: results.flatMap((r) => r.stale),
      failedServers: results.filter((r) => !r.ok).map((r) => r.serverId),
      ms: this.now() - started,
    };
    if (report.vanished.length) this.log.warn({ services: report.vanished }, 'VMs missing from Proxmox');
    return report;
  }

  private async refreshServer(
    serverId: number,
    ours: OurVm[],
    prev: Map<number, LiveState>,
    watched: Set<number>,
    now: number,
  ): Promise<ServerResult> {
    let pve: ProxmoxClient;
    let items: ClusterResource[];
    try {
      pve = await this.client(serverId);
      items = await pve.cluster.resources.get({ type: 'vm' });
    } catch (err) {
      // No answer is no news: keep every row as it is (its age grows), vanish nothing.
      this.drop(serverId);
      this.log.warn({ serverId, err: (err as Error).message }, 'live-state listing failed');
      return { serverId, ok: false, states: [], moved: [], vanished: [], stale: [], detailCalls: 0 };
    }
    const r = reconcile(ours, items, prev, now);
    const detailed = r.states.filter((s) => watched.has(s.serviceId) && !s.vanished && !s.stale && s.status !== null && s.node);
    let detailCalls = 0;
    await pool(detailed, this.o.detailConcurrency ?? 4, async (s) => {
      detailCalls++;
      try {
        const d = await pve.nodes(s.node!).qemu(s.vmid).status.current.get();
        Object.assign(s, withDetail(s, d, this.now()));
      } catch (err) {
        this.log.debug({ serviceId: s.serviceId, err: (err as Error).message }, 'status/current failed');
      }
    });
    return { serverId, ok: true, ...r, detailCalls };
  }
}

/** What start-up wiring needs (structural: the provisioner never imports the gateway). */
export interface RefresherHost {
  config: Config;
  db: Db;
  log: Logger;
  onShutdown: Array<() => Promise<void> | void>;
  refresher?: { watch(serviceId: number): void };
}

/** Starts the refresher of `serve` (unless PVEBRIDGE_REFRESH_INTERVAL=0) and stops it on shutdown. */
export function startRefresher(host: RefresherHost, o: Partial<RefresherOptions> = {}): Refresher | undefined {
  const intervalMs = o.intervalMs ?? host.config.refreshIntervalMs;
  if (!intervalMs) return undefined;
  const refresher = new Refresher({ db: host.db, config: host.config, log: host.log, ...o, intervalMs });
  host.refresher = refresher;
  host.onShutdown.push(() => refresher.stop());
  refresher.start();
  return refresher;
}
