// `pvebridge vncproxy` as operators run it: configuration from the environment, the allowlist
// from tblservers, a relayed session, and a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { attempt, freePort, startUpstream, ticketFor, type TestUpstream } from './support.ts';

const SECRET = `k1:${'a'.repeat(40)}`; // the key support.ts signs with

function runCli(env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/pvebridge.js', 'vncproxy'], {
    env: { ...process.env, PVEBRIDGE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l));
    } catch {
      // not a log line
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

describe('pvebridge vncproxy', () => {
  let t: TestDb;
  let upstream: TestUpstream;
  beforeAll(async () => {
    t = await createTestDb('sqlite');
    await seedWhmcs(t.db, { server: { ipaddress: '127.0.0.1', hostname: '' }, service: false });
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream.close();
    await t.drop();
  });

  it('refuses to start without a ticket secret (exit 2, one message)', async () => {
    const run = runCli({ PVEBRIDGE_DB_URL: t.url, PVEBRIDGE_TICKET_SECRET: '' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/PVEBRIDGE_TICKET_SECRET must be set/);
  });

  it('relays a session to a configured server and stops on SIGTERM', async () => {
    const port = await freePort();
    const run = runCli({ PVEBRIDGE_DB_URL: t.url, PVEBRIDGE_TICKET_SECRET: SECRET, PVEBRIDGE_VNC_LISTEN: `127.0.0.1:${port}` });
    try {
      for (let i = 0; i < 100 && !run.lines.some((l) => l.msg === 'vncproxy listening'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(run.lines.find((l) => l.msg === 'vncproxy listening')).toMatchObject({ servers: 1 });
      // The default Origin allowlist is the proxy's own public URL.
      const url = `ws://127.0.0.1:${port}/ws/7?ticket=${ticketFor(upstream)}`;
      const r = await attempt(url, { origin: `http://127.0.0.1:${port}` });
      expect(r.opened).toBe(true);
      if (r.opened) {
        const echoed = new Promise<Buffer>((resolve) => r.ws.once('message', resolve));
        r.ws.send(Buffer.from('ping'));
        expect((await echoed).toString()).toBe('ping');
      }
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.lines.some((l) => l.event === 'console_session' && l.closeReason === 'proxy shutting down')).toBe(true);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });
});
