// The addon's DNS Zones page in Chromium on the dev WHMCS: add a HestiaCP zone, test it (green),
// edit it with the secret left empty (kept: the test still passes, and the page never holds the
// secret), break the key and see the problem named, delete it — all through the addon's JSON
// action to the signed admin API, asserted in mod_pvebridge_dns_zones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ZONES } from '../../provisioner/dns/index.ts';
import { startHestiaSim, type HestiaSim } from '../../simulator/dns/hestia.ts';
import { adminLogin, browserTier, launch, pageStack, type PageStack } from '../devwhmcs/support.ts';

describe.skipIf(!browserTier())('addon DNS Zones page', () => {
  let ps: PageStack;
  let hestia: HestiaSim;
  let browser: Browser;
  beforeAll(async () => {
    hestia = await startHestiaSim();
    hestia.addDomain('example.org');
    ps = await pageStack();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ps?.close();
    await hestia?.close();
  });

  it('adds, tests, edits with the secret kept, names a bad key, deletes', async () => {
    const context = await browser.newContext();
    const page = await adminLogin(context, ps.url, ps.stack.people!.admin);
    await page.goto(`${ps.url}/admin/addonmodules.php?module=pvebridge_admin&action=dns`);
    await page.getByRole('heading', { name: 'DNS Zones' }).waitFor();
    await page.getByText('No DNS zones configured.').waitFor();

    await page.getByLabel('Zone', { exact: true }).fill('example.org');
    await page.getByLabel('Type').selectOption('hestiacp');
    expect(await page.getByLabel('API key').isVisible()).toBe(false);
    await page.getByLabel('Server URL').fill(hestia.url);
    await page.getByLabel('User', { exact: true }).fill(hestia.user);
    await page.getByLabel('Access key').fill(hestia.accessKey);
    await page.getByLabel('Secret key').fill(hestia.secretKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Zone saved.' }).waitFor();
    const row = await ps.stack.db(ZONES).where({ name: 'example.org' }).first();
    expect(row).toMatchObject({ type: 'hestiacp' });
    expect(String(row.secrets)).not.toContain(hestia.secretKey);

    await page.getByRole('button', { name: 'Test example.org' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection OK: HestiaCP reachable' }).waitFor();

    await page.getByRole('button', { name: 'Edit example.org' }).click();
    const secret = page.getByLabel('Secret key');
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toBe('(unchanged — enter new to replace)');
    expect(await page.content()).not.toContain(hestia.secretKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Zone saved.' }).waitFor();
    await page.getByRole('button', { name: 'Test example.org' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection OK' }).waitFor();

    await page.getByRole('button', { name: 'Edit example.org' }).click();
    await page.getByLabel('Secret key').fill('x'.repeat(40));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Zone saved.' }).waitFor();
    await page.getByRole('button', { name: 'Test example.org' }).click();
    await page.getByRole('status').filter({ hasText: 'Test failed (bad credentials)' }).waitFor();

    await page.getByRole('button', { name: 'Delete example.org' }).click();
    await page.getByRole('status').filter({ hasText: 'Zone deleted.' }).waitFor();
    expect(await ps.stack.db(ZONES).where({ name: 'example.org' }).first()).toBeUndefined();
    await context.close();
  }, 120_000);
});
