// The admin API for DNS zones through the signed gateway: add/edit/delete with secrets that
// never come back (masked as __KEEP__, kept when __KEEP__ is sent, sealed in the database), a
// live test that names the problem, and the Sync DNS action back to ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/auth/signature.ts';
import { ZONES } from '../../provisioner/dns/index.ts';
import { startCloudflareSim, type CloudflareSim } from '../../simulator/dns/cloudflare.ts';
import { startHestiaSim, type HestiaSim } from '../../simulator/dns/hestia.ts';
import { planSettings, SHARED_SECRET, stackGateway, waitForState } from '../provisioner/harness.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { testDialects } from '../support/db.ts';

type Reply = { status: number; body: Record<string, unknown> & { error?: { message: string; fields?: Record<string, string> } } };

describe.each(await testDialects())('DNS zones admin API on %s', (dialect) => {
  let s: LifecycleStack;
  let cf: CloudflareSim;
  let hestia: HestiaSim;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  const call = async (method: string, path: string, body?: unknown, actor: string | null = 'admin:1'): Promise<Reply> => {
    const full = actor ? `${path}?actor=${actor}` : path;
    const text = body === undefined ? '' : JSON.stringify(body);
    const res = await fetch(`${gw.gw.url}${full}`, {
      method,
      headers: { ...(text && { 'content-type': 'application/json' }), ...signRequest(SHARED_SECRET, { method, path: full, body: text }) },
      ...(text && { body: text }),
    });
    const raw = await res.text();
    return { status: res.status, body: raw ? (JSON.parse(raw) as Reply['body']) : {} };
  };

  beforeAll(async () => {
    [cf, hestia] = await Promise.all([startCloudflareSim(), startHestiaSim()]);
    cf.addZone('example.com');
    hestia.addDomain('example.org');
    s = await lifecycleStack(dialect);
    gw = await stackGateway(s);
  });
  afterAll(async () => {
    await gw?.gw.close();
    await s?.close();
    await cf?.close();
    await hestia?.close();
  });

  it('adds a zone, never returns its secret, keeps it on __KEEP__, stores it sealed', async () => {
    const add = await call('POST', '/v1/admin/dns-zones', {
      name: 'Example.COM.',
      type: 'cloudflare',
      ttl: 300,
      settings: { apiUrl: cf.url },
      secrets: { apiToken: cf.token },
    });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ name: 'example.com', type: 'cloudflare', ttl: 300, secrets: { apiToken: '__KEEP__' } });
    const id = Number(add.body.id);
    const list = await call('GET', '/v1/admin/dns-zones');
    expect(JSON.stringify(list.body)).not.toContain(cf.token);
    expect((list.body.zones as unknown[]).length).toBeGreaterThan(0);
    const row = await s.t.db(ZONES).where({ id }).first();
    expect(String(row.secrets)).not.toContain(cf.token);
    expect(String(row.secrets)).not.toContain('apiToken');

    expect((await call('POST', `/v1/admin/dns-zones/${id}/test`)).body).toMatchObject({ ok: true });
    const kept = await call('PATCH', `/v1/admin/dns-zones/${id}`, { ttl: 600, secrets: { apiToken: '__KEEP__' } });
    expect(kept.body).toMatchObject({ ttl: 600, secrets: { apiToken: '__KEEP__' } });
    expect((await call('POST', `/v1/admin/dns-zones/${id}/test`)).body).toMatchObject({ ok: true });

    await call('PATCH', `/v1/admin/dns-zones/${id}`, { secrets: { apiToken: 'wrong-token' } });
    expect((await call('POST', `/v1/admin/dns-zones/${id}/test`)).body).toMatchObject({ ok: false, problem: 'bad credentials' });
    await call('PATCH', `/v1/admin/dns-zones/${id}`, { name: 'nothere.com', secrets: { apiToken: cf.token } });
    expect((await call('POST', `/v1/admin/dns-zones/${id}/test`)).body).toMatchObject({
      ok: false,
      problem: 'zone not found at the provider',
    });
    await call('PATCH', `/v1/admin/dns-zones/${id}`, { settings: { apiUrl: 'http://127.0.0.1:9/client/v4' } });
    expect((await call('POST', `/v1/admin/dns-zones/${id}/test`)).body).toMatchObject({ ok: false, problem: 'unreachable' });

    expect((await call('DELETE', `/v1/admin/dns-zones/${id}`)).body).toMatchObject({ deleted: true });
    expect((await call('GET', `/v1/admin/dns-zones/${id}`)).status).toBe(404);
  });

  it('HestiaCP with the admin password; validation names the field; no actor, no access', async () => {
    const add = await call('POST', '/v1/admin/dns-zones', {
      name: 'example.org',
      type: 'hestiacp',
      settings: { url: hestia.url, user: hestia.user, adminUser: 'admin' },
      secrets: { adminPassword: hestia.adminPassword },
    });
    expect(add.body.secrets).toEqual({ adminPassword: '__KEEP__' });
    expect((await call('POST', `/v1/admin/dns-zones/${Number(add.body.id)}/test`)).body).toMatchObject({ ok: true });
    await call('PATCH', `/v1/admin/dns-zones/${Number(add.body.id)}`, { secrets: { adminPassword: 'nope' } });
    expect((await call('POST', `/v1/admin/dns-zones/${Number(add.body.id)}/test`)).body).toMatchObject({
      ok: false,
      problem: 'bad credentials',
    });
    await call('DELETE', `/v1/admin/dns-zones/${Number(add.body.id)}`);

    const bad = await call('POST', '/v1/admin/dns-zones', { name: 'x.test', type: 'powerdns', settings: { url: 'ftp://x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.fields).toHaveProperty(['settings.url']);
    const missing = await call('POST', '/v1/admin/dns-zones', {
      name: 'x.test',
      type: 'powerdns',
      settings: { url: 'http://127.0.0.1:1' },
    });
    expect(missing.body.error!.fields).toHaveProperty('apiKey');
    expect((await call('GET', '/v1/admin/dns-zones', undefined, null)).status).toBe(403);
  });

  it('Sync DNS queues set_dns_records and the VM returns to ready with its records written', async () => {
    const zone = await call('POST', '/v1/admin/dns-zones', {
      name: 'example.com',
      type: 'cloudflare',
      ttl: 300,
      settings: { apiUrl: cf.url },
      secrets: { apiToken: cf.token },
    });
    const vm = await s.deployReady(planSettings);
    // The provider lost the records (deleted by hand): the sync recreates what the ledger says is ours.
    const fqdn = String(vm.data.fqdn);
    for (const r of cf.records('example.com').filter((x) => x.name === fqdn)) cf.zones.forEach((z) => z.records.delete(r.id));
    const res = await call('POST', `/v1/admin/vms/${vm.serviceId}/sync-dns`);
    expect(res.body).toEqual({ state: 'set_dns_records' });
    await waitForState(s, vm.serviceId, 'ready');
    expect(
      cf
        .records('example.com')
        .filter((x) => x.name === fqdn)
        .map((x) => x.type)
        .sort(),
    ).toEqual(['A', 'AAAA']);
    await call('DELETE', `/v1/admin/dns-zones/${Number(zone.body.id)}`);
  });
});
