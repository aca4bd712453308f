import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedVmRows, type SeedVms } from '../../bench/admin-vms/seed.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';
import { adminGateway, type AdminGateway } from './gateway.ts';

type Vm = Record<string, unknown> & { serviceId: number; state: string };
type Page = { vms: Vm[]; nextCursor: string | null; total: number | null };

describe.each(await testDialects())('VM Management list and DB record on %s', (dialect) => {
  let t: TestDb;
  let a: AdminGateway;
  let seed: SeedVms;
  const N = 260;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    a = await adminGateway(t);
    seed = await seedVmRows(t.db, N, { productId: a.seeded.productId });
  });
  afterAll(async () => {
    await a.close();
    await t.drop();
  });
  const list = async (query: Record<string, string | number | undefined>) => {
    const r = await a.api<Page>('GET', '/v1/admin/vms', { query });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  /** Every page of a query, following nextCursor. */
  const walk = async (query: Record<string, string | number | undefined>) => {
    const all: Vm[] = [];
    let cursor: string | undefined;
    let total: number | null = null;
    for (let i = 0; i < 100; i++) {
      const p = await list({ ...query, cursor });
      total ??= p.total;
      all.push(...p.vms);
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    return { all, total };
  };

  it('pages every VM exactly once with a cursor, in each sort order, and counts the total', async () => {
    for (const sort of ['-serviceId', 'serviceId', 'state', '-updated', 'server']) {
      const { all, total } = await walk({ sort, limit: 37 });
      expect(total).toBe(N);
      expect(new Set(all.map((v) => v.serviceId)).size).toBe(N);
      const keys = all.map((v) =>
        sort.includes('state')
          ? v.state
          : sort.includes('updated')
            ? (v.updatedAt as number)
            : sort.includes('server')
              ? (v.serverId as number)
              : v.serviceId,
      );
      const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(keys).toEqual(sort.startsWith('-') ? sorted.reverse() : sorted);
    }
  });

  it('filters by server, node, state and WHMCS status on the server side', async () => {
    const server = seed.serverIds[1]!;
    const { all, total } = await walk({ serverId: server, state: 'ready', limit: 50 });
    const expected = (await t.db('mod_pvebridge_vms').where({ server_id: server, state: 'ready' }).pluck('service_id')) as number[];
    expect(total).toBe(expected.length);
    expect(all.map((v) => v.serviceId).sort()).toEqual([...expected].sort());
    expect(all.every((v) => v.serverName === 'pve-bench-2' && v.state === 'ready')).toBe(true);
    const nodes = await walk({ node: 'pve3', state: 'error_terminate,remove', limit: 200 });
    expect(nodes.all.length).toBeGreaterThan(0);
    expect(nodes.all.every((v) => v.node === 'pve3' && ['error_terminate', 'remove'].includes(v.state))).toBe(true);
    expect(
      nodes.all.every((v) => (v.actions as Record<string, boolean>).deleteRecord && (v.actions as Record<string, boolean>).redeploy),
    ).toBe(true);
    const suspended = await list({ serviceStatus: 'Suspended', limit: 200 });
    expect(suspended.vms.length).toBe(suspended.total);
    expect(suspended.vms.every((v) => v.serviceStatus === 'Suspended')).toBe(true);
    const failing = await list({ failing: '1', limit: 200 });
    expect(failing.vms.every((v) => v.state === 'error_terminate' && typeof v.lastError === 'string')).toBe(true);
  });

  it('searches by service id, VMID, client, domain and IP', async () => {
    const sid = seed.firstServiceId + 42;
    const row = (await t.db('mod_pvebridge_vms').where({ service_id: sid }).first()) as Record<string, unknown>;
    const byId = await list({ q: String(sid) });
    expect(byId.vms.map((v) => v.serviceId)).toContain(sid);
    const byVmid = await list({ q: String(row.vmid) });
    expect(byVmid.vms.map((v) => v.serviceId)).toContain(sid);
    const byDomain = await list({ q: `vm${sid}.bench` });
    expect(byDomain.vms.map((v) => v.serviceId)).toEqual([sid]);
    expect(byDomain.vms[0]).toMatchObject({
      domain: `vm${sid}.bench.example`,
      productName: expect.any(String),
      ips: [{ address: '10.0.0.42', family: 'ipv4' }],
    });
    expect((await list({ q: '10.0.0.42' })).vms.map((v) => v.serviceId)).toEqual([sid]);
    expect((await list({ q: '10.0.1.' })).total).toBe(N - 256);
    const client = await list({
      q: `Client${Number(row.client_id) - Number((await t.db('tblclients').min({ m: 'id' }).first())!.m) - 1}`,
      limit: 200,
    });
    expect(client.vms.length).toBeGreaterThan(0);
    expect(client.vms.every((v) => v.clientId === client.vms[0]!.clientId)).toBe(true);
    expect((await list({ q: 'no-such-thing' })).vms).toEqual([]);
  });

  it('refuses bad filters naming the field, and a forged cursor', async () => {
    for (const [query, field] of [
      [{ sort: 'password' }, 'sort'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 'all' }, 'limit'],
      [{ state: "ready' OR 1=1" }, 'state'],
      [{ serverId: 'true' }, 'serverId'],
      [{ cursor: 'eyJ4Ijp9' }, 'cursor'],
    ] as const) {
      const r = await a.api('GET', '/v1/admin/vms', { query: query as Record<string, string | number> });
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(Object.keys((r.body.error as { fields: object }).fields)).toContain(field);
    }
  });

  it('answers the raw DB record with secrets masked as __KEEP__', async () => {
    const sid = seed.firstServiceId + 7;
    await t
      .db('mod_pvebridge_vms')
      .where({ service_id: sid })
      .update({ data: JSON.stringify({ passwordHash: 'abc$secret', template: 9000 }) });
    const r = await a.api<{ record: Record<string, unknown>; actions: Record<string, boolean> }>('GET', `/v1/admin/vms/${sid}`);
    expect(r.status).toBe(200);
    expect(r.body.record).toMatchObject({ service_id: sid, data: { passwordHash: '__KEEP__', template: 9000 } });
    expect(JSON.stringify(r.body)).not.toContain('abc$secret');
    expect((await a.api('GET', '/v1/admin/vms/999999')).status).toBe(404);
  });
});
