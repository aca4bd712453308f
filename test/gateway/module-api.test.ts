import { afterEach, describe, expect, it } from 'vitest';
import { dropAll } from '../../common/db/migrate.ts';
import { insertRow } from '../../common/whmcs-fixture/index.ts';
import { seedService } from '../../common/whmcs-fixture/seed.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { getProductSettings, saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { testDialects } from '../support/db.ts';
import { admin, client, moduleApi, putVm, selectOption, system, vmRow, type ModuleApi } from './module-api-support.ts';

const dialects = await testDialects();

describe.each(dialects)('module API on %s', (dialect) => {
  let api: ModuleApi;
  afterEach(async () => {
    await api?.drop();
  });
  const withTemplate = () => moduleApi(dialect, { product: { configoption2: '9000' } });
  const svc = () => ({ serviceid: api.seeded.serviceId });

  describe('CreateAccount', () => {
    it('writes the VM record in state creation, kicks the runner and answers success without Proxmox', async () => {
      api = await withTemplate();
      const res = await api.call('CreateAccount', { actor: system, params: { ...svc(), pid: api.seeded.productId, configoptions: [] } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ result: 'success' });
      const row = await vmRow(api);
      expect(row).toMatchObject({
        state: 'creation',
        client_id: api.seeded.clientId,
        product_id: api.seeded.productId,
        server_id: api.seeded.serverId,
      });
      expect(row.vmid).toBeNull();
      expect(JSON.parse(row.data)).toEqual({ queuedBy: 'system' });
      expect(api.kicks).toEqual([api.seeded.serviceId]);
      // The WHMCS field (configoption2) became the product's OS template.
      expect((await getProductSettings(api.t.db, api.seeded.productId)).osTemplate).toBe(9000);
    });

    it('is idempotent while the deploy is queued or running (issue 11 #8), and refuses during a termination', async () => {
      api = await withTemplate();
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).status).toBe(200);
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).status).toBe(200);
      await api.t.db('mod_pvebridge_vms').update({ state: 'clone' });
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).body).toEqual({ result: 'success' });
      expect((await vmRow(api)).state).toBe('clone');
      await api.t.db('mod_pvebridge_vms').update({ state: 'terminate' });
      const res = await api.call('CreateAccount', { actor: admin, params: svc() });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/a termination is in progress/);
    });

    it('refuses a plan without an OS template, saying where to set one', async () => {
      api = await moduleApi(dialect);
      const res = await api.call('CreateAccount', { actor: admin, params: svc() });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/no OS template/);
      expect(await vmRow(api)).toBeUndefined();
      expect(api.kicks).toEqual([]);
    });

    it('takes the template from an Operating System option the product offers', async () => {
      api = await moduleApi(dialect);
      await selectOption(api, 'OS|Operating system', ['9001|Debian 12', '9002|Ubuntu'], '9002|Ubuntu');
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).status).toBe(200);
    });

    it('refuses an option whose group is not assigned to the product (billing cannot bypass policy)', async () => {
      api = await withTemplate();
      await selectOption(api, 'CPU Cores', ['1|1 core', '64|64 cores'], '64|64 cores', { linked: false });
      const res = await api.call('CreateAccount', { actor: admin, params: svc() });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/Plan refused: configurable option "CPU Cores" is not offered for this product/);
      expect(await vmRow(api)).toBeUndefined();
    });

    it('refuses a selected choice that belongs to another option', async () => {
      api = await withTemplate();
      const ram = await selectOption(api, 'RAM', ['1|1 GB', '2|2 GB'], '1|1 GB');
      const cpu = await selectOption(api, 'CPU Cores', ['1|1 core'], '1|1 core');
      await api.t.db('tblhostingconfigoptions').where({ configid: cpu.configid }).update({ optionid: ram.optionids[1] });
      const res = await api.call('CreateAccount', { actor: admin, params: svc() });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/"CPU Cores": the selected choice #\d+ is not one of the product's choices/);
    });

    it('refuses values that are not usable numbers, naming the option', async () => {
      api = await withTemplate();
      await selectOption(api, 'CPU Cores', ['0|none', 'x|bad'], '0|none');
      const res = await api.call('CreateAccount', { actor: admin, params: svc() });
      expect(res.body.error.message).toMatch(/"CPU Cores": value 0 is below the minimum 1/);
      await api.t.db('tblhostingconfigoptions').delete();
      await selectOption(api, 'System Disk', ['abc|Big'], 'abc|Big');
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).body.error.message).toMatch(
        /"System Disk": value "abc" is not a number/,
      );
    });

    it('refuses a product that is not a pvebridge product, and a client actor', async () => {
      api = await moduleApi(dialect, { product: { servertype: 'cpanel', configoption2: '9000' } });
      expect((await api.call('CreateAccount', { actor: admin, params: svc() })).body.error.message).toMatch(
        /does not use the pvebridge module/,
      );
      const denied = await api.call('CreateAccount', { actor: client(api.seeded.clientId), params: svc() });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe('Access Denied');
    });

    it('validates its input once, naming the bad field', async () => {
      api = await withTemplate();
      const res = await api.call('CreateAccount', { actor: { type: 'admin' }, params: { serviceid: 'x' } });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(['actor.id', 'params.serviceid']));
    });
  });

  describe('ChangePackage and TerminateAccount', () => {
    it('queues change_package from ready and kicks the runner', async () => {
      api = await withTemplate();
      await putVm(api, 'ready', { vmid: 101, node: 'pve1' });
      expect((await api.call('ChangePackage', { actor: system, params: svc() })).body).toEqual({ result: 'success' });
      expect((await vmRow(api)).state).toBe('change_package');
      expect((await api.call('ChangePackage', { actor: system, params: svc() })).status).toBe(200);
      expect(api.kicks).toHaveLength(2);
    });

    it('refuses ChangePackage during a deploy or termination, saying what is in progress', async () => {
      api = await withTemplate();
      await putVm(api, 'set_network', { vmid: 101, node: 'pve1' });
      const res = await api.call('ChangePackage', { actor: admin, params: svc() });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/a deploy is in progress \(state set_network\)/);
      await api.t.db('mod_pvebridge_vms').update({ state: 'terminate' });
      expect((await api.call('ChangePackage', { actor: admin, params: svc() })).body.error.message).toMatch(/a termination is in progress/);
      expect((await vmRow(api)).state).toBe('terminate');
      expect(api.kicks).toEqual([]);
    });

    it('queues terminate for a VM not cloned yet without asking Proxmox', async () => {
      api = await withTemplate();
      await putVm(api, 'set_ip');
      expect((await api.call('TerminateAccount', { actor: system, params: svc() })).body).toEqual({ result: 'success' });
      expect((await vmRow(api)).state).toBe('terminate');
      expect(api.kicks).toEqual([api.seeded.serviceId]);
    });

    it('answers success for a service without a VM or already removed, changing nothing', async () => {
      api = await withTemplate();
      expect((await api.call('TerminateAccount', { actor: system, params: svc() })).body).toEqual({ result: 'success' });
      expect(await vmRow(api)).toBeUndefined();
      await putVm(api, 'remove');
      expect((await api.call('TerminateAccount', { actor: system, params: svc() })).status).toBe(200);
      expect((await vmRow(api)).state).toBe('remove');
      expect(api.kicks).toEqual([]);
    });
  });

  describe('client calls', () => {
    async function activeService() {
      api = await withTemplate();
      await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Active' });
      await putVm(api, 'ready', { vmid: 101, node: 'pve1' });
    }
    it("denies a client calling with another client's service, changing nothing", async () => {
      await activeService();
      const other = await insertRow(api.t.db, 'tblclients', { firstname: 'Eve', email: 'eve@example.com', status: 'Active' });
      for (const fn of ['Start', 'Stop', 'ClientArea']) {
        const res = await api.call(fn, { actor: client(other), params: svc() });
        expect(res.status, fn).toBe(403);
        expect(res.body.error.message).toBe('Access Denied');
      }
      expect((await vmRow(api)).state).toBe('ready');
    });

    it('denies a client whose service is not Active, or whose product withholds the permission', async () => {
      await activeService();
      const owner = client(api.seeded.clientId);
      await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Suspended' });
      expect((await api.call('Stop', { actor: owner, params: svc() })).body.error.message).toBe('Access Denied');
      await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Active' });
      await saveProductSettings(api.t.db, api.seeded.productId, { permStop: false });
      expect((await api.call('Stop', { actor: owner, params: svc() })).body.error.message).toBe('Access Denied');
    });

    it('denies clients every admin-only command', async () => {
      await activeService();
      for (const fn of ['Reinstall', 'VMRemove', 'SetDNSRecords', 'Redeploy', 'SuspendAccount', 'ChangePackage']) {
        const res = await api.call(fn, { actor: client(api.seeded.clientId), params: svc() });
        expect(res.body.error?.message, fn).toBe('Access Denied');
      }
      expect((await vmRow(api)).state).toBe('ready');
    });

    it('shows the owner the overview from our records, with the buttons the product grants', async () => {
      await activeService();
      await api.t
        .db('tblhosting')
        .where({ id: api.seeded.serviceId })
        .update({ dedicatedip: '192.0.2.10', assignedips: '192.0.2.11\n192.0.2.12' });
      await saveProductSettings(api.t.db, api.seeded.productId, { permStop: false });
      const res = await api.call('ClientArea', { actor: client(api.seeded.clientId), params: svc() });
      expect(res.status).toBe(200);
      expect(res.body.vars).toMatchObject({
        state: 'ready',
        ready: true,
        vmid: 101,
        power: 'unknown',
        ips: ['192.0.2.10', '192.0.2.11', '192.0.2.12'],
      });
      expect(res.body.vars.buttons).toEqual([{ fn: 'Start', label: 'Start VM' }]);
      const buttons = await api.call('ClientAreaCustomButtonArray', { actor: client(api.seeded.clientId), params: svc() });
      expect(buttons.body).toEqual({ buttons: { 'Start VM': 'Start' } });
    });
  });

  describe('admin commands', () => {
    it('lists every spec command with its marker', async () => {
      api = await withTemplate();
      const res = await api.call('AdminCustomButtonArray', { actor: admin });
      expect(Object.keys(res.body.buttons)).toEqual([
        'Start',
        'Stop',
        '**Reinstall',
        'VMSetDedicatedIp ->',
        'VMClone ->',
        '**Set CPU RAM ->',
        '*Set System Disk Size ->',
        '*Set System Disk Bandwidth ->',
        '*Set Created Additional Disk ->',
        '*Set Additional Disk Size ->',
        '*Set Additional Disk Bandwidth ->',
        '*Set Network ->',
        '*Set Firewall ->',
        '**SetCloudinit',
        '*VMRemove',
        'Set DNS records',
        'Redeploy',
      ]);
      expect(res.body.buttons['**Set CPU RAM ->']).toBe('SetCPURAM');
    });

    it('re-runs a pipeline step by moving the record to the state before it', async () => {
      api = await withTemplate();
      await putVm(api, 'ready', { vmid: 101, node: 'pve1' });
      expect((await api.call('SetSystemDiskSize', { actor: admin, params: svc() })).body).toEqual({ result: 'success' });
      expect((await vmRow(api)).state).toBe('set_cpu_ram');
      expect((await api.call('SetDNSRecords', { actor: admin, params: svc() })).status).toBe(200);
      expect((await vmRow(api)).state).toBe('set_dns_records');
      expect(api.kicks).toEqual([api.seeded.serviceId, api.seeded.serviceId]);
    });

    it('refuses steps that need a VM before it is cloned, and a clone when it exists', async () => {
      api = await withTemplate();
      await putVm(api, 'set_ip');
      expect((await api.call('SetNetwork', { actor: admin, params: svc() })).body.error.message).toMatch(/has not been cloned yet/);
      expect((await api.call('VMClone', { actor: admin, params: svc() })).status).toBe(200);
      expect((await vmRow(api)).state).toBe('set_ip');
      await api.t.db('mod_pvebridge_vms').update({ state: 'ready', vmid: 101, node: 'pve1' });
      expect((await api.call('VMClone', { actor: admin, params: svc() })).body.error.message).toMatch(/already exists \(VMID 101\)/);
    });

    it('offers Redeploy only while the VM is not ready', async () => {
      api = await withTemplate();
      await putVm(api, 'ready', { vmid: 101, node: 'pve1' });
      expect((await api.call('Redeploy', { actor: admin, params: svc() })).body.error.message).toMatch(/this VM is ready/);
      await api.t.db('mod_pvebridge_vms').update({ state: 'set_firewall' });
      expect((await api.call('Redeploy', { actor: admin, params: svc() })).status).toBe(200);
      expect((await vmRow(api)).state).toBe('redeploy');
    });

    it('answers a command on a service without a VM record with a clear message', async () => {
      api = await withTemplate();
      const res = await api.call('SetFirewall', { actor: admin, params: svc() });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/no VM record yet: run Create first/);
    });
  });

  describe('product settings panel', () => {
    it('describes every setting in the spec sections, masking secrets', async () => {
      api = await withTemplate();
      await saveProductSettings(api.t.db, api.seeded.productId, { novncKey: 'super-secret-key' });
      const res = await api.call('ConfigOptions', { actor: admin, params: { pid: api.seeded.productId } });
      const { panel } = res.body;
      expect(panel.sections.map((s: { title: string }) => s.title)).toEqual([
        'VM configuration',
        'Network',
        'Firewall',
        'Storage',
        'Integrations',
        'Email templates',
        'Client area permissions',
      ]);
      const fields = panel.sections.flatMap((s: { fields: Array<{ key: string }> }) => s.fields);
      const byKey = Object.fromEntries(fields.map((f: { key: string }) => [f.key, f]));
      const all = Object.keys(await getProductSettings(api.t.db, api.seeded.productId));
      const fieldKeys = ['targetNode', 'osTemplate', 'systemDiskStorage', 'bridge'];
      expect(Object.keys(byKey).sort()).toEqual(all.filter((k) => !fieldKeys.includes(k)).sort());
      expect(byKey.novncKey).toMatchObject({ type: 'password', value: '__KEEP__' });
      expect(JSON.stringify(res.body)).not.toContain('super-secret-key');
      expect(byKey.cloneType).toMatchObject({ type: 'dropdown', value: 'linked', options: { linked: 'linked', full: 'full' } });
      expect(byKey.fwEnable).toMatchObject({ type: 'yesno', value: true, default: true });
      expect(byKey.emailVmReady.default).toBe('puqProxmoxKVM VM is ready');
      expect(byKey.emailWelcome.default).toBe('puqProxmoxVKM Welcome Email');
    });

    it('saves posted values, keeps a secret sent back as __KEEP__, and names an invalid field', async () => {
      api = await withTemplate();
      await saveProductSettings(api.t.db, api.seeded.productId, { novncKey: 'super-secret-key' });
      const ok = await api.call('SaveProductSettings', {
        actor: admin,
        params: { pid: api.seeded.productId },
        settings: { cpu: '4', fwEnable: '', novncKey: '__KEEP__', permReinstall: 'on' },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const s = await getProductSettings(api.t.db, api.seeded.productId);
      expect(s).toMatchObject({ cpu: 4, fwEnable: false, novncKey: 'super-secret-key', permReinstall: true, osTemplate: 9000 });
      const bad = await api.call('SaveProductSettings', {
        actor: admin,
        params: { pid: api.seeded.productId },
        settings: { cpu: '-1', nope: 1 },
      });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.fields).sort()).toEqual(['cpu', 'nope']);
      expect((await getProductSettings(api.t.db, api.seeded.productId)).cpu).toBe(4);
    });

    it('refuses the panel to clients', async () => {
      api = await withTemplate();
      const res = await api.call('GetProductSettings', { actor: client(api.seeded.clientId), params: { pid: api.seeded.productId } });
      expect(res.body.error.message).toBe('Access Denied');
    });
  });

  describe('admin service tab', () => {
    it('shows VM ID and status, and saves reverse DNS names, queueing a DNS resync', async () => {
      api = await withTemplate();
      await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ dedicatedip: '192.0.2.10', assignedips: '2001:db8::10' });
      await putVm(api, 'ready', { vmid: 105, node: 'pve2' });
      const tab = await api.call('AdminServicesTabFields', { actor: admin, params: svc() });
      expect(tab.body.rows[0]).toEqual({
        label: 'VM ID',
        value: '105 on pve2',
        key: 'tab.vmid',
        text: { key: 'tab.vmid_value', args: { vmid: 105, node: 'pve2' } },
      });
      expect(tab.body.rdns).toEqual([
        { ip: '192.0.2.10', ptr: '' },
        { ip: '2001:db8::10', ptr: '' },
      ]);
      const save = await api.call('AdminServicesTabFieldsSave', { actor: admin, params: svc(), rdns: { '192.0.2.10': 'vm1.example.net' } });
      expect(save.body).toEqual({ result: 'success', changed: true });
      const row = await vmRow(api);
      expect(JSON.parse(row.data).rdns).toEqual({ '192.0.2.10': 'vm1.example.net' });
      expect(row.state).toBe('set_dns_records');
      const bad = await api.call('AdminServicesTabFieldsSave', { actor: admin, params: svc(), rdns: { '198.51.100.1': 'x.example.net' } });
      expect(bad.body.error.message).toMatch(/not an IP of this service/);
    });
  });

  describe('addon activation', () => {
    it('migrates on activate and keeps tables on deactivate unless the setting says to drop them', async () => {
      api = await withTemplate();
      await dropAll(api.t.db);
      const on = await api.call('AddonActivate', { actor: admin });
      expect(on.body.status).toBe('success');
      expect(on.body.description).toMatch(/001_core/);
      expect((await api.call('AddonDeactivate', { actor: admin })).body.description).toMatch(/tables kept/);
      expect(await api.t.db.schema.hasTable('mod_pvebridge_vms')).toBe(true);
      await saveGlobalSettings(api.t.db, { deleteTablesOnDeactivate: true });
      expect((await api.call('AddonDeactivate', { actor: admin })).body.description).toMatch(/dropped/);
      expect(await api.t.db.schema.hasTable('mod_pvebridge_vms')).toBe(false);
    });
  });

  it('never lets one service id reach another service (the record is keyed by the database)', async () => {
    api = await withTemplate();
    const second = await seedService(api.t.db, api.seeded);
    expect((await api.call('CreateAccount', { actor: admin, params: { serviceid: second } })).status).toBe(200);
    expect(await vmRow(api)).toBeUndefined();
    expect((await vmRow(api, second)).state).toBe('creation');
  });
});
