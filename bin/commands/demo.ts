// `pvebridge demo`: the whole stack on a fresh embedded SQLite file, shown working.
// Without --keep-running it prints a summary and exits 0; with it, it prints one JSON line
// (URLs, ports, local secrets, seeded ids) and stays up until SIGINT/SIGTERM.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createLogger } from '../../common/log.ts';
import { createWhmcsFixture } from '../../common/whmcs-fixture/index.ts';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { createContext } from '../../gateway/context.ts';
import { startGateway } from '../../gateway/server.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'keep-running': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(
      'pvebridge demo [--keep-running]\n  Runs the stack on ./data/demo.sqlite (recreated) with the bundled simulator.\n',
    );
    return 0;
  }
  const dataDir = path.resolve('data');
  const dbFile = path.join(dataDir, 'demo.sqlite');
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  const secrets = {
    sharedSecret: crypto.randomBytes(24).toString('hex'),
    ticketSecret: crypto.randomBytes(24).toString('hex'),
  };
  const config = loadConfig({
    ...process.env,
    PVEBRIDGE_DB_URL: `sqlite:${dbFile}`,
    PVEBRIDGE_SHARED_SECRET: secrets.sharedSecret,
    PVEBRIDGE_TICKET_SECRET: secrets.ticketSecret,
    PVEBRIDGE_LISTEN: '127.0.0.1:0',
  });
  const log = createLogger(values['keep-running'] ? 'info' : 'warn', process.stderr as never);
  const ctx = createContext(config, { log });
  const say = (line: string) => !values['keep-running'] && process.stdout.write(`${line}\n`);

  say('pvebridge demo');
  const applied = await migrateLatest(ctx.db);
  say(`[+] migrations applied on embedded SQLite (${dbFile}): ${applied.join(', ')}`);
  await createWhmcsFixture(ctx.db);
  const seeded = await seedWhmcs(ctx.db);
  say(
    `[+] WHMCS fixture seeded: client #${seeded.clientId}, product #${seeded.productId}, server #${seeded.serverId}, service #${seeded.serviceId}`,
  );
  const gw = await startGateway(ctx);
  const ready = await (await fetch(`${gw.url}/readyz`)).json();
  say(`[+] gateway up at ${gw.url}: /readyz → ${JSON.stringify(ready)}`);

  if (!values['keep-running']) {
    await gw.close();
    say('Demo finished. Run `npm run demo -- --keep-running` to keep the stack up.');
    return 0;
  }
  process.stdout.write(`${JSON.stringify({ gateway: { url: gw.url }, database: `sqlite:${dbFile}`, secrets, seeded })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void gw.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
