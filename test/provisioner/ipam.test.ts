import { afterEach, describe, expect, it } from 'vitest';
import { seedService, seedWhmcs } from '../../common/whmcs-fixture/seed.ts';
import {
  allocateServiceIps,
  createPool,
  parseLegacyLines,
  releaseServiceIps,
  serviceIps,
  type AllocationRequest,
} from '../../provisioner/ipam/index.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

const dialects = await testDialects();

const req = (serviceId: number, serverId: number, over: Partial<AllocationRequest> = {}): AllocationRequest => ({
  serviceId,
  serverId,
  ipv4Count: 1,
  ipv6Count: 0,
  bridge: 'vmbr0',
  vlan: 0,
  autoBridgeVlan: true,
  ...over,
});

const v4pool = (serverId: number, start: string, stop: string, over: Record<string, unknown> = {}) =>
  ({
    serverId,
    type: 'ipv4',
    bridge: 'vmbr1',
    vlan: 10,
    gateway: '192.0.2.1',
    mask: 24,
    dns1: '8.8.8.8',
    dns2: '1.1.1.1',
    start,
    stop,
    ...over,
  }) as const;

describe('legacy Assigned IP Addresses lines', () => {
  it('parse into one-address sources and report bad lines', () => {
    const { pools, invalid } = parseLegacyLines(
      3,
      'vmbr0|10|192.168.10.2|24|192.168.10.1|8.8.8.8,1.1.1.1\n\nvmbr3|0|2001:db8::5|64|2001:db8::1|2001:4860:4860::8888\nnonsense|x|1.2.3.4|24|1.2.3.1|\n',
    );
    expect(pools).toEqual([
      {
        id: null,
        serverId: 3,
        type: 'ipv4',
        bridge: 'vmbr0',
        vlan: 10,
        gateway: '192.168.10.1',
        mask: 24,
        dns: ['8.8.8.8', '1.1.1.1'],
        start: '192.168.10.2',
        stop: '192.168.10.2',
        exclusions: [],
      },
      {
        id: null,
        serverId: 3,
        type: 'ipv6',
        bridge: 'vmbr3',
        vlan: 0,
        gateway: '2001:db8::1',
        mask: 64,
        dns: ['2001:4860:4860::8888'],
        start: '2001:db8::5',
        stop: '2001:db8::5',
        exclusions: [],
      },
    ]);
    expect(invalid).toEqual(['nonsense|x|1.2.3.4|24|1.2.3.1|']);
  });
});

describe.each(dialects)('IPAM on %s', (dialect) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('refuses a pool whose gateway, mask or range does not fit its type', async () => {
    t = await createTestDb(dialect);
    await expect(createPool(t.db, { ...v4pool(1, '192.0.2.10', '192.0.2.5'), gateway: '2001:db8::1', mask: 40 })).rejects.toMatchObject({
      code: 'PVB_VALIDATION',
      fields: { gateway: 'must be an IPv4 address', mask: '1–32', stop: 'must not be below start' },
    });
  });

  it('allocates from the pool, takes bridge/VLAN from it and writes tblhosting', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    await createPool(t.db, v4pool(s.serverId, '192.0.2.1', '192.0.2.20'));
    await createPool(t.db, {
      serverId: s.serverId,
      type: 'ipv6',
      bridge: 'vmbr1',
      vlan: 10,
      gateway: '2001:db8::1',
      mask: 64,
      start: '2001:db8::10',
      stop: '2001:db8::ff',
    });
    const net = await allocateServiceIps(t.db, req(s.serviceId!, s.serverId, { ipv4Count: 2, ipv6Count: 1 }));
    expect(net).toMatchObject({ bridge: 'vmbr1', vlan: 10 });
    expect(net.ipv4.map((e) => e.address)).toEqual(['192.0.2.2', '192.0.2.3']); // the gateway .1 is skipped
    expect(net.ipv4[0]).toMatchObject({ prefix: 24, gateway: '192.0.2.1', dns: ['8.8.8.8', '1.1.1.1'] });
    expect(net.ipv6.map((e) => e.address)).toEqual(['2001:db8::10']);
    const svc = await t.db('tblhosting').where({ id: s.serviceId }).first();
    expect(svc.dedicatedip).toBe('192.0.2.2');
    expect(svc.assignedips).toBe('192.0.2.3\n2001:db8::10');
  });

  it('returns the same addresses when asked again (retry of the step)', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    await createPool(t.db, v4pool(s.serverId, '192.0.2.2', '192.0.2.9'));
    const a = await allocateServiceIps(t.db, req(s.serviceId!, s.serverId));
    const b = await allocateServiceIps(t.db, req(s.serviceId!, s.serverId));
    expect(b).toEqual(a);
    expect(await serviceIps(t.db, s.serviceId!)).toHaveLength(1);
  });

  it('uses the legacy list after the pools, and skips addresses live WHMCS services hold', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db, {
      server: { assignedips: 'vmbr0|0|10.0.25.2|24|10.0.25.1|10.0.10.10\nvmbr0|0|10.0.25.3|24|10.0.25.1|10.0.10.10' },
    });
    await seedService(t.db, s, { dedicatedip: '10.0.25.2', domainstatus: 'Active' });
    await seedService(t.db, s, { dedicatedip: '10.0.25.3', domainstatus: 'Terminated' });
    const net = await allocateServiceIps(t.db, req(s.serviceId!, s.serverId));
    expect(net).toMatchObject({
      bridge: 'vmbr0',
      vlan: 0,
      ipv4: [{ address: '10.0.25.3', prefix: 24, gateway: '10.0.25.1', dns: ['10.0.10.10'], poolId: null }],
    });
  });

  it('without auto bridge/VLAN uses only sources on the product bridge and VLAN', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    await createPool(t.db, v4pool(s.serverId, '192.0.2.2', '192.0.2.9'));
    await createPool(t.db, v4pool(s.serverId, '198.51.100.2', '198.51.100.9', { bridge: 'vmbr0', vlan: 0, gateway: '198.51.100.1' }));
    const net = await allocateServiceIps(t.db, req(s.serviceId!, s.serverId, { autoBridgeVlan: false }));
    expect(net.ipv4[0]!.address).toBe('198.51.100.2');
  });

  it('allocates nothing in DHCP mode (zero counts)', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    await createPool(t.db, v4pool(s.serverId, '192.0.2.2', '192.0.2.9'));
    expect(await allocateServiceIps(t.db, req(s.serviceId!, s.serverId, { ipv4Count: 0 }))).toEqual({
      bridge: 'vmbr0',
      vlan: 0,
      ipv4: [],
      ipv6: [],
    });
    expect(await serviceIps(t.db, s.serviceId!)).toEqual([]);
  });

  it('gives an address back only with proof that the VM is gone, then reuses it', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db);
    const other = await seedService(t.db, s);
    await createPool(t.db, v4pool(s.serverId, '192.0.2.2', '192.0.2.2'));
    await allocateServiceIps(t.db, req(s.serviceId!, s.serverId));
    await t.db('tblhosting').where({ id: s.serviceId }).update({ domainstatus: 'Terminated' });
    await expect(allocateServiceIps(t.db, req(other, s.serverId))).rejects.toThrow(/pool exhausted/);
    await expect(releaseServiceIps(t.db, s.serviceId!, {} as never)).rejects.toThrow(/only after Proxmox confirms/);
    expect(await releaseServiceIps(t.db, s.serviceId!, { vmGone: true, vmid: 100, confirmedAt: Date.now() })).toBe(1);
    expect((await allocateServiceIps(t.db, req(other, s.serverId))).ipv4[0]!.address).toBe('192.0.2.2');
  });

  it('gives 100 concurrent allocations on a 100-address pool 100 distinct addresses; the 101st fails cleanly and stays retryable', async () => {
    t = await createTestDb(dialect);
    const s = await seedWhmcs(t.db, { service: false });
    await createPool(t.db, v4pool(s.serverId, '10.1.0.1', '10.1.0.100', { gateway: '10.1.1.1', mask: 16 }));
    const ids: number[] = [];
    for (let i = 0; i < 101; i++) ids.push(await seedService(t.db, s));
    const results = await Promise.allSettled(ids.map((id) => allocateServiceIps(t!.db, req(id, s.serverId))));
    const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof allocateServiceIps>>> => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(new Set(ok.map((r) => r.value.ipv4[0]!.address)).size).toBe(100);
    expect(failed).toHaveLength(1);
    expect(String(failed[0]!.reason.message)).toMatch(/^pool exhausted: need 1 IPv4/);
    const loser = ids[results.findIndex((r) => r.status === 'rejected')]!;
    expect(await serviceIps(t.db, loser)).toEqual([]);
    await createPool(t.db, v4pool(s.serverId, '10.1.0.101', '10.1.0.101', { gateway: '10.1.1.1', mask: 16 }));
    expect((await allocateServiceIps(t.db, req(loser, s.serverId))).ipv4[0]!.address).toBe('10.1.0.101');
  });
});
