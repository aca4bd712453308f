import { afterEach, describe, expect, it } from 'vitest';
import { insertRow } from '../../common/whmcs-fixture/index.ts';
import { seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import { expandNameRule, fqdn, reserveVmid, toHostLabel, vmNames } from '../../provisioner/plan/naming.ts';
import {
  defaultProductSettings,
  getProductSettings,
  productSettingsSchema,
  saveProductSettings,
} from '../../provisioner/plan/product-settings.ts';
import { getGlobalSettings, saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { loadServiceOptions, resolvePlan, type Plan } from '../../provisioner/plan/resolve.ts';
import { createVmRecord } from '../../provisioner/vm-record.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

const base = { ...defaultProductSettings(), osTemplate: 9000 };

describe('product settings defaults', () => {
  it("carry the spec's defaults for every section", () => {
    const d = defaultProductSettings();
    expect(d).toMatchObject({
      targetNode: 'automatically',
      cloneType: 'linked',
      cpu: 1,
      ram: 1,
      backups: 0,
      snapshots: 0,
      vmNameRule: '{client_id}-{service_id}',
      firstVmId: 100,
      osUsername: '',
      snapshotLifetimeDays: 0,
      networkModel: 'template',
      bandwidth: 0,
      bridge: 'vmbr0',
      vlan: 0,
      ipv4Count: 1,
      ipv6Count: 0,
      autoBridgeVlan: true,
      dhcpIpv4: true,
      dhcpIpv6: true,
      fwPolicyIn: 'ACCEPT',
      fwPolicyOut: 'ACCEPT',
      fwLogLevelIn: 'nolog',
      fwEnable: true,
      fwRadv: false,
      fwMacfilter: true,
      fwIpfilter: false,
      fwAntiSpoofing: true,
      systemDiskSize: 0,
      additionalDiskSize: 0,
      novncDomain: 'vncproxy.puqcloud.com',
      novncKey: 'puqcloud',
      mainDomain: '.example.com',
      revDnsTicket: true,
      emailWelcome: 'puqProxmoxVKM Welcome Email',
      emailVmReady: 'puqProxmoxKVM VM is ready',
      emailResetPassword: 'puqProxmoxKVM Reset password',
      emailBackupRestored: 'puqProxmoxKVM Backup restored',
      permStart: true,
      permFirewall: true,
    });
  });

  it('accepts WHMCS form values for toggles and numbers', () => {
    const s = productSettingsSchema.parse({ dhcpIpv4: '', fwRadv: 'on', cpu: '4', ram: '0.5' });
    expect(s).toMatchObject({ dhcpIpv4: false, fwRadv: true, cpu: 4, ram: 0.5 });
  });
});

const resolveCases: Array<[string, Record<string, string | number>, (p: Plan) => unknown, unknown]> = [
  ['no options: product settings', {}, (p) => [p.cores, p.memoryMb, p.templateVmid], [1, 1024, 9000]],
  ['plain CPU Cores and RAM', { 'CPU Cores': '4|4 Cores', RAM: '8|8 GB' }, (p) => [p.cores, p.memoryMb], [4, 8192]],
  ['legacy CPU| and RAM| prefixes', { 'CPU|Processor': '2|2 Cores', 'RAM|Memory': '4|4 GB' }, (p) => [p.cores, p.memoryMb], [2, 4096]],
  ['plain name wins over legacy (either order)', { 'CPU Cores': '8', 'CPU|Processor': '2' }, (p) => p.cores, 8],
  ['plain name wins over legacy (legacy last)', { 'RAM|Memory': '2', RAM: '16' }, (p) => p.memoryMb, 16384],
  ['legacy B| and S| set backups and snapshots', { 'B|Backup': '7|7 backups', 'S|Snapshot': '3' }, (p) => [p.backups, p.snapshots], [7, 3]],
  ['0 backups from an option disables backups', { Backups: '0|No backups' }, (p) => p.backups, 0],
  ['legacy ipv4|/ipv6| counts', { 'ipv4|IPv4': '2', 'ipv6|IPv6': '4' }, (p) => [p.network.ipv4Count, p.network.ipv6Count], [2, 4]],
  ['IPv4 Addresses 0 means no IPv4', { 'IPv4 Addresses': '0|No IPv4' }, (p) => p.network.ipv4Count, 0],
  ['Operating System picks the template', { 'Operating System': '9002|Debian 12' }, (p) => p.templateVmid, 9002],
  ['legacy OS| picks the template', { 'OS|Operating system': '1012|Debian-12' }, (p) => p.templateVmid, 1012],
  [
    'System Disk size and limits',
    { 'System Disk': '40', 'System Disk Read Bandwidth': '100', 'System Disk Write IOPS': '500' },
    (p) => p.systemDisk,
    { storage: null, sizeGb: 40, mbpsRd: 100, mbpsWr: 0, iopsRd: 0, iopsWr: 500 },
  ],
  ['Additional Disk 0 means no disk', { 'Additional Disk': '0|No additional disk' }, (p) => p.additionalDisk.sizeGb, 0],
  [
    'Additional Disk limits',
    { 'Additional Disk': '20', 'Additional Disk Read IOPS': '1000', 'Additional Disk Write Bandwidth': '50' },
    (p) => [p.additionalDisk.sizeGb, p.additionalDisk.iopsRd, p.additionalDisk.mbpsWr],
    [20, 1000, 50],
  ],
  ['Network Bandwidth 0 is unlimited', { 'Network Bandwidth': '0|Unlimited' }, (p) => p.network.rateMbps, 0],
  ['Network Bandwidth sets the rate', { 'Network Bandwidth': '100|100 MB/s' }, (p) => p.network.rateMbps, 100],
  ['a quantity option counts as its number', { 'CPU Cores': 6 }, (p) => p.cores, 6],
  ['unknown options are ignored', { Region: 'eu|Europe', 'cpu cores': '9' }, (p) => p.cores, 1],
  ['automatically means no pinned node', {}, (p) => p.targetNode, null],
];

describe('plan resolution', () => {
  it.each(resolveCases)('%s', (_name, options, pick, expected) => {
    expect(pick(resolvePlan(base, options))).toEqual(expected);
  });

  it('uses product settings where no option is assigned, including 0 as a real value', () => {
    const p = resolvePlan({ ...base, cpu: 2, ram: 2, bandwidth: 10, ipv4Count: 0, systemDiskSize: 30 }, {});
    expect([p.cores, p.memoryMb, p.network.rateMbps, p.network.ipv4Count, p.systemDisk.sizeGb]).toEqual([2, 2048, 10, 0, 30]);
  });

  it('refuses a non-numeric option value naming the option', () => {
    expect(() => resolvePlan(base, { 'CPU Cores': 'lots' })).toThrow(/"CPU Cores" has an invalid value/);
    expect(() => resolvePlan(base, { 'System Disk': '10.5' })).toThrow(/System Disk/);
  });

  it('refuses a plan without a template', () => {
    expect(() => resolvePlan(defaultProductSettings(), {})).toThrow(/no OS template/);
  });
});

describe('VM names', () => {
  const now = new Date(Date.UTC(2026, 3, 9, 14, 35, 7));
  it.each([
    ['{client_id}-{service_id}', '142-387'],
    ['vm-{random_digit_4}', 'vm-3333'],
    ['{random_letter_3}', 'ddd'],
    ['{unixtime}', String(Math.floor(now.getTime() / 1000))],
    ['{year}{month}{day}-{hour}{minute}{second}', '20260409-143507'],
    ['{service_id}-{unknown}', '387-{unknown}'],
  ])('expands %s', (rule, expected) => {
    expect(expandNameRule(rule, { clientId: 142, serviceId: 387, now, random: () => 3 })).toBe(expected);
  });

  it('builds a valid host label and the FQDN under the main domain', () => {
    expect(toHostLabel('My_VM 01!')).toBe('my-vm-01');
    expect(fqdn('5551-1776530141', '.puqcloud.com')).toBe('5551-1776530141.puqcloud.com');
    expect(fqdn('a', 'puqcloud.com.')).toBe('a.puqcloud.com');
    expect(vmNames('{client_id}-{service_id}', { clientId: 1, serviceId: 2 }, '.example.com')).toEqual({
      vmName: '1-2',
      hostname: '1-2',
      fqdn: '1-2.example.com',
    });
  });
});

const dialects = await testDialects();

describe.each(dialects)('plan storage on %s', (dialect) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('stores only given product settings and returns them merged with the defaults', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    expect(await getProductSettings(t.db, 5)).toEqual(defaultProductSettings());
    const s = await saveProductSettings(t.db, 5, { cpu: 2, dhcpIpv4: 'off' as never });
    expect(s).toMatchObject({ cpu: 2, dhcpIpv4: false, ram: 1 });
    await saveProductSettings(t.db, 5, { ram: 4 });
    expect(await getProductSettings(t.db, 5)).toMatchObject({ cpu: 2, ram: 4, dhcpIpv4: false });
    const row = await t.db('mod_pvebridge_product_settings').where({ product_id: 5 }).first();
    expect(Object.keys(JSON.parse(row.settings)).sort()).toEqual(['cpu', 'dhcpIpv4', 'ram']);
  });

  it('refuses unknown settings and bad values, naming them, and stores nothing', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    await expect(saveProductSettings(t.db, 5, { cpu: -1 })).rejects.toMatchObject({
      code: 'PVB_VALIDATION',
      fields: { cpu: expect.any(String) },
    });
    await expect(saveProductSettings(t.db, 5, { colour: 'red' })).rejects.toMatchObject({ fields: { colour: 'unknown setting' } });
    expect(await t.db('mod_pvebridge_product_settings').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('keeps global settings with their defaults (cron intervals, timeouts)', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    expect(await getGlobalSettings(t.db)).toMatchObject({
      defaultTimeout: 10,
      heavyTimeout: 60,
      migrationEnabled: true,
      migrationTimeout: 300,
      'cron.processVirtualMachines': 1,
      cronLockTimeout: 600,
    });
    await saveGlobalSettings(t.db, { 'cron.processVirtualMachines': 0, migrationEnabled: false });
    expect(await getGlobalSettings(t.db)).toMatchObject({ 'cron.processVirtualMachines': 0, migrationEnabled: false });
  });

  it("reads a service's configurable options as WHMCS stores them", async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    const gid = await insertRow(t.db, 'tblproductconfiggroups', { name: 'KVM' });
    const cpu = await insertRow(t.db, 'tblproductconfigoptions', { gid, optionname: 'CPU Cores', optiontype: '1' });
    const four = await insertRow(t.db, 'tblproductconfigoptionssub', { configid: cpu, optionname: '4|4 Cores' });
    const ram = await insertRow(t.db, 'tblproductconfigoptions', { gid, optionname: 'RAM|Memory', optiontype: '4' });
    await insertRow(t.db, 'tblhostingconfigoptions', { relid: s.serviceId, configid: cpu, optionid: four, qty: 0 });
    await insertRow(t.db, 'tblhostingconfigoptions', { relid: s.serviceId, configid: ram, optionid: 0, qty: 3 });
    const opts = await loadServiceOptions(t.db, s.serviceId!);
    expect(opts).toEqual({ 'CPU Cores': '4|4 Cores', 'RAM|Memory': 3 });
    expect(resolvePlan(base, opts)).toMatchObject({ cores: 4, memoryMb: 3072 });
  });

  it('reserves the lowest VMID from First VM ID that is free in our DB and in Proxmox, once per service', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    for (const id of [1, 2, 3]) await createVmRecord(t.db, { serviceId: id, clientId: 1, productId: 1, serverId: 1 });
    expect(await reserveVmid(t.db, 1, 1, 100, new Set([100, 101]))).toBe(102);
    expect(await reserveVmid(t.db, 1, 1, 100, new Set())).toBe(102);
    expect(await reserveVmid(t.db, 2, 1, 100, new Set([100, 101]))).toBe(103);
    const ids = await Promise.all([reserveVmid(t.db, 3, 1, 100, new Set())]);
    expect(ids).toEqual([100]);
  });

  it('gives concurrent reservations distinct VMIDs', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const n = 12;
    for (let id = 1; id <= n; id++) await createVmRecord(t.db, { serviceId: id, clientId: 1, productId: 1, serverId: 1 });
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => reserveVmid(t!.db, i + 1, 1, 500, new Set([501]))));
    expect(new Set(ids).size).toBe(n);
    expect(ids).not.toContain(501);
  });
});
