import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve('bin/pvebridge.js');
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-demo-'));
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('provisions one VM end to end on embedded SQLite and exits 0', async () => {
    const { stdout } = await promisify(execFile)('node', [BIN, 'demo'], { cwd, timeout: 90_000 });
    expect(stdout).toMatch(/CreateAccount \(signed module call\) → \{"result":"success"\}/);
    expect(stdout).toMatch(/\[\+\] 2\. Clone VM success \(set_ip -> clone\)/);
    expect(stdout).toMatch(/--- Deploy complete: service=1 status=ready ---/);
    expect(stdout).toMatch(/is running on pve\d: 2 cores, 4096 MB/);
    expect(stdout).toMatch(/console: one-time noVNC link http:\/\/127\.0\.0\.1:\d+\/console\/1#/);
    expect(fs.existsSync(path.join(cwd, 'data', 'demo.sqlite'))).toBe(true);
  }, 120_000);

  it('with --keep-running prints one JSON line a tool can drive, and stops on SIGTERM', async () => {
    const child = spawn('node', [BIN, 'demo', '--keep-running'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    const info = JSON.parse(first);
    expect(info).toMatchObject({ deployed: true, seeded: { serviceId: 1 } });
    expect(info.secrets.sharedSecret).toMatch(/^[0-9a-f]{48}$/);
    const ready = await fetch(`${info.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${info.vncproxy.url}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
