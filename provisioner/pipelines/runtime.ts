// Wires the pipelines to the outside world for one process: Proxmox clients per WHMCS server,
// settings, WHMCS email, the DNS layer, and the runner with every pipeline table. `serve` calls
// startPipelines (runner + in-process cron); `pvebridge cron` calls createRunner.
// New pipeline tables (change package, reinstall, terminate, …) are added to `pipelines` below.
import type { Config } from '../../common/config.ts';
import type { Db } from '../../common/db/connect.ts';
import { silentLogger, type Logger } from '../../common/log.ts';
import { whmcsPasswords } from '../../common/whmcs-passwords.ts';
import { startScheduler } from '../cron/scheduler.ts';
import { createDnsLayer, whmcsSealer, zoneConfigs, type DnsLayer } from '../dns/index.ts';
import { createWhmcsEmail, type EmailSender } from '../email.ts';
import { clearLeases } from '../engine/lease.ts';
import type { Output } from '../engine/format.ts';
import type { Pipeline } from '../engine/types.ts';
import { getGlobalSettings, type GlobalSettings } from '../plan/global-settings.ts';
import type { ProxmoxClient } from '../proxmox/index.ts';
import { Runner } from '../runner.ts';
import { proxmoxForServer } from '../servers.ts';
import { deployPipeline } from './deploy.ts';
import { lifecyclePipelines } from './lifecycle.ts';
import type { LifecycleEnv, TerminateTimings } from './lifecycle-steps.ts';

export type PipelineEnv = LifecycleEnv;

export const pipelines: Pipeline<PipelineEnv>[] = [deployPipeline, ...lifecyclePipelines];

export interface RuntimeOptions {
  db: Db;
  config: Config;
  log?: Logger;
  out?: Output;
  /** Overrides for tests and benchmarks. */
  pve?: (serverId: number) => Promise<ProxmoxClient>;
  email?: EmailSender;
  dns?: DnsLayer;
  pollIntervalMs?: number;
  /** Terminate's stop timings (tests shorten them; defaults are the spec's). */
  terminateTimings?: Partial<TerminateTimings>;
  engine?: { leaseTtlMs?: number; backoffBaseMs?: number; backoffMaxMs?: number; waitDelayMs?: number };
}

/** Settings read at most once a second (steps ask often). */
function cachedSettings(db: Db): () => Promise<GlobalSettings> {
  let at = 0;
  let value: Promise<GlobalSettings> | undefined;
  return () => {
    if (!value || Date.now() - at > 1000) {
      at = Date.now();
      value = getGlobalSettings(db);
    }
    return value;
  };
}

export function pipelineEnv(o: RuntimeOptions): { env: PipelineEnv; close(): Promise<void> } {
  const clients = new Map<number, Promise<ProxmoxClient>>();
  const pve = o.pve ?? ((serverId: number) => proxmoxForServer(o.db, o.config, serverId));
  const passwords = whmcsPasswords(o.config);
  const env: PipelineEnv = {
    db: o.db,
    pve: (serverId) => {
      let c = clients.get(serverId);
      if (!c) {
        c = pve(serverId);
        c.catch(() => clients.delete(serverId)); // a bad credential is retried next time
        clients.set(serverId, c);
      }
      return c;
    },
    settings: cachedSettings(o.db),
    email: o.email ?? createWhmcsEmail(o.config.whmcsApi),
    dns: o.dns ?? createDnsLayer({ db: o.db, zones: () => zoneConfigs(o.db, whmcsSealer(o.config.ccEncryptionHash)) }),
    // Service passwords through the WHMCS API (or locally with cc_encryption_hash): common/whmcs-passwords.ts.
    reveal: (cipher) => passwords.reveal(cipher),
    conceal: (plain) => passwords.conceal(plain),
    pollIntervalMs: o.pollIntervalMs ?? 250,
    ...(o.terminateTimings && { terminateTimings: o.terminateTimings }),
  };
  return {
    env,
    async close() {
      for (const c of clients.values()) await (await c.catch(() => undefined))?.close();
      clients.clear();
    },
  };
}

export async function createRunner(o: RuntimeOptions): Promise<Runner<PipelineEnv>> {
  const s = await getGlobalSettings(o.db);
  const { env, close } = pipelineEnv(o);
  const runner = new Runner<PipelineEnv>({
    db: o.db,
    env,
    pipelines,
    instanceId: o.config.instanceId,
    log: o.log ?? silentLogger,
    ...(o.out && { out: o.out }),
    concurrency: s.runnerConcurrency,
    engine: { budgetMs: s.runBudgetSeconds * 1000, nodeConcurrency: s.nodeConcurrency, ...o.engine },
  });
  const stop = runner.stop.bind(runner);
  runner.stop = async () => {
    await stop();
    await clearLeases(o.db, runner.owner);
    await close();
  };
  return runner;
}

/** What `serve` needs: its context (structural, so the provisioner never imports the gateway). */
export interface ServeContext {
  config: Config;
  db: Db;
  log: Logger;
  onShutdown: Array<() => Promise<void> | void>;
  runner?: { kick(serviceId: number): void };
}

/**
 * Starts the event-driven runner (ctx.runner, kicked by module calls) and, unless
 * PVEBRIDGE_CRON=off, the in-process scheduler; works the VMs left due by a previous process.
 */
export async function startPipelines(ctx: ServeContext, o: Partial<RuntimeOptions> = {}): Promise<Runner<PipelineEnv>> {
  const out: Output = (line) => ctx.log.info({ pipeline: true }, line);
  const runner = await createRunner({ db: ctx.db, config: ctx.config, log: ctx.log, out, ...o });
  ctx.runner = runner;
  const stopCron = ctx.config.cron
    ? startScheduler({ db: ctx.db, dataDir: ctx.config.dataDir, out, log: ctx.log, runner: runner as Runner<unknown> })
    : undefined;
  ctx.onShutdown.push(async () => {
    await stopCron?.();
    await runner.stop();
  });
  for (const id of await runner.engine.due(1000)) runner.kick(id);
  return runner;
}
