// Browser tests on the dev WHMCS: the whole stack from the one builder with the dev WHMCS, a VM
// deployed for the first client, Debian's Chromium through playwright-core (never a downloaded
// browser), logins by role and accessible name as a person would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Login, type Stack } from '../../bin/stack/index.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { has } from '../support/tools.ts';

/** Both tools these tests need (each reports itself missing: a skip locally, a failure in CI). */
export const browserTier = (): boolean => [has('php'), has('chromium')].every(Boolean);

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

export interface PageStack {
  stack: Stack;
  url: string;
  close(): Promise<void>;
}

/** The stack with the dev WHMCS on a fresh SQLite file; the first client's service deployed to ready. */
export async function pageStack(o: { smarty?: 3 | 4 } = {}): Promise<PageStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-pages-'));
  const stack = await startStack({
    dbUrl: `sqlite:${path.join(dir, 'db.sqlite')}`,
    devWhmcs: true,
    timeScale: 0.01,
    ...(o.smarty && { smarty: o.smarty }),
  });
  const close = async () => {
    await stack.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sid = stack.people!.client.serviceId;
    const created = await stack.moduleCall('CreateAccount', {
      serviceid: sid,
      pid: stack.seeded.productId,
      serverid: stack.seeded.serverId,
    });
    if (created.status !== 200) throw new Error(`CreateAccount: ${JSON.stringify(created.body)}`);
    await waitFor(async () => (await getVm(stack.db, sid))?.state === 'ready', 60_000, 'the deploy to reach ready');
    return { stack, url: stack.devWhmcs!.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Logs a client in through /login.php, as a person would. */
export async function clientLogin(context: BrowserContext, base: string, login: Login, language?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/login.php${language ? `?language=${language}` : ''}`);
  await page.getByRole('textbox', { name: /Email Address|E-Mail-Adresse/ }).fill(login.email);
  await page.getByLabel(/^(Password|Passwort)$/).fill(login.password);
  await page.getByRole('button', { name: /^(Login|Anmelden)$/ }).click();
  await page.waitForURL(/clientarea\.php/);
  return page;
}

export async function adminLogin(context: BrowserContext, base: string, admin: { username: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/login.php`);
  await page.getByRole('textbox', { name: 'Username' }).fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/admin\/index\.php/);
  return page;
}

/** The text of the table cell next to the row header `name`. */
export async function rowValue(page: Page, name: RegExp | string): Promise<string> {
  return ((await page.getByRole('row', { name }).first().getByRole('cell').last().textContent()) ?? '').trim();
}
