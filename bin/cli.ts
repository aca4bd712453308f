// The `pvebridge` command table. Each subcommand lives in bin/commands/<name>.ts and exports
// `run(args)` returning an exit code; configuration errors exit 2 with one message.
import { ConfigError } from '../common/config.ts';
import { isDbUnavailable } from '../common/db/connect.ts';
import { StartupError } from '../common/errors.ts';

export interface Command {
  summary: string;
  usage: string;
  load(): Promise<{ run(args: string[]): Promise<number> }>;
}

export const commands: Record<string, Command> = {
  serve: {
    summary: 'Run the gateway (module, admin and client APIs) and the scheduler',
    usage: 'serve',
    load: () => import('./commands/serve.ts'),
  },
  vncproxy: { summary: 'Run the console WebSocket proxy (noVNC)', usage: 'vncproxy', load: () => import('./commands/vncproxy.ts') },
  cron: {
    summary: 'Run scheduled tasks once',
    usage: 'cron [--task=NAME] [--force] [--list] [--clear-locks] [--help]',
    load: () => import('./commands/cron.ts'),
  },
  migrate: {
    summary: 'Create or upgrade the mod_pvebridge_* tables (idempotent)',
    usage: 'migrate [--status]',
    load: () => import('./commands/migrate.ts'),
  },
  sim: {
    summary: 'Run the Proxmox VE simulator (for dry runs and tests)',
    usage: "sim --port P --token 'USER@REALM!ID=SECRET' [--scenario FILE]",
    load: () => import('./commands/sim.ts'),
  },
  demo: {
    summary: 'Run the whole stack locally on SQLite and the simulator',
    usage: 'demo [--keep-running]',
    load: () => import('./commands/demo.ts'),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  usage: pvebridge ${c.usage}`,
  );
  return `pvebridge — WHMCS ↔ Proxmox VE bridge\n\nUsage: pvebridge <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nConfiguration: PVEBRIDGE_* environment variables (docs/configuration.md).\n`;
}

/** One line for a failure that stops a command: what is wrong, never a password. */
export function startupMessage(err: unknown): string {
  if (err instanceof ConfigError || err instanceof StartupError) return err.message;
  const e = err as { code?: string; message?: string; address?: string; port?: number };
  const text = String(e?.message ?? err)
    .split('\n')[0]!
    .replace(/(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');
  if (isDbUnavailable(err)) return `cannot reach the database (PVEBRIDGE_DB_URL): ${text}`;
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') return `cannot listen: ${text}`;
  return text;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText());
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`pvebridge: unknown command '${name}'\n\n${helpText()}`);
    return 1;
  }
  try {
    return await (await cmd.load()).run(args);
  } catch (err) {
    // Start-up failures are one line naming what is wrong, like configuration errors: no stack.
    process.stderr.write(`pvebridge ${name}: ${startupMessage(err)}\n`);
    return 2;
  }
}
