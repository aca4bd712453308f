// Starts the dev WHMCS: php's built-in server on devwhmcs/router.php, loopback only, with a JSON
// config (database, cc_encryption_hash, API credentials) and the shim's environment
// (PVEBRIDGE_GATEWAY_URL, PVEBRIDGE_SHARED_SECRET — what lib/Client.php reads). A development
// stand-in for WHMCS, never shipped.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTER = fileURLToPath(new URL('./router.php', import.meta.url));

export interface DevWhmcsOptions {
  dbUrl: string;
  ccEncryptionHash: string;
  api: { identifier: string; secret: string };
  gatewayUrl: string;
  sharedSecret: string;
  /** Port to listen on (default: a free one). Known in advance so the gateway can be told the API URL. */
  port?: number;
  /** Smarty major version from /usr/share/php (default PVEBRIDGE_DEVWHMCS_SMARTY, else 4). */
  smarty?: 3 | 4;
  /** The shim's gateway timeout in seconds (PVEBRIDGE_TIMEOUT). */
  timeoutSeconds?: number;
  /** php binary (default `php` on PATH). */
  php?: string;
}

export interface DevWhmcs {
  url: string;
  port: number;
  apiUrl: string;
  /** The JSON config the PHP side reads (DEVWHMCS_CONFIG), for PHP scripts run against this install. */
  configFile: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** PHP's password_hash (bcrypt), as WHMCS stores client and admin logins. */
export function phpPasswordHash(plain: string, php = 'php'): string {
  return execFileSync(php, ['-r', 'echo password_hash(stream_get_contents(STDIN), PASSWORD_DEFAULT);'], { input: plain, encoding: 'utf8' });
}

/** An addon's `_config()['version']`, read by loading the addon file with php (as WHMCS does). */
export function phpAddonVersion(module: string, php = 'php'): string {
  const file = fileURLToPath(new URL(`../php-shim/modules/addons/${module}/${module}.php`, import.meta.url));
  const code = `define('WHMCS', true); require $argv[1]; $c = call_user_func($argv[2] . '_config'); echo isset($c['version']) ? $c['version'] : '';`;
  return execFileSync(php, ['-r', code, file, module], { encoding: 'utf8' });
}

async function waitUntilAnswering(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev WHMCS (php -S) exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`${url}/login.php`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`dev WHMCS did not answer within ${timeoutMs} ms: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDevWhmcs(o: DevWhmcsOptions): Promise<DevWhmcs> {
  const port = o.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-devwhmcs-'));
  for (const sub of ['sessions', 'tmp', 'docroot']) fs.mkdirSync(path.join(dir, sub));
  const smarty = o.smarty ?? (process.env.PVEBRIDGE_DEVWHMCS_SMARTY === '3' ? 3 : 4);
  const configFile = path.join(dir, 'config.json');
  const config = {
    db: o.dbUrl,
    ccEncryptionHash: o.ccEncryptionHash,
    api: o.api,
    smarty,
    sessionDir: path.join(dir, 'sessions'),
    tmpDir: path.join(dir, 'tmp'),
    systemUrl: `${url}/`,
  };
  fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(o.php ?? 'php', ['-S', `127.0.0.1:${port}`, '-t', path.join(dir, 'docroot'), ROUTER], {
    env: {
      PATH: process.env.PATH ?? '',
      DEVWHMCS_CONFIG: configFile,
      PHP_CLI_SERVER_WORKERS: '4', // concurrent requests: live polling while an admin runs a command
      PVEBRIDGE_GATEWAY_URL: o.gatewayUrl,
      PVEBRIDGE_SHARED_SECRET: o.sharedSecret,
      PVEBRIDGE_TIMEOUT: String(o.timeoutSeconds ?? 10),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group: the workers stop with it
  });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
  const close = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(url, child, () => tail);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, port, apiUrl: `${url}/includes/api.php`, configFile, close };
}
