import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { has } from '../support/tools.ts';

/** Logs in on the dev WHMCS as a client (token, cookie) and returns the service page's HTML. */
async function loginAndOpen(base: string, c: { email: string; password: string; serviceId: number }): Promise<string> {
  const form = await fetch(`${base}/login.php`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = /name="token" value="([0-9a-f]+)"/.exec(await form.text())![1]!;
  const done = await fetch(`${base}/dologin.php`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, username: c.email, password: c.password }),
    redirect: 'manual',
  });
  const session = (done.headers.get('set-cookie') ?? cookie).split(';')[0]!;
  const page = await fetch(`${base}/clientarea.php?action=productdetails&id=${c.serviceId}`, {
    headers: { cookie: session },
    redirect: 'manual',
  });
  return page.text();
}

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
    if (has('php')) {
      // The pages a person would open, on the dev WHMCS.
      expect(stdout).toMatch(/client login +http:\/\/127\.0\.0\.1:\d+\/login\.php/);
      expect(stdout).toMatch(/the service +http:\/\/127\.0\.0\.1:\d+\/clientarea\.php\?action=productdetails&id=1/);
      expect(stdout).toMatch(/admin login +http:\/\/127\.0\.0\.1:\d+\/admin\/login\.php/);
      expect(stdout).toMatch(/addon page +http:\/\/127\.0\.0\.1:\d+\/admin\/addonmodules\.php\?module=pvebridge_admin/);
      expect(stdout).toMatch(/emails through the WHMCS API: "Your VM .* is ready" \(tblemails\)/);
    }
  }, 120_000);

  it('with --keep-running prints one JSON line a tool can drive, and stops on SIGTERM', async () => {
    const child = spawn('node', [BIN, 'demo', '--keep-running'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // A failed expectation must not leave the stack running.
    onTestFinished(() => void (child.exitCode === null && child.kill('SIGTERM')));
    const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    const info = JSON.parse(first);
    expect(info).toMatchObject({ deployed: true, seeded: { serviceId: 1 } });
    expect(info.secrets.sharedSecret).toMatch(/^[0-9a-f]{48}$/);
    const ready = await fetch(`${info.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${info.vncproxy.url}/healthz`)).status).toBe(200);
    if (has('php')) {
      expect(info.whmcs).toMatchObject({
        client: { userId: 1, serviceId: 1 },
        otherClient: { userId: 2, serviceId: 2 },
        admin: { username: 'admin' },
        productId: info.seeded.productId,
      });
      // The dev WHMCS answers, and its API is the one the gateway was given.
      const login = await fetch(`${info.whmcs.url}/login.php`);
      expect(await login.text()).toContain('Development stand-in for WHMCS');
      expect(info.whmcsApi).toBe(`${info.whmcs.url}/includes/api.php`);
      // The deployed VM's overview, through the real shim and gateway.
      // The live-state refresher reports the VM's real power state within a few ticks.
      const running = /<th scope="row">Power<\/th><td[^>]*>Running</;
      let page = '';
      for (let i = 0; i < 30 && !running.test(page); i++) {
        if (i) await new Promise((r) => setTimeout(r, 500));
        page = await loginAndOpen(info.whmcs.url, info.whmcs.client);
      }
      expect(page).toMatch(/<div class="module-client-area"><div class="pvebridge-overview"/);
      expect(page).not.toMatch(/Access Denied|pvebridge-error/);
      expect(page).toMatch(running);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
