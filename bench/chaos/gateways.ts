// Gateway processes for the chaos run: real `pvebridge serve` processes on one MariaDB, each with
// its own listen port, data folder and stable instance id. The supervisor kills one with SIGKILL
// every few seconds and starts it again under the same instance id (it reclaims its leases).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pvebridge.js');

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface GatewayProcess {
  name: string;
  url: string;
  alive: boolean;
  kills: number;
  kill9(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function gatewayProcess(name: string, env: Record<string, string>, logDir: string): Promise<GatewayProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pvebridge-chaos-${name}-`));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const log = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const g: GatewayProcess = {
    name,
    url,
    alive: false,
    kills: 0,
    async start() {
      child = spawn(process.execPath, [BIN, 'serve', '--no-migrate'], {
        env: {
          ...process.env,
          ...env,
          PVEBRIDGE_LISTEN: `127.0.0.1:${port}`,
          PVEBRIDGE_INSTANCE_ID: name,
          PVEBRIDGE_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} (see ${logDir}/${name}.log)`);
        try {
          if ((await fetch(`${url}/healthz`)).ok) {
            g.alive = true;
            return;
          }
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} did not start within 30 s`);
    },
    async kill9() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      g.alive = false;
      g.kills++;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const c = child;
      g.alive = false;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return g;
}

/** Kills one gateway (alternating) every `everyMs` and restarts it at once; stop() ends the loop. */
export function superviseKills(gws: GatewayProcess[], everyMs: number): { stop(): Promise<void> } {
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, everyMs * (0.5 + Math.random())));
      if (!running) break;
      const g = gws[i++ % gws.length]!;
      await g.kill9();
      await g.start();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
