import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../bin/cli.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/pvebridge.js');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run('node', [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pvebridge CLI', () => {
  it('lists every subcommand of the design in --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['serve', 'vncproxy', 'cron', 'migrate', 'sim', 'demo']) expect(r.stdout).toContain(`pvebridge ${name}`);
    expect(Object.keys(commands).sort()).toEqual(['cron', 'demo', 'migrate', 'serve', 'sim', 'vncproxy']);
  });

  it('fails with exit code 2 and names the variable for a bad database URL', async () => {
    const r = await cli(['migrate'], { PVEBRIDGE_DB_URL: 'nonsense' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PVEBRIDGE_DB_URL must be/);
  });

  it('migrates an empty SQLite file, then reports nothing to apply', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-cli-'));
    const env = { PVEBRIDGE_DB_URL: `sqlite:${dir}/x.sqlite` };
    expect((await cli(['migrate'], env)).stdout).toMatch(/applied: 001_core/);
    expect((await cli(['migrate'], env)).stdout).toMatch(/nothing to apply/);
    expect((await cli(['migrate', '--status'], env)).stdout).toMatch(/up to date/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects an unknown command with the help text', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('refuses to serve without the shim secret', async () => {
    const r = await cli(['serve'], { PVEBRIDGE_SHARED_SECRET: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PVEBRIDGE_SHARED_SECRET must be set/);
  });
});
