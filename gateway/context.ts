// Everything a request handler or background job needs, built once per process (or per test).
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../common/config.ts';
import { openDb, type Db } from '../common/db/connect.ts';
import { createLogger, type Logger } from '../common/log.ts';

export interface GatewayContext {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Registry;
  /** Run on graceful shutdown, after in-flight requests finished: release leases and locks. */
  onShutdown: Array<() => Promise<void> | void>;
  /** The pipeline runner (provisioner/runner.ts): module calls kick it after writing a state. */
  runner?: { kick(serviceId: number): void };
  /** The live-state refresher (provisioner/state): overview reads add their VM to its watch set. */
  refresher?: { watch(serviceId: number): void };
}

export interface ContextOptions {
  db?: Db;
  log?: Logger;
  defaultMetrics?: boolean;
}

export function createContext(config: Config, opts: ContextOptions = {}): GatewayContext {
  const metrics = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: metrics, prefix: 'pvebridge_' });
  return {
    config,
    db: opts.db ?? openDb(config.dbUrl),
    log: opts.log ?? createLogger(config.logLevel),
    metrics,
    onShutdown: [],
  };
}
