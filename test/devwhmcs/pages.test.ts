// The dev WHMCS in a real browser: a client sees the deployed VM's overview (English and German),
// another client is refused, an admin stops the VM through the Module Commands runner and the
// client's open overview follows, the product page's Module Settings fill their Loader dropdowns
// from the simulator and save by position, and the addon page frames the addon's _output.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminLogin, browserTier, clientLogin, launch, pageStack, rowValue, waitFor, type PageStack } from './support.ts';
import { getVm } from '../../provisioner/vm-record.ts';

describe.runIf(browserTier())('dev WHMCS pages in Chromium', () => {
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
  const overviewUrl = (sid: number) => `${s.url}/clientarea.php?action=productdetails&id=${sid}`;

  it('a client logs in and sees the deployed VM running, with its IP and node', async () => {
    const context = await browser.newContext();
    try {
      const page = await clientLogin(context, s.url, people().client);
      await page.goto(overviewUrl(people().client.serviceId));
      await expect.poll(() => rowValue(page, /^Power/), { timeout: 15_000 }).toBe('Running');
      expect(await page.getAttribute('meta[name=generator]', 'content')).toMatch(/Smarty 4\./);
      const vm = (await getVm(s.stack.db, people().client.serviceId))!;
      expect(s.stack.sim.state.vms.get(vm.vmid!)?.status).toBe('running');
      const svc = await s.stack.db('tblhosting').where({ id: people().client.serviceId }).first();
      expect(await page.locator('.module-client-area').textContent()).toContain(svc.dedicatedip);
      expect(await rowValue(page, /^Node/)).toBe(vm.node);
      await expect.poll(() => page.getByRole('note').first().textContent()).toContain('Development stand-in for WHMCS');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the same overview in German follows ?language=german', async () => {
    const context = await browser.newContext();
    try {
      const page = await clientLogin(context, s.url, people().client, 'german');
      await page.goto(overviewUrl(people().client.serviceId));
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Produktdetails/);
      await expect.poll(() => rowValue(page, /^Betriebszustand/), { timeout: 15_000 }).toBe('Läuft');
      expect(await page.locator('.module-client-area').textContent()).not.toMatch(/\bPower\b|\bRunning\b/);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('another client is sent back to clientarea.php and sees nothing of that service', async () => {
    const context = await browser.newContext();
    try {
      const page = await clientLogin(context, s.url, people().otherClient);
      const svc = await s.stack.db('tblhosting').where({ id: people().client.serviceId }).first();
      await page.goto(overviewUrl(people().client.serviceId));
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/clientarea.php');
      const html = await page.content();
      expect(html).not.toContain(svc.dedicatedip);
      expect(html).not.toContain(svc.domain);
      expect(html).not.toContain('pvebridge-overview');
      // The module's JSON action on someone else's service, with a valid token of this session,
      // is refused the same way (without the token it is refused as a CSRF failure first).
      await page.goto(overviewUrl(people().otherClient.serviceId));
      const token = await page.locator('input[name=token]').first().getAttribute('value');
      const json = await page.request.post(`${overviewUrl(people().client.serviceId)}&modop=custom&a=ClientApi`, {
        form: { token: token!, op: 'overview' },
        maxRedirects: 0,
      });
      expect(json.status()).toBe(302);
      expect(json.headers().location).toBe('clientarea.php');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('an admin runs Stop from Module Commands; the VM stops and the open client overview follows', async () => {
    const clientContext = await browser.newContext();
    const adminContext = await browser.newContext();
    try {
      const client = await clientLogin(clientContext, s.url, people().client);
      await client.goto(overviewUrl(people().client.serviceId));
      await expect.poll(() => rowValue(client, /^Power/), { timeout: 15_000 }).toBe('Running');

      const admin = await adminLogin(adminContext, s.url, people().admin);
      await admin.goto(`${s.url}/admin/clientsservices.php?userid=${people().client.userId}&id=${people().client.serviceId}`);
      const commands = admin.getByRole('group', { name: 'Module Commands' });
      const runner = admin.waitForResponse((r) => r.url().endsWith('/admin/clientsservices.php') && r.request().method() === 'POST');
      await commands.getByRole('button', { name: 'Stop', exact: true }).click();
      const reply = await runner;
      // WHMCS's runner call: userid, id, modop=custom, ac, ajax=1 and the CSRF token.
      const sent = Object.fromEntries(new URLSearchParams(reply.request().postData() ?? ''));
      expect(sent).toMatchObject({
        userid: String(people().client.userId),
        id: String(people().client.serviceId),
        modop: 'custom',
        ac: 'Stop',
        ajax: '1',
      });
      expect(sent.token).toMatch(/^[0-9a-f]{40}$/);
      await expect.poll(() => admin.getByRole('status').first().textContent()).toContain('Module Command Success');

      const vm = (await getVm(s.stack.db, people().client.serviceId))!;
      await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'stopped', 20_000, 'the simulator VM to stop');
      // No reload: the overview polls the module's JSON action and shows the new state.
      await expect.poll(() => rowValue(client, /^Power/), { timeout: 20_000 }).toBe('Stopped');
    } finally {
      await clientContext.close();
      await adminContext.close();
    }
  }, 90_000);

  it("the product page's Module Settings fill the Loader dropdowns from the simulator and save configoptionN by position", async () => {
    const context = await browser.newContext();
    try {
      const page = await adminLogin(context, s.url, people().admin);
      const pid = s.stack.seeded.productId;
      await page.goto(`${s.url}/admin/configproducts.php?action=edit&id=${pid}`);
      await page.getByRole('tab', { name: 'Module Settings' }).click();
      const nodes = page.getByRole('combobox', { name: 'Target node' });
      const nodeValues = await nodes.locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      expect(nodeValues).toEqual(expect.arrayContaining(s.stack.sim.scenario.nodes.map((n) => n.name)));
      const templates = page.getByRole('combobox', { name: 'OS template' });
      const templateValues = await templates
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      const simTemplates = [...s.stack.sim.state.vms.values()].filter((v) => v.config.template).map((v) => String(v.vmid));
      expect(templateValues.sort()).toEqual(expect.arrayContaining(simTemplates));
      await nodes.selectOption('pve2');
      await templates.selectOption('9001');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.waitForURL(/success=true/);
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Changes Saved Successfully!');
      const row = await s.stack.db('tblproducts').where({ id: pid }).first();
      expect([row.configoption1, row.configoption2]).toEqual(['pve2', '9001']);
      // Read back through the page: the saved values are the selected options.
      await page.getByRole('tab', { name: 'Module Settings' }).click();
      expect(await page.getByRole('combobox', { name: 'Target node' }).inputValue()).toBe('pve2');
    } finally {
      await context.close();
    }
  }, 60_000);

  it("the addon page wraps the addon's _output in the admin frame", async () => {
    const context = await browser.newContext();
    try {
      const page = await adminLogin(context, s.url, people().admin);
      await page.goto(`${s.url}/admin/addonmodules.php?module=pvebridge_admin`);
      expect(await page.getByRole('note').first().textContent()).toContain('Development stand-in for WHMCS');
      const output = page.locator('#contentarea');
      expect(((await output.innerHTML()) ?? '').trim()).not.toBe('');
      expect(await page.getByRole('navigation', { name: 'Admin' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);
});
