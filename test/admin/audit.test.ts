import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT } from '../../provisioner/audit.ts';
import { cleanupAudit } from '../../provisioner/audit.ts';
import { planSettings, SERVICE_PASSWORD, SHARED_SECRET, stackGateway, TOKEN } from '../provisioner/harness.ts';
import { testDialects } from '../support/db.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { adminClient, type AdminCall } from './support.ts';

type Row = Record<string, unknown>;

describe.each(await testDialects())('the audit log on %s', (dialect) => {
  let s: LifecycleStack;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  let api: AdminCall;
  const rows = async (where: Row = {}) => (await s.t.db(AUDIT).where(where).orderBy('id')) as Row[];
  const since = async (id: number) => (await s.t.db(AUDIT).where('id', '>', id).orderBy('id')) as Row[];
  const lastId = async () => Number((await s.t.db(AUDIT).max({ m: 'id' }).first())?.m ?? 0);
  const secrets = () => [SERVICE_PASSWORD, SHARED_SECRET, TOKEN.split('=')[1]!, s.sim.secret, 'ticket-secret-0123456789abcdef0123456789'];
  const noSecrets = (all: Row[]) => {
    const text = JSON.stringify(all);
    for (const secret of secrets()) expect(text).not.toContain(secret);
  };
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
    s.config = { ...s.config, ticketSecret: 'ticket-secret-0123456789abcdef0123456789' };
    gw = await stackGateway(s);
    api = adminClient(gw.gw.url);
  });
  afterAll(async () => {
    await gw.gw.close();
    await s.close();
  });

  it('a settings change is one row with the admin, the source IP and before/after; GET /v1/admin/settings shows it', async () => {
    const mark = await lastId();
    const r = await api('PATCH', '/v1/admin/settings', {
      actor: 'admin:7',
      ip: '203.0.113.77',
      body: { 'cron.collectingStatistics': 0, auditRetentionDays: 30 },
    });
    expect(r.status).toBe(200);
    expect(r.body.changed).toEqual({ 'cron.collectingStatistics': { from: 60, to: 0 }, auditRetentionDays: { from: 90, to: 30 } });
    const got = await api<{ settings: Row; groups: Record<string, string[]> }>('GET', '/v1/admin/settings');
    expect(got.body.settings).toMatchObject({ 'cron.collectingStatistics': 0, auditRetentionDays: 30 });
    expect(got.body.groups.cron).toContain('cronLockTimeout');
    const added = await since(mark);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      actor_type: 'admin',
      actor_id: 7,
      source_ip: '203.0.113.77',
      action: 'admin.settings.update',
      result: 'success',
    });
    expect(JSON.parse(String(added[0]!.summary))).toEqual({ after: { changed: r.body.changed } });
    const listed = await api<{ entries: Row[] }>('GET', '/v1/admin/audit', { query: { who: 'admin:7', action: 'admin.settings.*' } });
    expect(listed.body.entries.map((e) => e.id)).toEqual([Number(added[0]!.id)]);
  });

  it('a refused settings change names the field and writes nothing, not even an audit row', async () => {
    const mark = await lastId();
    const before = await s.t.db('mod_pvebridge_settings').orderBy('name');
    const bad = await api('PATCH', '/v1/admin/settings', { body: { cronLockTimeout: 5, nosuch: 1 } });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body.error as { fields: Row }).fields).sort()).toEqual(['cronLockTimeout', 'nosuch'].sort());
    expect(await s.t.db('mod_pvebridge_settings').orderBy('name')).toEqual(before);
    expect(await since(mark)).toEqual([]);
  });

  it('a pipeline outcome is one system row per finished deploy; a module command and a client power action one row each', async () => {
    const mark = await lastId();
    const vm = await s.deployReady(planSettings);
    const deploy = (await since(mark)).filter((r) => r.service_id === vm.serviceId);
    expect(deploy).toHaveLength(1);
    expect(deploy[0]).toMatchObject({ actor_type: 'system', actor_id: null, action: 'pipeline.deploy', result: 'success', vmid: vm.vmid });
    expect(JSON.parse(String(deploy[0]!.summary))).toMatchObject({ after: { state: 'ready' } });

    await s.t.db('tblhosting').where({ id: vm.serviceId }).update({ domainstatus: 'Active' });
    const params = { serviceid: vm.serviceId, password: SERVICE_PASSWORD };
    const m1 = await lastId();
    expect((await gw.call('/v1/whmcs/Stop', { actor: { type: 'admin', id: 3, ip: '198.51.100.9' }, params })).status).toBe(200);
    const stop = await since(m1);
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({
      actor_type: 'admin',
      actor_id: 3,
      source_ip: '198.51.100.9',
      action: 'whmcs.Stop',
      service_id: vm.serviceId,
      vmid: vm.vmid,
      result: 'success',
    });

    await new Promise((r) => setTimeout(r, 100)); // the simulator's stop task
    const m2 = await lastId();
    const start = await gw.call('/v1/whmcs/Start', { actor: { type: 'client', id: s.seeded.clientId }, params });
    expect(start.status).toBe(200);
    const client = await since(m2);
    expect(client).toHaveLength(1);
    expect(client[0]).toMatchObject({ actor_type: 'client', actor_id: s.seeded.clientId, action: 'whmcs.Start', service_id: vm.serviceId });

    // A refusal (another client's service) is not recorded; reads are not either.
    const m3 = await lastId();
    expect((await gw.call('/v1/whmcs/Start', { actor: { type: 'client', id: 999 }, params })).status).toBe(403);
    expect((await gw.call('/v1/whmcs/ClientArea', { actor: { type: 'client', id: s.seeded.clientId }, params })).status).toBe(200);
    expect((await api('POST', `/v1/admin/vms/${vm.serviceId}/redeploy`)).status).toBe(409);
    expect(await since(m3)).toEqual([]);
    noSecrets(await rows());
  });

  it('an admin VM action records the state before and after; a console opening records no ticket or password', async () => {
    const vm = await s.deployReady(planSettings);
    const mark = await lastId();
    const opened = await gw.call('/v1/whmcs/AdminConsole', { actor: { type: 'admin', id: 2 }, params: { serviceid: vm.serviceId } });
    const link = (await opened.json()) as { url?: string };
    expect(opened.status, JSON.stringify(link)).toBe(200);
    expect(link.url).toMatch(/[#?]/);
    const reset = await api('POST', `/v1/admin/vms/${vm.serviceId}/reset`, { actor: 'admin:4', body: { state: 'set_dns_records' } });
    expect(reset.status).toBe(200);
    const added = await since(mark);
    const actions = added.filter((r) => r.actor_type !== 'system').map((r) => [r.action, r.actor_id]);
    expect(actions).toEqual([
      ['whmcs.AdminConsole', 2],
      ['admin.vms.reset', 4],
    ]);
    const resetRow = added.find((r) => r.action === 'admin.vms.reset')!;
    expect(JSON.parse(String(resetRow.summary))).toMatchObject({
      before: { state: 'ready' },
      after: { request: { state: 'set_dns_records' }, response: { state: 'set_dns_records' } },
    });
    const consoleRow = added.find((r) => r.action === 'whmcs.AdminConsole')!;
    const url = new URL(link.url!);
    expect(String(consoleRow.summary)).not.toContain(url.hash.slice(1) || '(none)');
    expect(String(consoleRow.summary)).not.toMatch(/password=|ticket=/);
    noSecrets(await rows());
  });

  it('filters by subject, action prefix and time range, pages by cursor, and the cleanup task keeps only the retention window', async () => {
    const all = await api<{ entries: Row[]; nextCursor: number | null }>('GET', '/v1/admin/audit', { query: { limit: 2 } });
    expect(all.body.entries).toHaveLength(2);
    expect(all.body.nextCursor).toBe(all.body.entries[1]!.id);
    const next = await api<{ entries: Row[] }>('GET', '/v1/admin/audit', { query: { limit: 2, cursor: all.body.nextCursor! } });
    expect(Number(next.body.entries[0]!.id)).toBeLessThan(Number(all.body.nextCursor));
    const pipeline = await api<{ entries: Row[] }>('GET', '/v1/admin/audit', { query: { action: 'pipeline.*', who: 'system' } });
    expect(pipeline.body.entries.length).toBeGreaterThanOrEqual(2);
    expect(pipeline.body.entries.every((e) => String(e.action).startsWith('pipeline.'))).toBe(true);
    const future = await api<{ entries: Row[] }>('GET', '/v1/admin/audit', { query: { from: Date.now() + 60_000 } });
    expect(future.body.entries).toEqual([]);
    expect((await api('GET', '/v1/admin/audit', { query: { who: 'root' } })).status).toBe(400);

    const total = (await rows()).length;
    await s.t.db(AUDIT).insert({ at: Date.now() - 40 * 86_400_000, actor_type: 'system', action: 'old.entry', result: 'success' });
    const cron = await api<{ run: Row }>('POST', '/v1/admin/cron/cleanupAuditLog/run', { body: { wait: true } });
    expect(cron.body.run).toMatchObject({ task: 'cleanupAuditLog', status: 'ran', processed: 1 });
    expect(await rows({ action: 'old.entry' })).toEqual([]);
    expect((await rows()).length).toBe(total + 1); // the run itself is audited
    expect(await cleanupAudit(s.t.db, 30)).toBe(0);
  });
});
