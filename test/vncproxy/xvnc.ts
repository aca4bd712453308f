// A real VNC server for console tests: TigerVNC's Xvnc on a free console port (5900–5999),
// VNC authentication with a password, and a solid root-window colour to look for in the canvas.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningXvnc {
  port: number;
  display: number;
  password: string;
  colour: string;
  stop(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Xvnc did not listen on ${port} within ${ms} ms`);
}

/** `security: 'None'` serves benchmarks (no DES step in the client); tests use VncAuth. */
export async function startXvnc(opts: { password: string; colour: string; security?: 'VncAuth' | 'None' }): Promise<RunningXvnc> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-xvnc-'));
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, execFileSync('vncpasswd', ['-f'], { input: `${opts.password}\n` }), { mode: 0o600 });
  const start = 20 + Math.floor(Math.random() * 80);
  for (let i = 0; i < 80; i++) {
    const display = 20 + ((start - 20 + i) % 80);
    const port = 5900 + display;
    if (fs.existsSync(`/tmp/.X${display}-lock`) || fs.existsSync(`/tmp/.X11-unix/X${display}`) || !(await portFree(port))) continue;
    const child: ChildProcess = spawn(
      'Xvnc',
      [
        `:${display}`,
        '-rfbport',
        String(port),
        '-localhost',
        '-SecurityTypes',
        opts.security ?? 'VncAuth',
        '-PasswordFile',
        passwd,
        '-geometry',
        '800x600',
        '-depth',
        '24',
        '-nolisten',
        'tcp',
        '-AlwaysShared',
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await Promise.race([waitForPort(port, 5000), exited.then(() => Promise.reject(new Error('Xvnc exited')))]);
    } catch {
      child.kill('SIGKILL');
      continue;
    }
    execFileSync('xsetroot', ['-solid', opts.colour], { env: { ...process.env, DISPLAY: `:${display}` } });
    return {
      port,
      display,
      password: opts.password,
      colour: opts.colour,
      async stop() {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('no free display/port for Xvnc in 5920–5999');
}
