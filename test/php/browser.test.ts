// The shim's pages in Chromium on the dev WHMCS (the whole stack from the one builder): the client
// overview's buttons appear once and follow the live state (Stop through the page's JSON action),
// the admin Console opens through WHMCS's AJAX command runner (window|URL), and a product save the
// gateway refuses is shown on the product page with the values entered.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getVm } from '../../provisioner/vm-record.ts';
import { adminLogin, browserTier, clientLogin, launch, pageStack, rowValue, waitFor, type PageStack } from '../devwhmcs/support.ts';

describe.runIf(browserTier())('shim pages on the dev WHMCS in Chromium', () => {
  let s: PageStack;
  let browser: Browser;
  beforeAll(async () => {
    s = await pageStack();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });
  const people = () => s.stack.people!;
  const sid = () => people().client.serviceId;

  it('the overview shows Start and Stop once each, enabled from the live state; Stop runs through the JSON action', async () => {
    const context = await browser.newContext();
    try {
      const page = await clientLogin(context, s.url, people().client);
      await page.goto(`${s.url}/clientarea.php?action=productdetails&id=${sid()}`);
      await expect.poll(() => rowValue(page, /^Power/), { timeout: 15_000 }).toBe('Running');
      const actions = page.getByRole('group', { name: 'VM actions' });
      expect(await page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Start', exact: true }).count()).toBe(1);
      await expect.poll(() => actions.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
      expect(await actions.getByRole('button', { name: 'noVNC console' }).isEnabled()).toBe(true);
      const json = page.waitForResponse((r) => r.url().includes('a=ClientApi') && (r.request().postData() ?? '').includes('op=command'));
      await actions.getByRole('button', { name: 'Stop', exact: true }).click();
      const reply = await json;
      expect(((await reply.json()) as { ok: boolean }).ok).toBe(true);
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Request sent.');
      const vm = (await getVm(s.stack.db, sid()))!;
      await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'stopped', 20_000, 'the simulator VM to stop');
      await expect.poll(() => rowValue(page, /^Power/), { timeout: 20_000 }).toBe('Stopped');
      await expect.poll(() => actions.getByRole('button', { name: 'Start', exact: true }).isEnabled(), { timeout: 10_000 }).toBe(true);
      expect(await actions.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).toBe(true);
      // Leave the VM running for the next test.
      await actions.getByRole('button', { name: 'Start', exact: true }).click();
      await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'running', 20_000, 'the simulator VM to start');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('the admin Console in Module Commands opens the one-time console link in a new window (window|URL)', async () => {
    const context = await browser.newContext();
    try {
      const admin = await adminLogin(context, s.url, people().admin);
      await admin.goto(`${s.url}/admin/clientsservices.php?userid=${people().client.userId}&id=${sid()}`);
      const commands = admin.getByRole('group', { name: 'Module Commands' });
      const reply = admin.waitForResponse((r) => r.url().endsWith('/admin/clientsservices.php') && r.request().method() === 'POST');
      const opened = context.waitForEvent('page');
      await commands.getByRole('button', { name: 'Console', exact: true }).click();
      expect(await (await reply).text()).toMatch(/^window\|https?:\/\/[^\s]+\/console\/\d+#/);
      const popup = await opened;
      expect(popup.url()).toMatch(new RegExp(`/console/${sid()}`));
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a product save the gateway refuses is shown on the product page, with the value entered', async () => {
    const context = await browser.newContext();
    try {
      const page = await adminLogin(context, s.url, people().admin);
      const pid = s.stack.seeded.productId;
      await page.goto(`${s.url}/admin/configproducts.php?action=edit&id=${pid}`);
      await page.getByRole('tab', { name: 'Module Settings' }).click();
      const cpu = page.locator('[name="pvebridge_settings[cpu]"]');
      await cpu.fill('1.5');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.waitForLoadState();
      await page.getByRole('tab', { name: 'Module Settings' }).click();
      await expect
        .poll(() => page.locator('.pvebridge-error').first().textContent())
        .toMatch(/^pvebridge did not save the product settings: /);
      expect(await page.locator('[name="pvebridge_settings[cpu]"]').inputValue()).toBe('1.5');
    } finally {
      await context.close();
    }
  }, 60_000);
});
