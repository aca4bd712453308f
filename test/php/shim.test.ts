// The PHP shim run by real php, as WHMCS would call it, against a running gateway (SQLite and
// MariaDB) and the Proxmox simulator: each function's return value and its effect in the database.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { FIXTURE_CC_ENCRYPTION_HASH, seedWhmcs, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { createContext, type GatewayContext } from '../../gateway/context.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { WHMCS_FIELDS } from '../../gateway/whmcs/product-fields.ts';
import { getProductSettings, saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';
import { has } from '../support/tools.ts';
import { renderBoth, runShim, type ShimJob } from './shim-support.ts';

const SECRET = 'php-shim-shared-secret-0123456789abcdef';
const TOKEN = 'root@pam!pvebridge=6e2d0c55-0000-4000-8000-0000000000aa';
const dialects = has('php') ? await testDialects() : [];

describe.skipIf(!has('php')).each(dialects)('PHP shim (real php) on %s', (dialect) => {
  let sim: Simulator;
  let t: TestDb;
  let ctx: GatewayContext;
  let gw: RunningGateway;
  let s: Seeded & { serviceId: number };
  let kicks: number[];
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({ token: TOKEN, timeScale: 0.01 });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    t = await createTestDb(dialect);
    ctx = createContext(
      loadConfig({
        PVEBRIDGE_DB_URL: t.url,
        PVEBRIDGE_SHARED_SECRET: SECRET,
        PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: FIXTURE_CC_ENCRYPTION_HASH,
      }),
      { db: t.db, log: silentLogger },
    );
    kicks = [];
    ctx.runner = { kick: (id) => void kicks.push(id) };
    s = (await seedWhmcs(t.db, {
      tokenSecret: sim.secret,
      server: { hostname: '127.0.0.1', port: Number(new URL(sim.url).port), username: sim.tokenId, secure: '' },
      product: { configoption2: '9000' },
    })) as Seeded & { serviceId: number };
    gw = await startGateway(ctx, { port: 0, host: '127.0.0.1' });
    env = { PVEBRIDGE_GATEWAY_URL: gw.url, PVEBRIDGE_SHARED_SECRET: SECRET, PVEBRIDGE_TIMEOUT: '10' };
  });
  afterEach(async () => {
    await gw?.close(); // closes the database too
    await t?.drop().catch(() => undefined);
  });

  /** $params as WHMCS builds them for this service (secrets included: the shim must strip them). */
  const params = (extra: Record<string, unknown> = {}) => ({
    serviceid: s.serviceId,
    accountid: s.serviceId,
    userid: s.clientId,
    pid: s.productId,
    serverid: s.serverId,
    domain: 'vm1.example.com',
    username: 'root',
    password: 'service-root-password',
    serverpassword: sim.secret,
    serverusername: sim.tokenId,
    configoption1: '',
    configoption2: '9000',
    configoptions: [],
    customfields: [],
    clientsdetails: { email: 'ada@example.com' },
    ...extra,
  });
  const adminCall = (fn: string, extra: Partial<ShimJob> = {}) =>
    runShim({ function: `pvebridge_${fn}`, args: [params()], session: { adminid: 1 }, area: 'admin', ...extra }, env);
  const vm = () => t.db('mod_pvebridge_vms').where({ service_id: s.serviceId }).first();
  const putVm = async (state: string, extra: Record<string, unknown> = {}) => {
    const now = Date.now();
    await t.db('mod_pvebridge_vms').insert({
      service_id: s.serviceId,
      client_id: s.clientId,
      product_id: s.productId,
      server_id: s.serverId,
      state,
      data: '{}',
      created_at: now,
      updated_at: now,
      ...extra,
    });
  };
  const activate = () => t.db('tblhosting').where({ id: s.serviceId }).update({ domainstatus: 'Active' });

  it('MetaData names the module without calling the gateway', async () => {
    const r = await runShim({ function: 'pvebridge_MetaData' }, {});
    expect(r.return).toMatchObject({ DisplayName: 'pvebridge (Proxmox VE KVM)', APIVersion: '1.1', RequiresServer: true });
    expect(r.modulelog).toEqual([]);
  });

  it('CreateAccount returns success at once and leaves the VM record in creation, secrets stripped and masked', async () => {
    const r = await runShim({ function: 'pvebridge_CreateAccount', args: [params()] }, env);
    expect(r.return).toBe('success');
    expect((await vm()).state).toBe('creation');
    expect(JSON.parse((await vm()).data)).toEqual({ queuedBy: 'system' });
    expect(kicks).toEqual([s.serviceId]);
    const log = r.modulelog[0]!;
    expect(log).toMatchObject({ module: 'pvebridge', action: 'CreateAccount' });
    for (const secret of [sim.secret, 'service-root-password', SECRET, 'ada@example.com'])
      expect(JSON.stringify(r.modulelog)).not.toContain(secret);
    expect(JSON.parse(log.request)).toMatchObject({ actor: { type: 'system' }, params: { serviceid: s.serviceId, configoptions: [] } });
  });

  it('CreateAccount by an admin records the admin, and a refused plan comes back as the error string', async () => {
    expect((await adminCall('CreateAccount')).return).toBe('success');
    expect(JSON.parse((await vm()).data)).toEqual({ queuedBy: 'admin:1' });
    await t.db('tblproducts').where({ id: s.productId }).update({ configoption2: '' });
    await t.db('mod_pvebridge_vms').delete();
    await saveProductSettings(t.db, s.productId, { osTemplate: 0 });
    const r = await adminCall('CreateAccount');
    expect(r.return).toMatch(/^Plan refused: no OS template/);
    expect(await vm()).toBeUndefined();
  });

  it('SuspendAccount stops the running VM and UnsuspendAccount starts it again', async () => {
    await putVm('ready', { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    sim.state.advance();
    expect(sim.state.vms.get(100)!.status).toBe('running');
    expect((await runShim({ function: 'pvebridge_SuspendAccount', args: [params()] }, env)).return).toBe('success');
    await new Promise((r) => setTimeout(r, 100));
    sim.state.advance();
    expect(sim.state.vms.get(100)!.status).toBe('stopped');
    expect((await runShim({ function: 'pvebridge_UnsuspendAccount', args: [params()] }, env)).return).toBe('success');
    await new Promise((r) => setTimeout(r, 100));
    sim.state.advance();
    expect(sim.state.vms.get(100)!.status).toBe('running');
  });

  it('TerminateAccount queues terminate; ChangePackage queues change_package only from ready', async () => {
    await putVm('clone');
    const refused = await adminCall('ChangePackage');
    expect(refused.return).toBe('Change Package not queued: a deploy is in progress (state clone). Try again once the VM is ready.');
    await t.db('mod_pvebridge_vms').update({ state: 'ready' });
    expect((await adminCall('ChangePackage')).return).toBe('success');
    expect((await vm()).state).toBe('change_package');
    await t.db('mod_pvebridge_vms').update({ state: 'set_ip' });
    expect((await adminCall('TerminateAccount')).return).toBe('success');
    expect((await vm()).state).toBe('terminate');
  });

  it('TestConnection reports success, and names a wrong secret, masking the secret in the module log', async () => {
    const form = {
      serverid: s.serverId,
      serverhostname: '127.0.0.1',
      serverport: new URL(sim.url).port,
      serversecure: false,
      serverusername: sim.tokenId,
    };
    const ok = await runShim(
      { function: 'pvebridge_TestConnection', args: [{ ...form, serverpassword: sim.secret }], session: { adminid: 1 } },
      env,
    );
    expect(ok.return).toEqual({ success: true, error: '' });
    expect(JSON.stringify(ok.modulelog)).not.toContain(sim.secret);
    const bad = await runShim(
      { function: 'pvebridge_TestConnection', args: [{ ...form, serverpassword: 'not-the-secret' }], session: { adminid: 1 } },
      env,
    );
    expect(bad.return).toEqual({ success: false, error: expect.stringMatching(/rejected the API token root@pam!pvebridge/) });
    expect(JSON.stringify(bad.modulelog)).not.toContain('not-the-secret');
  });

  const productPage = (extra: Partial<ShimJob> = {}) =>
    runShim(
      {
        function: 'pvebridge_ConfigOptions',
        args: [{}],
        script: 'configproducts.php',
        request: { action: 'edit', id: String(s.productId) },
        session: { adminid: 1 },
        ...extra,
      },
      env,
    );

  it('ConfigOptions declares the module fields in their storage order and renders the settings panel', async () => {
    await saveProductSettings(t.db, s.productId, { novncKey: 'panel-secret-value' });
    const r = await productPage();
    const fields = r.return as Record<string, { Loader?: string; Description: string }>;
    expect(Object.keys(fields)).toEqual([...WHMCS_FIELDS, 'settingsPanel']);
    expect(fields.targetNode!.Loader).toBe('pvebridge_LoaderNodes');
    const panel = fields.settingsPanel!.Description;
    expect(panel).toContain('<legend>Client area permissions</legend>');
    expect(panel).toContain('name="pvebridge_settings[cpu]" value="1"');
    expect(panel).toContain('name="pvebridge_settings[novncKey]" value="__KEEP__"');
    expect(panel).not.toContain('panel-secret-value');
    expect(fields.targetNode).toMatchObject({ FriendlyName: 'Target node' });
    const german = await productPage({ session: { adminid: 1, adminlang: 'german' } });
    expect((german.return as Record<string, { FriendlyName: string }>).targetNode!.FriendlyName).toBe('Zielknoten');
  });

  it('ConfigOptions takes the product id only from the product page: an addon id on configaddons.php asks nothing', async () => {
    const addonPage = await runShim(
      {
        function: 'pvebridge_ConfigOptions',
        args: [{}],
        script: 'configaddons.php',
        request: { action: 'manage', id: String(s.productId) },
        session: { adminid: 1 },
      },
      env,
    );
    expect(addonPage.modulelog).toEqual([]);
    expect((addonPage.return as Record<string, { Description: string }>).settingsPanel!.Description).toContain(
      'Save the product with the pvebridge module selected',
    );
    const groupPage = await productPage({ request: { action: 'editgroup', id: String(s.productId) } });
    expect(groupPage.modulelog).toEqual([]);
    expect((await productPage()).modulelog.map((l) => l.action)).toEqual(['ConfigOptions']);
  });

  it('the Loader functions return Proxmox values, and throw a readable exception when Proxmox is unreachable', async () => {
    const nodes = await runShim({ function: 'pvebridge_LoaderNodes', args: [{ pid: s.productId }], session: { adminid: 1 } }, env);
    expect(Object.keys(nodes.return as object)).toEqual(['automatically', 'pve1', 'pve2', 'pve3']);
    const templates = await runShim({ function: 'pvebridge_LoaderTemplates', args: [{ pid: s.productId }], session: { adminid: 1 } }, env);
    expect(Object.keys(templates.return as object).sort()).toEqual(['9000', '9001', '9002']);
    expect(
      Object.keys((await runShim({ function: 'pvebridge_LoaderStorages', args: [{ pid: s.productId }] }, env)).return as object),
    ).toContain('ceph-vm');
    expect((await runShim({ function: 'pvebridge_LoaderBridges', args: [{ pid: s.productId }] }, env)).return).toEqual({ vmbr0: 'vmbr0' });
    await t.db('tblservers').update({ port: 1 });
    const down = await runShim({ function: 'pvebridge_LoaderNodes', args: [{ pid: s.productId }] }, env);
    expect(down.threw).toEqual({ class: 'Exception', message: expect.stringMatching(/^Proxmox cluster resource listing failed/) });
  });

  it('the AdminProductConfigFieldsSave hook saves the posted panel, keeping a masked secret', async () => {
    await saveProductSettings(t.db, s.productId, { novncKey: 'keep-me' });
    const r = await runShim(
      {
        hook: 'AdminProductConfigFieldsSave',
        vars: { pid: s.productId },
        post: { pvebridge_settings: { cpu: '8', ram: '16', fwEnable: '', permReinstall: 'on', novncKey: '__KEEP__' } },
        session: { adminid: 1 },
      },
      env,
    );
    expect(r.threw).toBeNull();
    expect(await getProductSettings(t.db, s.productId)).toMatchObject({
      cpu: 8,
      ram: 16,
      fwEnable: false,
      permReinstall: true,
      novncKey: 'keep-me',
    });
    // Another module's product posts no panel: nothing is sent.
    const other = await runShim({ hook: 'AdminProductConfigFieldsSave', vars: { pid: s.productId }, post: { servertype: 'cpanel' } }, env);
    expect(other.modulelog).toEqual([]);
    expect((await getProductSettings(t.db, s.productId)).cpu).toBe(8);
  });

  it('a product save the gateway refuses is logged and shown on the product page with the values entered', async () => {
    const save = await runShim(
      {
        hook: 'AdminProductConfigFieldsSave',
        vars: { pid: s.productId },
        post: { pvebridge_settings: { cpu: 'many', ram: '24' } },
        session: { adminid: 1 },
      },
      env,
    );
    expect(save.activity[0]!.message).toMatch(new RegExp(`^pvebridge: product #${s.productId} settings not saved: `));
    expect(await getProductSettings(t.db, s.productId)).not.toMatchObject({ ram: 24 });
    const page = await productPage({ session: save.session });
    const panel = (page.return as Record<string, { Description: string }>).settingsPanel!.Description;
    expect(panel).toMatch(/alert-danger pvebridge-error">pvebridge did not save the product settings: /);
    expect(panel).toContain('name="pvebridge_settings[ram]" value="24"');
    // Shown once: the next render is clean.
    const again = await productPage({ session: page.session });
    expect((again.return as Record<string, { Description: string }>).settingsPanel!.Description).not.toContain('alert-danger');
  });

  it('the button arrays list the admin commands and the client functions the product grants', async () => {
    const adminButtons = (await runShim({ function: 'pvebridge_AdminCustomButtonArray', session: { adminid: 1 } }, env)).return as Record<
      string,
      string
    >;
    expect(Object.values(adminButtons)).toHaveLength(18);
    expect(adminButtons['**Set cloud-init']).toBe('SetCloudinit');
    expect(adminButtons['*Set Network ->']).toBe('SetNetwork');
    expect(adminButtons['Console']).toBe('Console');
    const german = await runShim({ function: 'pvebridge_AdminCustomButtonArray', session: { adminid: 1, adminlang: 'german' } }, env);
    expect((german.return as Record<string, string>)['**Neu installieren']).toBe('Reinstall');
    // The overview draws the client buttons itself: WHMCS must not draw Start/Stop a second time.
    const clientButtons = await runShim({ function: 'pvebridge_ClientAreaCustomButtonArray', args: [params()] }, env);
    expect(clientButtons.return).toEqual([]);
    // Other pages add their functions; these are the overview's.
    expect((await runShim({ function: 'pvebridge_ClientAreaAllowedFunctions', args: [params()] }, env)).return).toMatchObject({
      Start: 'Start',
      Stop: 'Stop',
      'noVNC console': 'ClientConsole',
      ClientApi: 'ClientApi',
      'Reverse DNS': 'ReverseDNS',
    });
  });

  it('the button arrays need no gateway: they render with the gateway stopped', async () => {
    const down = { ...env, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' };
    for (const fn of ['AdminCustomButtonArray', 'ClientAreaCustomButtonArray', 'ClientAreaAllowedFunctions']) {
      const r = await runShim({ function: `pvebridge_${fn}`, args: [params()], session: { adminid: 1 } }, down);
      expect(r.modulelog, fn).toEqual([]);
      expect(r.threw, fn).toBeNull();
    }
  });

  it('AdminServicesTabFields renders the VM rows and AdminServicesTabFieldsSave stores the posted reverse DNS', async () => {
    await t.db('tblhosting').where({ id: s.serviceId }).update({ dedicatedip: '192.0.2.20' });
    await putVm('ready', { vmid: 100, node: 'pve1' });
    const tab = (await adminCall('AdminServicesTabFields')).return as Record<string, string>;
    expect(tab['VM ID']).toBe('100 on pve1');
    expect(tab['Reverse DNS']).toContain('name="pvebridge_rdns[192.0.2.20]"');
    expect(tab['Reverse DNS']).toContain('name="pvebridge_rdns_orig[192.0.2.20]"');
    const de = (await adminCall('AdminServicesTabFields', { session: { adminid: 1, adminlang: 'german' } })).return as Record<
      string,
      string
    >;
    expect([de['VM-ID'], de['Lokaler Status']]).toEqual(['100 auf pve1', 'Bereit']);
    expect(de['Reverse-DNS']).toContain('name="pvebridge_rdns[192.0.2.20]"');
    // An unchanged name is not posted at all.
    const same = await adminCall('AdminServicesTabFieldsSave', {
      post: { pvebridge_rdns: { '192.0.2.20': '' }, pvebridge_rdns_orig: { '192.0.2.20': '' } },
    });
    expect(same.modulelog).toEqual([]);
    const save = await adminCall('AdminServicesTabFieldsSave', {
      post: { pvebridge_rdns: { '192.0.2.20': 'mail.example.net' }, pvebridge_rdns_orig: { '192.0.2.20': '' } },
    });
    expect(save.activity).toEqual([]);
    expect(JSON.parse(save.modulelog[0]!.request).rdns).toEqual({ '192.0.2.20': 'mail.example.net' });
    const row = await vm();
    expect(JSON.parse(row.data).rdns).toEqual({ '192.0.2.20': 'mail.example.net' });
    expect(row.state).toBe('set_dns_records');
  });

  it('a refused reverse DNS save is logged and shown on the services tab', async () => {
    await t.db('tblhosting').where({ id: s.serviceId }).update({ dedicatedip: '192.0.2.20' });
    await putVm('ready', { vmid: 100, node: 'pve1' });
    const save = await adminCall('AdminServicesTabFieldsSave', {
      post: { pvebridge_rdns: { '198.51.100.9': 'not-my-ip.example.net' }, pvebridge_rdns_orig: { '198.51.100.9': '' } },
    });
    expect(save.activity[0]!.message).toMatch(new RegExp(`^pvebridge: service #${s.serviceId} reverse DNS not saved: `));
    const tab = (await adminCall('AdminServicesTabFields', { session: save.session })).return as Record<string, string>;
    expect(tab.pvebridge).toMatch(/alert-danger pvebridge-error">Reverse DNS was not saved: /);
  });

  it('ClientArea shows the owner the overview (rendered by real Smarty) and another client Access Denied', async () => {
    await activate();
    await putVm('ready', { vmid: 100, node: 'pve1' });
    const mine = await runShim({ function: 'pvebridge_ClientArea', args: [params()], area: 'client', session: { uid: s.clientId } }, env);
    const ret = mine.return as { tabOverviewModuleOutputTemplate: string; templateVariables: Record<string, unknown> };
    expect(ret.tabOverviewModuleOutputTemplate).toBe('templates/overview.tpl');
    const html = await renderBoth(ret.tabOverviewModuleOutputTemplate, { ...ret.templateVariables, token: 'csrf-1' });
    expect(html).toContain('<td data-field="state">Ready</td>');
    expect(html).toContain('<td data-field="vmid">100</td>');
    expect(html).toContain('name="a" value="Start"');
    expect(html).toContain('name="token" value="csrf-1"');
    expect(html).toContain('aria-label="VM actions"');
    expect(mine.modulelog.map((l) => l.action)).toEqual(['ClientArea']);
    const german = await runShim(
      { function: 'pvebridge_ClientArea', args: [params()], area: 'client', session: { uid: s.clientId, Language: 'german' } },
      env,
    );
    const de = await renderBoth('templates/overview.tpl', (german.return as typeof ret).templateVariables);
    expect(de).toContain('<th scope="row">Betriebszustand</th>');
    expect(de).toContain('<td data-field="state">Bereit</td>');
    const theirs = await runShim(
      { function: 'pvebridge_ClientArea', args: [params()], area: 'client', session: { uid: s.clientId + 1000 } },
      env,
    );
    const denied = theirs.return as { tabOverviewModuleOutputTemplate: string; templateVariables: Record<string, unknown> };
    expect(denied.tabOverviewModuleOutputTemplate).toBe('templates/error.tpl');
    expect(denied.templateVariables.pvbError).toBe('Access denied.');
    expect(await renderBoth(denied.tabOverviewModuleOutputTemplate, denied.templateVariables)).toContain('Access denied.');
  });

  it('a client may Start their own VM from the client area, but not another client’s', async () => {
    await activate();
    await putVm('ready', { vmid: 101, node: 'pve2', vm_name: 'db-101' });
    const other = await runShim(
      { function: 'pvebridge_Start', args: [params()], area: 'client', session: { uid: s.clientId + 1000 } },
      env,
    );
    expect(other.return).toBe('Access denied.');
    sim.state.advance();
    expect(sim.state.vms.get(101)!.status).toBe('stopped');
    const own = await runShim({ function: 'pvebridge_Start', args: [params()], area: 'client', session: { uid: s.clientId } }, env);
    expect(own.return).toBe('success');
    await new Promise((r) => setTimeout(r, 100));
    sim.state.advance();
    expect(sim.state.vms.get(101)!.status).toBe('running');
    // Leave the shared simulator as the scenario had it.
    sim.state.vms.get(101)!.status = 'stopped';
  });

  it('every admin command answers success with its state change, or a clear refusal', async () => {
    // VM 101 on pve2 is stopped in the scenario.
    const expected: Record<string, string | RegExp> = {
      Reinstall: 'reinstall',
      VMSetDedicatedIp: /already exists \(VMID 101\)/,
      VMClone: /already exists \(VMID 101\)/,
      SetCPURAM: 'migrated',
      SetSystemDiskSize: 'set_cpu_ram',
      SetSystemDiskBandwidth: 'set_system_disk_size',
      SetCreatedAdditionalDisk: 'set_system_disk_bandwidth',
      SetAdditionalDiskSize: 'set_created_additional_disk',
      SetAdditionalDiskBandwidth: 'set_additional_disk_size',
      SetNetwork: 'set_additional_disk_bandwidth',
      SetFirewall: 'set_network',
      SetCloudinit: 'set_firewall',
      SetDNSRecords: 'set_dns_records',
      Redeploy: /this VM is ready/,
      Stop: 'The VM is not running (it is stopped)',
    };
    for (const [fn, want] of Object.entries(expected)) {
      await t.db('mod_pvebridge_vms').delete();
      await putVm('ready', { vmid: 101, node: 'pve2', vm_name: 'db-101' });
      const r = await adminCall(fn);
      if (typeof want === 'string' && !want.includes(' ')) {
        expect(r.return, fn).toBe('success');
        expect((await vm()).state, fn).toBe(want);
      } else {
        expect(r.return, fn).toMatch(want);
        expect((await vm()).state, fn).toBe('ready');
      }
    }
  });

  it('the addon activates and deactivates through the gateway', async () => {
    const on = await runShim({ module: 'addon', function: 'pvebridge_admin_activate', session: { adminid: 1 } }, env);
    expect(on.return).toEqual({ status: 'success', description: 'pvebridge: tables up to date' });
    const off = await runShim({ module: 'addon', function: 'pvebridge_admin_deactivate', session: { adminid: 1 } }, env);
    expect(off.return).toMatchObject({ status: 'success', description: expect.stringMatching(/tables kept/) });
    expect(await t.db.schema.hasTable('mod_pvebridge_vms')).toBe(true);
    await saveGlobalSettings(t.db, { deleteTablesOnDeactivate: true });
    const drop = await runShim({ module: 'addon', function: 'pvebridge_admin_deactivate', session: { adminid: 1 } }, env);
    expect(drop.return).toMatchObject({ status: 'success', description: expect.stringMatching(/dropped/) });
    expect(await t.db.schema.hasTable('mod_pvebridge_vms')).toBe(false);
    const again = await runShim({ module: 'addon', function: 'pvebridge_admin_activate', session: { adminid: 1 } }, env);
    expect(again.return).toMatchObject({ status: 'success', description: expect.stringMatching(/001_core/) });
    expect(await t.db.schema.hasTable('mod_pvebridge_vms')).toBe(true);
  });

  describe('when the gateway cannot be used', () => {
    it('a wrong shared secret is refused by the gateway and nothing is written', async () => {
      const r = await runShim(
        { function: 'pvebridge_CreateAccount', args: [params()] },
        { ...env, PVEBRIDGE_SHARED_SECRET: 'not-the-secret-0123456789abcdef0123' },
      );
      expect(r.return).toMatch(/^pvebridge gateway refused the request: Request refused: bad signature/);
      expect(await vm()).toBeUndefined();
    });

    it('a gateway that is down gives a clear error string, not a fatal', async () => {
      const r = await runShim(
        { function: 'pvebridge_CreateAccount', args: [params()] },
        { ...env, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' },
      );
      expect(r.threw).toBeNull();
      expect(r.return).toMatch(/^pvebridge gateway unreachable at http:\/\/127\.0\.0\.1:1: /);
      const tab = await runShim(
        { function: 'pvebridge_AdminServicesTabFields', args: [params()] },
        { ...env, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' },
      );
      expect((tab.return as Record<string, string>).pvebridge).toMatch(/alert-danger.*unreachable/);
    });

    it('a client sees a short translated message when the gateway is down, never its address (the module log keeps it)', async () => {
      await activate();
      const down = { ...env, PVEBRIDGE_GATEWAY_URL: 'http://127.0.0.1:1' };
      const page = await runShim(
        { function: 'pvebridge_ClientArea', args: [params()], area: 'client', session: { uid: s.clientId, Language: 'german' } },
        down,
      );
      const ret = page.return as { tabOverviewModuleOutputTemplate: string; templateVariables: Record<string, unknown> };
      expect(ret.tabOverviewModuleOutputTemplate).toBe('templates/error.tpl');
      const html = await renderBoth(ret.tabOverviewModuleOutputTemplate, ret.templateVariables);
      expect(html).toContain('Der Dienst ist vorübergehend nicht erreichbar.');
      expect(html).not.toMatch(/127\.0\.0\.1|curl|unreachable/);
      expect(page.modulelog[0]!.response).toMatch(/unreachable at http:\/\/127\.0\.0\.1:1/);
      const start = await runShim({ function: 'pvebridge_Start', args: [params()], area: 'client', session: { uid: s.clientId } }, down);
      expect(start.return).toBe('The service is temporarily unavailable. Please try again in a few minutes.');
    });

    it('a plain http:// gateway off this host is refused unless allowed, and a missing CA file is named', async () => {
      const remote = { ...env, PVEBRIDGE_GATEWAY_URL: 'http://192.0.2.1:8080' };
      const r = await runShim({ function: 'pvebridge_SuspendAccount', args: [params()] }, remote);
      expect(r.return).toMatch(/refuses the plain http:\/\/ gateway URL http:\/\/192\.0\.2\.1:8080/);
      expect(r.seconds).toBeLessThan(1);
      const allowed = await runShim(
        { function: 'pvebridge_SuspendAccount', args: [params()] },
        { ...remote, PVEBRIDGE_ALLOW_HTTP: 'on', PVEBRIDGE_TIMEOUT: '1' },
      );
      expect(allowed.return).toMatch(/^pvebridge gateway (unreachable|did not answer)/);
      const ca = await runShim(
        { function: 'pvebridge_SuspendAccount', args: [params()] },
        { ...env, PVEBRIDGE_CA_FILE: '/nonexistent/ca.pem' },
      );
      expect(ca.return).toBe('pvebridge CA file is not readable: /nonexistent/ca.pem');
    });

    it('a gateway that does not answer in time gives a timeout message after the configured timeout', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((sock) => void sockets.push(sock));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const r = await runShim(
          { function: 'pvebridge_CreateAccount', args: [params()] },
          { ...env, PVEBRIDGE_GATEWAY_URL: `http://127.0.0.1:${port}`, PVEBRIDGE_TIMEOUT: '1' },
        );
        expect(r.return).toBe(`pvebridge gateway did not answer within 1 s (http://127.0.0.1:${port})`);
        expect(r.seconds).toBeLessThan(3);
      } finally {
        for (const sock of sockets) sock.destroy();
        await new Promise((r) => silent.close(() => r(undefined)));
      }
    });

    it('an unconfigured shim says what to configure', async () => {
      const r = await runShim({ function: 'pvebridge_SuspendAccount', args: [params()] }, {});
      expect(r.return).toBe('pvebridge is not configured: set the gateway URL and the shared secret in the addon settings (or config.php)');
    });
  });
});
