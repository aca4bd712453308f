// A deploy stack (test/provisioner/harness.ts) plus what the lifecycle tests need: an engine
// with every pipeline table, short terminate timings, a VM deployed to ready, and readers for
// the simulator's request log.
import { expect } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { Engine, type RunOutcome } from '../../provisioner/engine/index.ts';
import { pipelineEnv, pipelines, type PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { createVmRecord, getVm, type VmRecord } from '../../provisioner/vm-record.ts';
import type { ProductSettingsInput } from '../../provisioner/plan/product-settings.ts';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { deployStack, fastRuntime, type Stack } from '../provisioner/harness.ts';

export const FAST_TERMINATE = { pollMs: 20, gracefulMs: 300, heartbeatMs: 100, forceMs: 200 };

export interface LifecycleStack extends Stack {
  env: PipelineEnv;
  engine(owner?: string): Engine<PipelineEnv>;
  /** Runs the VM's pipelines (forced, as a kick would) until `state` or a failed/idle run. */
  runTo(sid: number, state: string, out?: (l: string) => void, maxRuns?: number): Promise<RunOutcome[]>;
  deployReady(settings?: ProductSettingsInput): Promise<VmRecord>;
  setProduct(settings: ProductSettingsInput): Promise<void>;
}

export async function lifecycleStack(dialect: Dialect, o: Parameters<typeof deployStack>[1] = {}): Promise<LifecycleStack> {
  const s = await deployStack(dialect, o);
  const { env, close } = pipelineEnv({ db: s.t.db, config: s.config, ...fastRuntime, terminateTimings: FAST_TERMINATE });
  const engine = (owner = `t-${Math.random()}`) =>
    new Engine<PipelineEnv>({ db: s.t.db, env, pipelines, owner, log: silentLogger, ...fastRuntime.engine });
  const runTo = async (sid: number, state: string, out?: (l: string) => void, maxRuns = 60) => {
    const outcomes: RunOutcome[] = [];
    const e = engine();
    for (let i = 0; i < maxRuns; i++) {
      const o = await e.run(sid, out, { force: true });
      outcomes.push(o);
      if (o.state === state || o.result === 'error' || o.result === 'idle') break;
      if (o.result === 'waiting') await new Promise((r) => setTimeout(r, 10));
    }
    return outcomes;
  };
  const ls: LifecycleStack = {
    ...s,
    env,
    engine,
    runTo,
    async setProduct(settings) {
      await saveProductSettings(s.t.db, s.seeded.productId, settings);
    },
    async deployReady(settings) {
      if (settings) await saveProductSettings(s.t.db, s.seeded.productId, settings);
      const sid = await s.newService();
      await createVmRecord(s.t.db, {
        serviceId: sid,
        clientId: s.seeded.clientId,
        productId: s.seeded.productId,
        serverId: s.seeded.serverId,
      });
      const runs = await runTo(sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      expect(vm.state, `deploy stopped: ${runs.at(-1)?.message}`).toBe('ready');
      return vm;
    },
    async close() {
      await close();
      await s.close();
    },
  };
  return ls;
}

/** Successful POST/PUT/DELETE requests whose path matches, from `since` (request-log index). */
export function sent(s: Stack, method: string, path: RegExp, since = 0): number {
  return s.sim.requestLog.slice(since).filter((e) => e.method === method && e.status === 200 && path.test(e.path)).length;
}

export async function allocations(s: Stack, sid: number): Promise<Array<{ address: string; status: string }>> {
  return s.t.db('mod_pvebridge_ip_allocations').where({ service_id: sid }).orderBy('position').select('address', 'status');
}

export async function activity(s: Stack, sid: number): Promise<string[]> {
  const rows = (await s.t
    .db('tblactivitylog')
    .where('description', 'like', `Service ID: ${sid} -%`)
    .orderBy('id')
    .select('description')) as Array<{ description: string }>;
  return rows.map((r) => r.description);
}
