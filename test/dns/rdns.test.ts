// Reverse DNS self-service through the signed ClientApi (the page's JSON action) and the admin
// service tab: names validated, saved through the set_dns_records pipeline with the PTR changed
// at the provider and the live status read back; an address no reverse zone covers goes to a
// WHMCS ticket in the product's RevDNS department; others' services and a product without the
// revDNS permission are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZone, ptrName, whmcsSealer } from '../../provisioner/dns/index.ts';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { startCloudflareSim, type CloudflareSim } from '../../simulator/dns/cloudflare.ts';
import { planSettings, stackGateway, waitForState } from '../provisioner/harness.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';

interface Reply {
  entries: Array<Record<string, unknown>>;
  error: { message: string; fields: Record<string, string> };
  [k: string]: unknown;
}

describe('reverse DNS self-service', () => {
  let s: LifecycleStack;
  let cf: CloudflareSim;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  let sid: number;
  let v4: string;
  let v6: string;
  let fqdn: string;
  const api = async (op: string, args: unknown, actor: Record<string, unknown> = { type: 'client', id: s.seeded.clientId }) => {
    const res = await gw.call('/v1/whmcs/ClientApi', { actor, params: { serviceid: sid }, op, args });
    return { status: res.status, body: (await res.json()) as Reply };
  };
  const ptrAtCloudflare = () => cf.records('2.0.192.in-addr.arpa').find((r) => r.name === ptrName(v4))?.content;

  beforeAll(async () => {
    cf = await startCloudflareSim();
    cf.addZone('2.0.192.in-addr.arpa');
    s = await lifecycleStack('sqlite');
    await createZone(s.t.db, whmcsSealer(s.hash), {
      name: '2.0.192.in-addr.arpa',
      type: 'cloudflare',
      ttl: 300,
      settings: { apiUrl: cf.url },
      secrets: { apiToken: cf.token },
    });
    gw = await stackGateway(s);
    const vm = await s.deployReady({ ...planSettings, revDnsTicket: true, revDnsDepartment: 0 });
    sid = vm.serviceId;
    await s.t.db('tblhosting').where({ id: sid }).update({ domainstatus: 'Active' });
    const net = vm.data.net as { ipv4: Array<{ address: string }>; ipv6: Array<{ address: string }> };
    [v4, v6, fqdn] = [net.ipv4[0]!.address, net.ipv6[0]!.address, String(vm.data.fqdn)];
  });
  afterAll(async () => {
    await gw?.gw.close();
    await s?.close();
    await cf?.close();
  });

  it('lists each address with its PTR status: synced where a zone covers it, uncovered elsewhere', async () => {
    const r = await api('rdns', {});
    expect(r.status).toBe(200);
    expect(r.body.entries).toEqual([
      { ip: v4, ptr: '', effective: fqdn, zone: '2.0.192.in-addr.arpa', status: 'synced' },
      { ip: v6, ptr: '', effective: fqdn, zone: null, status: 'uncovered' },
    ]);
    expect(ptrAtCloudflare()).toBe(fqdn);
  });

  it('saves a PTR through the pipeline: the provider’s record changes and the VM is ready again', async () => {
    const r = await api('rdnsSave', { entries: { [v4]: 'Mail.Customer.Example.' } });
    expect(r.body).toMatchObject({ result: 'success', changed: 1, queued: true });
    await waitForState(s, sid, 'ready');
    expect(ptrAtCloudflare()).toBe('mail.customer.example');
    expect((await api('rdns', {})).body.entries[0]).toMatchObject({ ptr: 'mail.customer.example', status: 'synced' });
  });

  it('refuses a bad name, a name that does not resolve back (forward-confirmed), and others’ addresses — naming the field', async () => {
    const bad = await api('rdnsSave', { entries: { [v4]: 'not a host' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ [v4]: 'not a host name (e.g. mail.example.com)' });
    const fcrdns = await api('rdnsSave', { entries: { [v4]: 'localhost.localdomain' }, verify: true });
    expect(fcrdns.body.error.fields[v4]).toBe(`localhost.localdomain does not resolve to ${v4}`);
    const other = await api('rdnsSave', { entries: { '198.51.100.1': 'x.example.com' } });
    expect(other.body.error.fields).toEqual({ '198.51.100.1': 'not an IP of this service' });
  });

  it('an uncovered address: refused without a ticket department, a WHMCS ticket in that department with one', async () => {
    const none = await api('rdnsSave', { entries: { [v6]: 'v6.customer.example' } });
    expect(none.body.error.fields).toEqual({ [v6]: 'no reverse DNS zone covers this address' });
    await saveProductSettings(s.t.db, s.seeded.productId, { ...planSettings, revDnsTicket: true, revDnsDepartment: 3 });
    const mark = s.whmcs.calls.length;
    const r = await api('rdnsSave', { entries: { [v6]: 'v6.customer.example' } });
    expect(r.body).toMatchObject({ result: 'success', changed: 1, queued: false });
    const ticket = s.whmcs.calls.slice(mark).find((c) => c.action === 'OpenTicket')!;
    expect(ticket).toMatchObject({ deptid: '3', clientid: String(s.seeded.clientId), serviceid: String(sid) });
    expect(ticket.message).toContain(`${v6} → v6.customer.example`);
  });

  it('another client and a product without the revDNS permission are refused', async () => {
    expect((await api('rdns', {}, { type: 'client', id: s.seeded.clientId + 999 })).body.error.message).toBe('Access Denied');
    await saveProductSettings(s.t.db, s.seeded.productId, { ...planSettings, permRevDns: false });
    expect((await api('rdns', {})).body.error.message).toBe('Access Denied');
    await saveProductSettings(s.t.db, s.seeded.productId, planSettings);
  });

  it('the admin service tab saves through the same pipeline', async () => {
    const res = await gw.call('/v1/whmcs/AdminServicesTabFieldsSave', {
      actor: { type: 'admin', id: 1 },
      params: { serviceid: sid },
      rdns: { [v4]: 'admin-set.example.net' },
    });
    expect(await res.json()).toEqual({ result: 'success', changed: true });
    await waitForState(s, sid, 'ready');
    expect(ptrAtCloudflare()).toBe('admin-set.example.net');
  });
});
