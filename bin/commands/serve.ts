// `pvebridge serve`: migrations, the pipeline runner and in-process cron, the live-state refresher,
// then the gateway HTTP server; stops gracefully on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createContext } from '../../gateway/context.ts';
import { reclaimInstanceLeases } from '../../provisioner/engine/lease.ts';
import { stableInstanceId } from '../../provisioner/engine/instance.ts';
import { startPipelines } from '../../provisioner/pipelines/runtime.ts';
import { startRefresher } from '../../provisioner/state/refresher.ts';
import { startGateway } from '../../gateway/server.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-migrate': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(
      'pvebridge serve [--no-migrate]\n  Runs the gateway on PVEBRIDGE_LISTEN. Applies pending migrations first unless --no-migrate.\n',
    );
    return 0;
  }
  const config = loadConfig(process.env, ['PVEBRIDGE_SHARED_SECRET']);
  const instance = await stableInstanceId({ explicit: process.env.PVEBRIDGE_INSTANCE_ID, dataDir: config.dataDir });
  config.instanceId = instance.id;
  const ctx = createContext(config, { defaultMetrics: true });
  ctx.onShutdown.push(() => instance.release());
  if (!values['no-migrate']) await migrateLatest(ctx.db);
  // Our previous process (killed) left its leases: take them back now, not after their expiry.
  if (instance.stable) await reclaimInstanceLeases(ctx.db, instance.id);
  await startPipelines(ctx);
  startRefresher(ctx); // live VM state for the pages (PVEBRIDGE_REFRESH_INTERVAL; 0 = off)
  const gw = await startGateway(ctx);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      ctx.log.info({ signal }, 'shutting down');
      void gw.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
