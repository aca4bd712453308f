// The dev WHMCS's WHMCS functions on both database dialects (real php, PDO sqlite and mysql):
// its external API (authentication, SendEmail into tblemails, the password cipher both ways with
// common/whmcs-crypto.ts, UpdateClientProduct, GetClientsProducts, OpenTicket, LogActivity),
// the $params it builds, and the module log a page render leaves (secrets masked).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../bin/stack/index.ts';
import { phpAddonVersion } from '../../devwhmcs/index.ts';
import { insertRow } from '../../common/whmcs-fixture/index.ts';
import { decryptWhmcsPassword, encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';

const SERVICE_PASSWORD = 'Svc-pass-0123!';
const dialects = has('php') ? await testDialects() : [];

describe.each(dialects)('dev WHMCS functions on %s', (dialect) => {
  let t: TestDb;
  let s: Stack;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    s = await startStack({ dbUrl: t.url, db: t.db, devWhmcs: true, servicePassword: SERVICE_PASSWORD, vncproxy: false });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await t?.drop();
  });

  const api = async (action: string, values: Record<string, string>, credentials = s.config.whmcsApi!) => {
    const res = await fetch(s.whmcsApiUrl, {
      method: 'POST',
      body: new URLSearchParams({
        action,
        identifier: credentials.identifier,
        secret: credentials.secret,
        responsetype: 'json',
        ...values,
      }),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const sid = () => s.people!.client.serviceId;
  /** An admin's session cookie, logged in through /admin/login.php with its token. */
  const adminSession = async (): Promise<string> => {
    const form = await fetch(`${s.devWhmcs!.url}/admin/login.php`);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
    const token = /name="token" value="([0-9a-f]+)"/.exec(await form.text())![1]!;
    const login = await fetch(`${s.devWhmcs!.url}/admin/login.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, username: 'admin', password: s.people!.admin.password }),
      redirect: 'manual',
    });
    return (login.headers.get('set-cookie') ?? cookie).split(';')[0]!;
  };

  it('refuses wrong API credentials with WHMCS\'s "Authentication Failed"', async () => {
    expect(await api('GetClientsProducts', {}, { url: '', identifier: s.config.whmcsApi!.identifier, secret: 'wrong' })).toEqual({
      result: 'error',
      message: 'Authentication Failed',
    });
  });

  it('SendEmail renders the named template for the service and writes it to tblemails', async () => {
    expect(await api('SendEmail', { messagename: 'puqProxmoxKVM VM is ready', id: String(sid()) })).toEqual({ result: 'success' });
    const mail = await s.db('tblemails').where({ userid: s.people!.client.userId }).orderBy('id', 'desc').first();
    expect(mail).toMatchObject({ subject: 'Your VM vm1.example.com is ready', to: s.people!.client.email });
    expect(mail.message).toContain('Dear Ada Lovelace');
    expect(await api('SendEmail', { messagename: 'No such template', id: String(sid()) })).toEqual({
      result: 'error',
      message: 'Email Template not found',
    });
  });

  it("EncryptPassword/DecryptPassword use WHMCS's cipher with this install's cc_encryption_hash", async () => {
    const hash = s.secrets.ccEncryptionHash;
    const enc = await api('EncryptPassword', { password2: 'a long password, longer than one 20-byte block' });
    expect(decryptWhmcsPassword(String(enc.password), hash)).toBe('a long password, longer than one 20-byte block');
    expect(await api('DecryptPassword', { password2: encryptWhmcsPassword('from node', hash) })).toEqual({
      result: 'success',
      password: 'from node',
    });
  });

  it('UpdateClientProduct stores servicepassword encrypted; GetClientsProducts returns it decrypted', async () => {
    expect(await api('UpdateClientProduct', { serviceid: String(sid()), servicepassword: 'New-pass-9' })).toEqual({
      result: 'success',
      serviceid: sid(),
    });
    const row = await s.db('tblhosting').where({ id: sid() }).first();
    expect(row.password).not.toContain('New-pass-9');
    expect(decryptWhmcsPassword(row.password, s.secrets.ccEncryptionHash)).toBe('New-pass-9');
    const list = await api('GetClientsProducts', { clientid: String(s.people!.client.userId) });
    expect((list.products as { product: Array<Record<string, unknown>> }).product).toEqual([
      expect.objectContaining({ id: sid(), pid: s.seeded.productId, password: 'New-pass-9', status: 'Active', domain: 'vm1.example.com' }),
    ]);
    await api('UpdateClientProduct', { serviceid: String(sid()), servicepassword: SERVICE_PASSWORD });
    expect(await api('UpdateClientProduct', { serviceid: '999999' })).toEqual({ result: 'error', message: 'Service ID Not Found' });
  });

  it('OpenTicket writes tbltickets for the client; LogActivity writes tblactivitylog', async () => {
    const dept = await s.db('tblticketdepartments').first();
    const opened = await api('OpenTicket', {
      deptid: String(dept.id),
      subject: 'rDNS',
      message: 'please',
      clientid: String(s.people!.client.userId),
      serviceid: String(sid()),
    });
    expect(opened).toMatchObject({ result: 'success', tid: expect.stringMatching(/^\d{6}$/) });
    expect(await s.db('tbltickets').where({ id: opened.id }).first()).toMatchObject({
      title: 'rDNS',
      userid: s.people!.client.userId,
      status: 'Open',
      service: `S${sid()}`,
    });
    expect(await api('OpenTicket', { deptid: '999', subject: 'x', message: 'y' })).toEqual({
      result: 'error',
      message: 'Department ID not found',
    });
    expect(await api('LogActivity', { description: 'pvebridge: hello', clientid: String(s.people!.client.userId) })).toEqual({
      result: 'success',
    });
    expect(await s.db('tblactivitylog').where({ description: 'pvebridge: hello' }).first()).toMatchObject({
      userid: s.people!.client.userId,
      user: 'System',
    });
  });

  it('builds $params as WHMCS does: decrypted service password and serverpassword, configoptions, client details', async () => {
    const { stdout } = await promisify(execFile)(
      'php',
      [path.resolve('test/devwhmcs/params.php'), String(sid()), String(s.seeded.productId)],
      {
        env: { PATH: process.env.PATH ?? '', DEVWHMCS_CONFIG: s.devWhmcs!.configFile },
      },
    );
    const { service, product } = JSON.parse(stdout);
    expect(service).toMatchObject({
      serviceid: sid(),
      userid: s.people!.client.userId,
      pid: s.seeded.productId,
      serverid: s.seeded.serverId,
      domain: 'vm1.example.com',
      username: 'root',
      password: SERVICE_PASSWORD,
      moduletype: 'pvebridge',
      status: 'Active',
      configoption1: 'automatically',
      configoption2: '9000',
      configoption24: '',
      clientsdetails: { email: s.people!.client.email, firstname: 'Ada', fullname: 'Ada Lovelace' },
      server: true,
      serverip: '127.0.0.1',
      serverusername: s.sim.tokenId,
      serverpassword: s.sim.secret,
      serversecure: false,
      serverhttpprefix: 'http',
      serverport: new URL(s.sim.url).port,
    });
    // The product page's ConfigOptions/Loaders get the server group's first server.
    expect(product).toMatchObject({ serverid: s.seeded.serverId, serverpassword: s.sim.secret, configoption2: '9000' });
  });

  it('a page render leaves module log rows with the shared secret and credentials masked', async () => {
    const before = Number((await s.db('tblmodulelog').count({ n: '*' }).first())?.n);
    // An admin page: AdminServicesTabFields and AdminCustomButtonArray go to the gateway.
    const session = await adminSession();
    const page = await fetch(`${s.devWhmcs!.url}/admin/clientsservices.php?userid=${s.people!.client.userId}&id=${sid()}`, {
      headers: { cookie: session },
    });
    expect(await page.text()).toContain('Module Commands');
    const rows = (await s.db('tblmodulelog').where('id', '>', before).select()) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.module === 'pvebridge')).toBe(true);
    const all = JSON.stringify(rows);
    for (const secret of [s.secrets.sharedSecret, SERVICE_PASSWORD, s.sim.secret]) expect(all).not.toContain(secret);
  });

  it("hands the addon's _output modulelink, version and _lang in the admin's language, english filling gaps", async () => {
    await s.db('tbladmins').where({ id: s.people!.admin.id }).update({ language: 'german' });
    try {
      const { stdout } = await promisify(execFile)(
        'php',
        [path.resolve('test/devwhmcs/addon-vars.php'), 'pvebridge_admin', String(s.people!.admin.id)],
        {
          env: { PATH: process.env.PATH ?? '', DEVWHMCS_CONFIG: s.devWhmcs!.configFile },
        },
      );
      const { vars, english } = JSON.parse(stdout) as {
        vars: Record<string, unknown> & { _lang: Record<string, string> };
        english: Record<string, string>;
      };
      const installed = await s.db('tbladdonmodules').where({ module: 'pvebridge_admin', setting: 'version' }).first();
      expect(vars).toMatchObject({ modulelink: 'addonmodules.php?module=pvebridge_admin', version: installed.value });
      expect(Object.keys(english).length).toBeGreaterThan(0);
      expect(Object.keys(vars._lang)).toEqual(expect.arrayContaining(Object.keys(english)));
      expect(Object.keys(english).some((k) => vars._lang[k] !== english[k])).toBe(true); // German, not English
    } finally {
      await s.db('tbladmins').where({ id: s.people!.admin.id }).update({ language: 'english' });
    }
  });

  it('passes custom fields and configurable options by their short names ($params) and in GetClientsProducts', async () => {
    const pid = s.seeded.productId;
    const field = await insertRow(s.db, 'tblcustomfields', { type: 'product', relid: pid, fieldname: 'vmid|VM ID', fieldtype: 'text' });
    await insertRow(s.db, 'tblcustomfieldsvalues', { fieldid: field, relid: sid(), value: '4242' });
    const group = await insertRow(s.db, 'tblproductconfiggroups', { name: 'OS' });
    await insertRow(s.db, 'tblproductconfiglinks', { gid: group, pid });
    const option = await insertRow(s.db, 'tblproductconfigoptions', { gid: group, optionname: 'os|Operating System', optiontype: '1' });
    const choice = await insertRow(s.db, 'tblproductconfigoptionssub', { configid: option, optionname: '9001|Ubuntu 24.04' });
    const ram = await insertRow(s.db, 'tblproductconfigoptions', { gid: group, optionname: 'ram|RAM (GB)', optiontype: '4' });
    await insertRow(s.db, 'tblhostingconfigoptions', { relid: sid(), configid: option, optionid: choice, qty: 0 });
    await insertRow(s.db, 'tblhostingconfigoptions', { relid: sid(), configid: ram, optionid: 0, qty: 8 });
    const { stdout } = await promisify(execFile)('php', [path.resolve('test/devwhmcs/params.php'), String(sid()), String(pid)], {
      env: { PATH: process.env.PATH ?? '', DEVWHMCS_CONFIG: s.devWhmcs!.configFile },
    });
    const { service } = JSON.parse(stdout);
    expect(service.customfields).toEqual({ vmid: '4242' });
    expect(service.configoptions).toEqual({ os: '9001', ram: 8 });
    const list = await api('GetClientsProducts', { serviceid: String(sid()) });
    const product = (list.products as { product: Array<Record<string, { customfield?: unknown; configoption?: unknown }>> }).product[0]!;
    expect(product.customfields!.customfield).toEqual([{ id: field, name: 'vmid|VM ID', translated_name: 'vmid|VM ID', value: '4242' }]);
    expect(product.configoptions!.configoption).toEqual([
      { id: option, option: 'os|Operating System', type: 'dropdown', value: '9001' },
      { id: ram, option: 'ram|RAM (GB)', type: 'quantity', value: '8' },
    ]);
  });

  it("runs the addon's _upgrade with the old version on the first access after the version changed", async () => {
    const where = { module: 'pvebridge_admin', setting: 'version' };
    const current = (await s.db('tbladdonmodules').where(where).first()).value;
    expect(current).toBe(phpAddonVersion('pvebridge_admin'));
    await s.db('tbladdonmodules').where(where).update({ value: '0.0.1' });
    const session = await adminSession();
    const page = await fetch(`${s.devWhmcs!.url}/admin/addonmodules.php?module=pvebridge_admin`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect((await s.db('tbladdonmodules').where(where).first()).value).toBe(current);
    expect(await s.db('tblactivitylog').where('description', 'like', 'pvebridge: upgrade from 0.0.1 to%').first()).toBeTruthy();
    // Once: the next access runs nothing.
    await fetch(`${s.devWhmcs!.url}/admin/addonmodules.php?module=pvebridge_admin`, { headers: { cookie: session } });
    expect(await s.db('tblactivitylog').where('description', 'like', 'pvebridge: upgrade from%').count({ n: '*' }).first()).toMatchObject({
      n: 1,
    });
  });
});
