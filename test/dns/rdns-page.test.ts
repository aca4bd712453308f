// The client's Reverse DNS page in Chromium on the dev WHMCS (modop=custom&a=ReverseDNS): every
// address with its status, a bad name refused next to its field, a saved name applied at the
// provider (Cloudflare simulator) with the live status turning Active; an address without a
// reverse zone says the support team sets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createZone, ptrName, whmcsSealer } from '../../provisioner/dns/index.ts';
import { startCloudflareSim, type CloudflareSim } from '../../simulator/dns/cloudflare.ts';
import { browserTier, clientLogin, launch, pageStack, waitFor, type PageStack } from '../devwhmcs/support.ts';

describe.skipIf(!browserTier())('Reverse DNS page', () => {
  let ps: PageStack;
  let cf: CloudflareSim;
  let browser: Browser;
  beforeAll(async () => {
    cf = await startCloudflareSim();
    cf.addZone('2.0.192.in-addr.arpa');
    ps = await pageStack();
    await createZone(ps.stack.db, whmcsSealer(ps.stack.secrets.ccEncryptionHash), {
      name: '2.0.192.in-addr.arpa',
      type: 'cloudflare',
      ttl: 300,
      settings: { apiUrl: cf.url },
      secrets: { apiToken: cf.token },
    });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ps?.close();
    await cf?.close();
  });

  it('saves a PTR through the page and shows it applied; refuses a bad name next to its field', async () => {
    const login = ps.stack.people!.client;
    const svc = await ps.stack.db('tblhosting').where({ id: login.serviceId }).first('dedicatedip', 'assignedips');
    const [v4, v6] = [String(svc.dedicatedip), String(svc.assignedips).trim()];
    const context = await browser.newContext();
    const page = await clientLogin(context, ps.url, login);
    await page.goto(`${ps.url}/clientarea.php?action=productdetails&id=${login.serviceId}&modop=custom&a=ReverseDNS`);
    await page.getByRole('heading', { name: 'Reverse DNS' }).waitFor();
    expect(await page.getByText('DNS changes take 1-8 hours to propagate across servers.').isVisible()).toBe(true);
    const v4Row = page.locator(`tr[data-ip="${v4}"]`);
    const v6Row = page.locator(`tr[data-ip="${v6}"]`);
    expect(await v6Row.locator('[data-field="status"]').textContent()).toBe('Set by our support team');
    expect(await v4Row.locator('[data-field="status"]').textContent()).toBe('Not applied yet');

    const field = page.getByRole('textbox', { name: `Host name for ${v4}` });
    await field.fill('not a host');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not a valid host name (e.g. mail.example.com)' }).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');

    await field.fill('mail.customer.example');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. The records are being updated.' }).waitFor();
    await waitFor(async () => (await v4Row.locator('[data-field="status"]').textContent()) === 'Active', 20_000, 'the PTR to be applied');
    expect(cf.records('2.0.192.in-addr.arpa').find((r) => r.name === ptrName(v4))?.content).toBe('mail.customer.example');
    await context.close();
  }, 120_000);
});
