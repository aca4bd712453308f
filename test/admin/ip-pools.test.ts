import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverseZone } from '../../provisioner/ipam/pool-rules.ts';
import { planSettings, stackGateway } from '../provisioner/harness.ts';
import { testDialects } from '../support/db.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { adminClient, type AdminCall } from './support.ts';

const POOLS = 'mod_pvebridge_ip_pools';

describe('reverse-zone hints', () => {
  it('names in-addr.arpa zones for /8 /16 /24 and asks for classless delegation otherwise', () => {
    expect(reverseZone('ipv4', '192.168.130.2', 24)).toEqual({ zone: '130.168.192.in-addr.arpa', notice: null });
    expect(reverseZone('ipv4', '10.20.30.40', 16)).toEqual({ zone: '20.10.in-addr.arpa', notice: null });
    expect(reverseZone('ipv4', '10.20.30.40', 8)).toEqual({ zone: '10.in-addr.arpa', notice: null });
    expect(reverseZone('ipv4', '192.168.130.2', 28)).toEqual({ zone: null, notice: 'classless_delegation' });
    expect(reverseZone('ipv4', '192.168.128.2', 22)).toEqual({ zone: null, notice: 'classless_delegation' });
  });
  it('names the nibble zone of any IPv6 prefix that is a multiple of 4 (the spec example)', () => {
    expect(reverseZone('ipv6', '2001:db8::2', 120).zone).toBe('0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseZone('ipv6', '2001:db8::1', 32).zone).toBe('8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseZone('ipv6', '2001:db8::1', 62)).toEqual({ zone: null, notice: 'nibble_alignment' });
  });
});

describe.each(await testDialects())('IP pools through the signed admin API on %s', (dialect) => {
  let s: LifecycleStack;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  let api: AdminCall;
  const rowCount = async () => Number(((await s.t.db(POOLS).count({ n: '*' }).first()) as { n: number }).n);
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
    gw = await stackGateway(s);
    api = adminClient(gw.gw.url);
  });
  afterAll(async () => {
    await gw.gw.close();
    await s.close();
  });

  it('creates an IPv4 pool from a CIDR with exclusions and an IPv6 pool from a range, with usage and rDNS hints', async () => {
    const v4 = await api('POST', '/v1/admin/ip-pools', {
      body: {
        serverId: s.seeded.serverId,
        type: 'ipv4',
        bridge: 'vmbr0',
        cidr: '198.51.100.0/24',
        gateway: '198.51.100.1',
        dns1: '1.1.1.1',
        exclusions: '198.51.100.2-198.51.100.9, 198.51.100.200',
      },
    });
    expect(v4.status).toBe(200);
    const pool = v4.body.pool as Record<string, unknown>;
    expect(pool).toMatchObject({ start: '198.51.100.1', stop: '198.51.100.254', mask: 24, size: '244', allocated: 0 });
    expect(pool.reverseZone).toEqual({ zone: '100.51.198.in-addr.arpa', notice: null });
    const row = await s.t
      .db(POOLS)
      .where({ id: pool.id as number })
      .first();
    expect(row).toMatchObject({
      start_ip: '198.51.100.1',
      stop_ip: '198.51.100.254',
      gateway: '198.51.100.1',
      bridge: 'vmbr0',
      exclusions: '198.51.100.2-198.51.100.9,198.51.100.200',
    });

    const v6 = await api('POST', '/v1/admin/ip-pools', {
      body: {
        serverId: s.seeded.serverId,
        type: 'ipv6',
        bridge: 'vmbr0',
        vlan: 20,
        gateway: '2001:db8:5::1',
        mask: 120,
        start: '2001:db8:5::2',
        stop: '2001:db8:5::50',
      },
    });
    expect(v6.status).toBe(200);
    expect((v6.body.pool as Record<string, unknown>).reverseZone).toEqual({
      zone: '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
      notice: null,
    });
    const list = await api<{ pools: Array<Record<string, unknown>> }>('GET', '/v1/admin/ip-pools', {
      query: { serverId: s.seeded.serverId },
    });
    expect(list.body.pools.map((p) => p.id)).toEqual(expect.arrayContaining([pool.id, (v6.body.pool as { id: number }).id]));
  });

  it('refuses an overlapping pool and a gateway outside the network, naming the field and changing nothing', async () => {
    const before = await rowCount();
    const overlap = await api('POST', '/v1/admin/ip-pools', {
      body: { serverId: s.seeded.serverId, type: 'ipv4', bridge: 'vmbr0', cidr: '192.0.2.128/25', gateway: '192.0.2.129' },
    });
    expect(overlap.status).toBe(409);
    expect(Object.keys((overlap.body.error as { fields: object }).fields)).toEqual(['start']);
    expect(JSON.stringify(overlap.body)).toMatch(/overlaps pool #\d+ \(192\.0\.2\.1–192\.0\.2\.254/);
    const gwOut = await api('POST', '/v1/admin/ip-pools', {
      body: { serverId: s.seeded.serverId, type: 'ipv4', bridge: 'vmbr0', cidr: '203.0.113.0/24', gateway: '203.0.114.1' },
    });
    expect(gwOut.status).toBe(400);
    expect((gwOut.body.error as { fields: Record<string, string> }).fields.gateway).toMatch(
      /outside the pool's network 203\.0\.113\.0\/24/,
    );
    const badMask = await api('POST', '/v1/admin/ip-pools', {
      body: {
        serverId: s.seeded.serverId,
        type: 'ipv4',
        bridge: 'vmbr0',
        gateway: '203.0.113.1',
        mask: 40,
        start: '203.0.113.2',
        stop: '203.0.113.9',
      },
    });
    expect((badMask.body.error as { fields: Record<string, string> }).fields).toHaveProperty('mask');
    const badServer = await api('POST', '/v1/admin/ip-pools', {
      body: { serverId: true, type: 'ipv4', bridge: 'vmbr0', cidr: '203.0.113.0/24', gateway: '203.0.113.1' },
    });
    expect(badServer.status).toBe(400);
    expect((badServer.body.error as { fields: Record<string, string> }).fields).toHaveProperty('serverId');
    expect(await rowCount()).toBe(before);
  });

  it('refuses deleting or shrinking below allocated addresses, naming the holding services, and lists who holds each address', async () => {
    const vm = await s.deployReady(planSettings);
    const held = (await s.t.db('mod_pvebridge_ip_allocations').where({ service_id: vm.serviceId, family: 'ipv4' }).first()) as {
      address: string;
      pool_id: number;
    };
    const id = held.pool_id;
    const del = await api('DELETE', `/v1/admin/ip-pools/${id}`);
    expect(del.status).toBe(409);
    expect(JSON.stringify(del.body)).toContain(`${held.address} (service #${vm.serviceId})`);
    const shrink = await api('PATCH', `/v1/admin/ip-pools/${id}`, { body: { start: '192.0.2.200' } });
    expect(shrink.status).toBe(409);
    expect((shrink.body.error as { fields: Record<string, string> }).fields.start).toContain(`service #${vm.serviceId}`);
    expect(await s.t.db(POOLS).where({ id }).first('start_ip')).toEqual({ start_ip: '192.0.2.1' });

    const addrs = await api<{ addresses: Array<Record<string, unknown>>; nextOffset: string | null }>(
      'GET',
      `/v1/admin/ip-pools/${id}/addresses`,
      {
        query: { limit: 5 },
      },
    );
    expect(addrs.status).toBe(200);
    expect(addrs.body.addresses[0]).toMatchObject({ address: '192.0.2.1', status: 'reserved', reason: 'gateway' });
    expect(addrs.body.nextOffset).toBe('5');
    const allocated = await api<{ addresses: Array<Record<string, unknown>> }>('GET', `/v1/admin/ip-pools/${id}/addresses`, {
      query: { status: 'allocated' },
    });
    expect(allocated.body.addresses).toContainEqual(
      expect.objectContaining({ address: held.address, serviceId: vm.serviceId, clientId: s.seeded.clientId }),
    );

    // An edit that keeps the allocated address is accepted and applies to new allocations only.
    const widen = await api('PATCH', `/v1/admin/ip-pools/${id}`, { body: { dns2: '192.0.2.54' } });
    expect(widen.status).toBe(200);
    expect(await s.t.db(POOLS).where({ id }).first('dns2', 'start_ip')).toEqual({ dns2: '192.0.2.54', start_ip: '192.0.2.1' });
  });

  it('never allocates an excluded address', async () => {
    const { id } = (await s.t.db(POOLS).where({ start_ip: '192.0.2.1' }).first('id')) as { id: number };
    const taken = ((await s.t.db('mod_pvebridge_ip_allocations').where({ pool_id: id }).pluck('address')) as string[]).map((a) =>
      Number(a.split('.')[3]),
    );
    const next = Math.max(1, ...taken) + 1;
    const excl = `192.0.2.${next}-192.0.2.${next + 2}`;
    expect((await api('PATCH', `/v1/admin/ip-pools/${id}`, { body: { exclusions: excl } })).status).toBe(200);
    const vm = await s.deployReady(planSettings);
    const got = (await s.t.db('mod_pvebridge_ip_allocations').where({ service_id: vm.serviceId, family: 'ipv4' }).first()) as {
      address: string;
    };
    expect(got.address).toBe(`192.0.2.${next + 3}`);
    expect((await s.t.db('tblhosting').where({ id: vm.serviceId }).first('dedicatedip')).dedicatedip).toBe(`192.0.2.${next + 3}`);
  });

  it('deletes an unused pool; an unknown id is 404 and an unsigned call 401', async () => {
    const created = await api<{ pool: { id: number } }>('POST', '/v1/admin/ip-pools', {
      body: { serverId: s.seeded.serverId, type: 'ipv4', bridge: 'vmbr0', cidr: '203.0.113.0/28', gateway: '203.0.113.1' },
    });
    expect((created.body.pool as unknown as { reverseZone: unknown }).reverseZone).toEqual({ zone: null, notice: 'classless_delegation' });
    expect(await api('DELETE', `/v1/admin/ip-pools/${created.body.pool.id}`)).toEqual({
      status: 200,
      body: { deleted: true, id: created.body.pool.id },
    });
    expect(await s.t.db(POOLS).where({ id: created.body.pool.id }).first()).toBeUndefined();
    expect((await api('GET', '/v1/admin/ip-pools/99999')).status).toBe(404);
    expect((await api('GET', '/v1/admin/ip-pools', { actor: null })).status).toBe(403);
    expect((await fetch(`${gw.gw.url}/v1/admin/ip-pools?actor=admin:1`)).status).toBe(401);
  });
});
