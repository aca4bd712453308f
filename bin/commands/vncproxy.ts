// `pvebridge vncproxy`: the console WebSocket proxy (separate process; several may run).
// Reads tblservers once for the upstream allowlist (SIGHUP reloads it) and stops gracefully on
// SIGTERM/SIGINT, closing sessions with 1001.
import { parseTicketKeys, CONSOLE_TICKETS_TABLE, DbJtiStore, MemoryJtiStore } from '../../common/console-ticket.ts';
import { loadConfig, variables } from '../../common/config.ts';
import { openDb, type Db } from '../../common/db/connect.ts';
import { StartupError } from '../../common/errors.ts';
import { createLogger } from '../../common/log.ts';
import { whmcsPasswords } from '../../common/whmcs-passwords.ts';
import { loadAllowlist } from '../../vncproxy/allowlist.ts';
import { credentialsFromDb } from '../../vncproxy/credentials.ts';
import { createProxyMetrics } from '../../vncproxy/metrics.ts';
import { startVncProxy } from '../../vncproxy/server.ts';

/** The tables the proxy reads: a wrong PVEBRIDGE_DB_URL is named at start, not as a stack trace. */
async function requireTables(db: Db, ticketsInDb: boolean): Promise<void> {
  for (const table of ['tblservers', ...(ticketsInDb ? [CONSOLE_TICKETS_TABLE] : [])]) {
    let present: boolean;
    try {
      present = await db.schema.hasTable(table);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    if (present) continue;
    await db.destroy();
    const fix = table.startsWith('tbl')
      ? "PVEBRIDGE_DB_URL must point at WHMCS's database (the one in WHMCS's configuration.php)"
      : 'run `pvebridge migrate` on the database PVEBRIDGE_DB_URL points at';
    throw new StartupError(`table ${table} is missing in the database: ${fix}`);
  }
}

function extra<K extends keyof typeof variables>(name: K) {
  return variables[name].schema.parse(process.env[name] || variables[name].default);
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write('Usage: pvebridge vncproxy\nListens on PVEBRIDGE_VNC_LISTEN; see docs/configuration.md and vncproxy/README.md.\n');
    return 0;
  }
  const config = loadConfig(process.env, ['PVEBRIDGE_TICKET_SECRET']);
  const log = createLogger(config.logLevel).child({ component: 'vncproxy' });
  const db = openDb(config.dbUrl);
  await requireTables(db, extra('PVEBRIDGE_VNC_TICKET_STORE') === 'db');
  const allowlist = await loadAllowlist(db);
  if (!allowlist.size) log.warn('no pvebridge servers in tblservers: every console will be refused');
  const proxy = await startVncProxy({
    host: config.vncListen.host,
    port: config.vncListen.port,
    ticketKeys: parseTicketKeys(config.ticketSecret!),
    allowlist,
    allowedOrigins: config.vncAllowedOrigins,
    jtiStore: extra('PVEBRIDGE_VNC_TICKET_STORE') === 'db' ? new DbJtiStore(db) : new MemoryJtiStore(),
    credentials: credentialsFromDb(db, whmcsPasswords(config)),
    limits: {
      maxSessions: Number(extra('PVEBRIDGE_VNC_MAX_SESSIONS')),
      maxSessionsPerService: Number(extra('PVEBRIDGE_VNC_MAX_SESSIONS_PER_SERVICE')),
      idleMs: Number(extra('PVEBRIDGE_VNC_IDLE_TIMEOUT')) * 60_000,
    },
    log,
    metrics: createProxyMetrics(undefined, true),
    trustLoopbackProxy: true,
  });
  log.info({ url: proxy.url, servers: allowlist.size, origins: config.vncAllowedOrigins }, 'vncproxy listening');
  process.on('SIGHUP', () => {
    loadAllowlist(db)
      .then((a) => {
        proxy.setAllowlist(a);
        log.info({ servers: a.size }, 'allowlist reloaded');
      })
      .catch((err: unknown) => log.error({ err }, 'allowlist reload failed'));
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('vncproxy stopping');
  await proxy.close();
  await db.destroy();
  return 0;
}
