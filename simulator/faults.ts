// Fault injection: error rate, latency and hangs per path pattern, task failures, nodes down and
// locks that never clear. All random choices come from one seeded RNG and every rule can be
// bounded with `times`, so a run is reproducible.
import { createRng, type Rng } from './model/rng.ts';
import type { ClusterState } from './model/state.ts';
import type { FaultRule, Faults } from './model/types.ts';

export interface RequestFault {
  latencyMs: number;
  hangMs?: number;
  error?: { status: number; message: string };
}

export class FaultController {
  private rules: Faults = {};
  private rng: Rng = createRng(1);
  private hits = new Map<object, number>();

  constructor(private readonly state: ClusterState) {
    state.taskFault = (type) => this.taskFault(type);
  }

  get current(): Faults {
    return this.rules;
  }

  /** Replaces all faults (an empty object clears them). */
  set(faults: Faults): void {
    for (const { vmid } of this.rules.stuckLocks ?? []) {
      const vm = this.state.vms.get(vmid);
      if (vm?.stuckLock) {
        vm.stuckLock = false;
        delete vm.config.lock;
      }
    }
    this.rules = faults;
    this.rng = createRng(faults.seed ?? this.state.scenario.seed);
    this.hits.clear();
    this.state.downNodes = new Set(faults.nodesDown ?? []);
    this.state.rrdMissing = new Set(faults.rrdMissing ?? []);
    for (const { vmid, lock } of faults.stuckLocks ?? []) {
      const vm = this.state.vms.get(vmid);
      if (vm) {
        vm.config.lock = lock;
        vm.stuckLock = true;
      }
    }
  }

  private fires(rule: FaultRule | { rate?: number; times?: number }): boolean {
    const used = this.hits.get(rule) ?? 0;
    if (rule.times !== undefined && used >= rule.times) return false;
    if (this.rng() >= (rule.rate ?? 1)) return false;
    this.hits.set(rule, used + 1);
    return true;
  }

  private matches(rule: FaultRule, method: string, path: string): boolean {
    return (!rule.method || rule.method.toUpperCase() === method) && new RegExp(rule.path).test(path);
  }

  forRequest(method: string, path: string): RequestFault {
    const out: RequestFault = { latencyMs: 0 };
    for (const r of this.rules.latency ?? []) if (this.matches(r, method, path) && this.fires(r)) out.latencyMs += r.ms;
    for (const r of this.rules.hang ?? []) if (this.matches(r, method, path) && this.fires(r)) out.hangMs = r.ms ?? 30_000;
    for (const r of this.rules.errors ?? [])
      if (!out.error && this.matches(r, method, path) && this.fires(r))
        out.error = { status: r.status ?? 500, message: r.message ?? 'simulated failure (fault injection)' };
    return out;
  }

  taskFault(type: string): string | undefined {
    for (const r of this.rules.taskFailures ?? [])
      if ((!r.type || r.type === type) && this.fires(r)) return r.message ?? `simulated ${type} failure (fault injection)`;
    return undefined;
  }
}
