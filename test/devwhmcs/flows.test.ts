// WHMCS behaviour of the dev WHMCS around the module, in a real browser: client custom functions
// (allowed list, success/failed banner, a custom page from `templatefile`), the CSRF token on
// POSTs, the admin service Save (AdminServicesTabFieldsSave reaches the gateway), and addon
// deactivation/activation through _deactivate/_activate.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { adminLogin, browserTier, clientLogin, launch, pageStack, waitFor, type PageStack } from './support.ts';

describe.runIf(browserTier())('dev WHMCS flows', () => {
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
  const withContext = async (fn: (c: BrowserContext) => Promise<void>) => {
    const context = await browser.newContext();
    try {
      await fn(context);
    } finally {
      await context.close();
    }
  };

  it(
    'runs an allowed client function with the success banner, refuses others and token-less POSTs',
    () =>
      withContext(async (context) => {
        const c = s.stack.people!.client;
        const page = await clientLogin(context, s.url, c);
        const url = `${s.url}/clientarea.php?action=productdetails&id=${c.serviceId}`;
        await page.goto(url);
        const token = (await page.locator('input[name=token]').first().getAttribute('value'))!;
        const stop = await page.request.post(url, { form: { token, modop: 'custom', a: 'Stop' } });
        expect(await stop.text()).toContain('Action Completed Successfully!');
        const vm = (await getVm(s.stack.db, c.serviceId))!;
        await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'stopped', 20_000, 'the VM to stop');
        // Reinstall is an admin command: not in the client's allowed functions.
        const refused = await page.request.post(url, { form: { token, modop: 'custom', a: 'Reinstall' } });
        expect(await refused.text()).toMatch(/Action Failed:<\/strong> Function Not Allowed/);
        const noToken = await page.request.post(url, { form: { modop: 'custom', a: 'Start' } });
        expect(noToken.status()).toBe(403);
        expect(await noToken.text()).toContain('Invalid CSRF Protection Token');
        expect(s.stack.sim.state.vms.get(vm.vmid!)?.status).toBe('stopped');
        const start = await page.request.post(url, { form: { token, modop: 'custom', a: 'Start' } });
        expect(await start.text()).toContain('Action Completed Successfully!');
        await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'running', 20_000, 'the VM to start');
      }),
    60_000,
  );

  it(
    "renders a custom function's templatefile as the page (the noVNC page)",
    () =>
      withContext(async (context) => {
        const c = s.stack.people!.client;
        const page = await clientLogin(context, s.url, c);
        const url = `${s.url}/clientarea.php?action=productdetails&id=${c.serviceId}`;
        await page.goto(url);
        const token = (await page.locator('input[name=token]').first().getAttribute('value'))!;
        const res = await page.request.post(url, { form: { token, modop: 'custom', a: 'ClientConsole' } });
        const html = await res.text();
        expect(html).toMatch(/<nav aria-label="Breadcrumb">/);
        expect(html).toMatch(new RegExp(`href="${s.stack.vnc!.url}/console/${c.serviceId}#`));
        expect(html).not.toContain('class="module-client-area"'); // the page, not the overview
      }),
    60_000,
  );

  it(
    'an admin Save stores the service and runs AdminServicesTabFieldsSave through the gateway',
    () =>
      withContext(async (context) => {
        const c = s.stack.people!.client;
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        await page.goto(`${s.url}/admin/clientsservices.php?userid=${c.userId}&id=${c.serviceId}`);
        const before = Number(
          (await s.stack.db('tblmodulelog').where({ action: 'adminservicestabfieldssave' }).count({ n: '*' }).first())?.n,
        );
        await page.getByRole('textbox', { name: 'Username' }).fill('admin-renamed');
        // A changed module field (the first rDNS name) makes the module's save talk to the gateway.
        await page.locator('input[name^="pvebridge_rdns["]').first().fill('ptr-renamed.example.com');
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes Saved Successfully!');
        expect((await s.stack.db('tblhosting').where({ id: c.serviceId }).first()).username).toBe('admin-renamed');
        const after = Number(
          (await s.stack.db('tblmodulelog').where({ action: 'adminservicestabfieldssave' }).count({ n: '*' }).first())?.n,
        );
        expect(after).toBe(before + 1);
      }),
    60_000,
  );

  it(
    'deactivates and re-activates the addon through _deactivate/_activate',
    () =>
      withContext(async (context) => {
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        const active = async () =>
          String((await s.stack.db('tblconfiguration').where({ setting: 'ActiveAddonModules' }).first())?.value ?? '')
            .split(',')
            .includes('pvebridge_admin');
        await page.goto(`${s.url}/admin/configaddonmods.php`);
        await page.getByRole('button', { name: /^Deactivate / }).click();
        await expect.poll(() => page.getByRole('button', { name: /^Activate / }).count()).toBe(1);
        expect(await active()).toBe(false);
        await page.goto(`${s.url}/admin/addonmodules.php?module=pvebridge_admin`);
        expect(await page.getByRole('alert').textContent()).toContain('not active');
        await page.goto(`${s.url}/admin/configaddonmods.php`);
        await page.getByRole('button', { name: /^Activate / }).click();
        await expect.poll(() => page.getByRole('button', { name: /^Deactivate / }).count()).toBe(1);
        expect(await active()).toBe(true);
        expect(await s.stack.db('tbladdonmodules').where({ module: 'pvebridge_admin', setting: 'version' }).first()).toBeTruthy();
      }),
    60_000,
  );

  it(
    'Setup > Servers: AdminLink per server, Test Connection with the form values, Server Sync matches the VM',
    () =>
      withContext(async (context) => {
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        const sid = s.stack.seeded.serverId;
        await page.goto(`${s.url}/admin/configservers.php`);
        const link = page.locator('.devwhmcs-adminlink a').first();
        expect(await link.getAttribute('href')).toBe(`https://127.0.0.1:${new URL(s.stack.sim.url).port}/`);
        await page.getByRole('link', { name: 'Edit pve-sim' }).click();
        await page.getByRole('button', { name: 'Test Connection' }).click();
        await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Connected successfully!');
        await page.getByLabel('Password').fill('not-the-token-secret');
        await page.getByRole('button', { name: 'Test Connection' }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/^Connection failed: .+/);
        // Nothing was saved by testing.
        const row = await s.stack.db('tblservers').where({ id: sid }).first();
        expect(decryptWhmcsPassword(row.password, s.stack.secrets.ccEncryptionHash)).toBe(s.stack.sim.secret);
        await page.goto(`${s.url}/admin/configservers.php?action=sync&id=${sid}`);
        const svc = await s.stack.db('tblhosting').where({ id: s.stack.people!.client.serviceId }).first();
        const synced = page.getByRole('row', { name: new RegExp(svc.domain.replace(/\./g, '\\.')) });
        expect(await synced.locator('.devwhmcs-sync-match').textContent()).toContain(`Service #${svc.id}`);
      }),
    60_000,
  );

  it(
    'ChangePassword: the form shows because the module has the function; WHMCS stores the new password encrypted on success',
    () =>
      withContext(async (context) => {
        const c = s.stack.people!.client;
        const page = await clientLogin(context, s.url, c);
        await page.goto(`${s.url}/clientarea.php?action=productdetails&id=${c.serviceId}`);
        const form = page.getByRole('region', { name: 'Change Password' });
        await form.getByLabel('New Password', { exact: true }).fill('Brand-new-pass-1');
        await form.getByLabel('Confirm New Password').fill('something else');
        await form.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('The passwords you entered did not match');
        const stored = async () =>
          decryptWhmcsPassword(
            (await s.stack.db('tblhosting').where({ id: c.serviceId }).first()).password,
            s.stack.secrets.ccEncryptionHash,
          );
        expect(await stored()).not.toBe('Brand-new-pass-1');
        await form.getByLabel('New Password', { exact: true }).fill('Brand-new-pass-1');
        await form.getByLabel('Confirm New Password').fill('Brand-new-pass-1');
        await form.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Password Changed Successfully!');
        expect(await stored()).toBe('Brand-new-pass-1');
        expect(await s.stack.db('tblactivitylog').where('description', 'like', 'Module ChangePassword Successful%').first()).toBeTruthy();
      }),
    60_000,
  );

  it(
    "a product addon's Module Settings (configaddons.php, id = the addon's id) save to tblmodule_configuration",
    () =>
      withContext(async (context) => {
        // Addon id 1 = product id 1: the page's `id` must not be taken for a product.
        const [addonId] = await s.stack.db('tbladdons').insert({
          packages: String(s.stack.seeded.productId),
          name: 'Extra VM',
          description: '',
          billingcycle: 'Monthly',
          downloads: '',
          autoactivate: '',
          autolinkby: '',
          module: 'pvebridge',
          server_group_id: (await s.stack.db('tblproducts').where({ id: s.stack.seeded.productId }).first()).servergroup,
        });
        expect(Number(addonId)).toBe(s.stack.seeded.productId);
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        await page.goto(`${s.url}/admin/configaddons.php?action=manage&id=${addonId}`);
        const nodes = page.getByRole('combobox', { name: 'Target node' });
        await nodes.selectOption('pve3');
        expect(await page.locator(`.pvebridge-panel[data-product="${s.stack.seeded.productId}"]`).count()).toBe(0);
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await page.waitForURL(/success=true/);
        const row = await s.stack
          .db('tblmodule_configuration')
          .where({ entity_type: 'addon', entity_id: addonId, setting_name: 'configoption1' })
          .first();
        expect(row.value).toBe('pve3');
        expect((await s.stack.db('tblproducts').where({ id: s.stack.seeded.productId }).first()).configoption1).not.toBe('pve3');
      }),
    60_000,
  );

  it(
    'the Module Commands runner opens a `window|URL` reply in a new window (the admin Console)',
    () =>
      withContext(async (context) => {
        const c = s.stack.people!.client;
        const vm = (await getVm(s.stack.db, c.serviceId))!;
        await waitFor(async () => s.stack.sim.state.vms.get(vm.vmid!)?.status === 'running', 20_000, 'the VM to run');
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        await page.goto(`${s.url}/admin/clientsservices.php?userid=${c.userId}&id=${c.serviceId}`);
        const popup = context.waitForEvent('page');
        await page.getByRole('group', { name: 'Module Commands' }).getByRole('button', { name: 'Console', exact: true }).click();
        const opened = await popup;
        expect(opened.url()).toMatch(new RegExp(`^${s.stack.vnc!.url}/console/${c.serviceId}`));
        // The tab itself stays: a window| reply does not replace #servicecontent.
        expect(await page.getByRole('group', { name: 'Module Commands' }).isVisible()).toBe(true);
      }),
    60_000,
  );

  it(
    "a Loader that throws: the product page shows the exception's message next to a plain field",
    () =>
      withContext(async (context) => {
        const page = await adminLogin(context, s.url, s.stack.people!.admin);
        s.stack.sim.faults.set({ errors: [{ path: '^/(nodes|cluster)', status: 500, message: 'simulated Proxmox failure' }] });
        try {
          await page.goto(`${s.url}/admin/configproducts.php?action=edit&id=${s.stack.seeded.productId}`);
          await page.getByRole('tab', { name: 'Module Settings' }).click();
          const field = page.getByRole('textbox', { name: 'Target node' });
          expect(await field.inputValue()).toBe('automatically'); // the stored value, editable by hand
          const message = page.locator('#tab3box .devwhmcs-loader-error').first();
          expect(((await message.textContent()) ?? '').trim()).not.toBe('');
          expect(await page.getByRole('combobox', { name: 'Target node' }).count()).toBe(0);
        } finally {
          s.stack.sim.faults.set({});
        }
      }),
    60_000,
  );
});
