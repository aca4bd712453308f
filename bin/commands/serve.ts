// `pvebridge serve`: migrations, the pipeline runner and in-process cron, then the gateway HTTP server;
// stops gracefully on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createContext } from '../../gateway/context.ts';
import { startPipelines } from '../../provisioner/pipelines/runtime.ts';
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
  const ctx = createContext(config, { defaultMetrics: true });
  if (!values['no-migrate']) await migrateLatest(ctx.db);
  await startPipelines(ctx);
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
