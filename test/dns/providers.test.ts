// Cloudflare and HestiaCP behind the lifecycle, through their simulators (the Cloudflare one
// validates every request against the vendored schema subset): a deploy writes the records in
// each provider's own form; faults (provider down, 401, rate limited, partial failure) never
// stop the deploy, each failure is its own VM log line, and the admin's Set DNS records — a real
// one-step pipeline back to ready — repairs what failed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createZone, RECORDS, whmcsSealer, ptrName, relativeName } from '../../provisioner/dns/index.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { startCloudflareSim, type CloudflareSim } from '../../simulator/dns/cloudflare.ts';
import { startHestiaSim, type HestiaSim } from '../../simulator/dns/hestia.ts';
import { planSettings, stackGateway, waitForState } from '../provisioner/harness.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { testDialects } from '../support/db.ts';

const V6_ZONE = '0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';

describe.each(await testDialects())('Cloudflare and HestiaCP providers on %s', (dialect) => {
  let s: LifecycleStack;
  let cf: CloudflareSim;
  let hestia: HestiaSim;
  let gw: Awaited<ReturnType<typeof stackGateway>>;

  beforeAll(async () => {
    [cf, hestia] = await Promise.all([startCloudflareSim(), startHestiaSim()]);
    cf.addZone('example.com');
    cf.addZone('2.0.192.in-addr.arpa');
    hestia.addDomain(V6_ZONE);
    s = await lifecycleStack(dialect);
    await s.t.db('tblconfiguration').insert({ setting: 'ModuleDebugMode', value: 'on' }); // WHMCS logs module calls only then
    const sealer = whmcsSealer(s.hash);
    const cfZone = { type: 'cloudflare' as const, ttl: 300, settings: { apiUrl: cf.url }, secrets: { apiToken: cf.token } };
    await createZone(s.t.db, sealer, { name: 'example.com', ...cfZone });
    await createZone(s.t.db, sealer, { name: '2.0.192.in-addr.arpa', ...cfZone });
    await createZone(s.t.db, sealer, {
      name: V6_ZONE,
      type: 'hestiacp',
      ttl: 300,
      settings: { url: hestia.url, user: hestia.user },
      secrets: { accessKey: hestia.accessKey, secretKey: hestia.secretKey },
    });
    gw = await stackGateway(s);
  });
  afterAll(async () => {
    await gw?.gw.close();
    await s?.close();
    await cf?.close();
    await hestia?.close();
  });
  beforeEach(() => {
    cf.faults.clear();
    hestia.faults.clear();
  });

  const dnsStep = async (sid: number, label: string) => {
    const rows = (await s.t
      .db('mod_pvebridge_vm_run_steps as st')
      .join('mod_pvebridge_vm_runs as r', 'r.id', 'st.run_id')
      .where({ 'r.service_id': sid, 'st.label': label })
      .orderBy('st.id', 'desc')
      .select('st.message')) as Array<{ message: string }>;
    return rows[0]!.message.split('\n');
  };
  const addrs = (vm: { data: Record<string, unknown> }) => {
    const net = vm.data.net as { ipv4: Array<{ address: string }>; ipv6: Array<{ address: string }> };
    return { fqdn: String(vm.data.fqdn), v4: net.ipv4[0]!.address, v6: net.ipv6[0]?.address };
  };
  const setDnsRecords = async (sid: number) => {
    const res = await gw.call('/v1/whmcs/SetDNSRecords', { actor: { type: 'admin', id: 1 }, params: { serviceid: sid } });
    expect(res.status).toBe(200);
    await waitForState(s, sid, 'ready');
  };
  const mine = (sid: number) =>
    s.t
      .db(RECORDS)
      .where({ service_id: sid })
      .count({ n: '*' })
      .first()
      .then((r) => Number(r!.n));

  it('writes A/AAAA and PTR in each provider’s form; every Cloudflare request passes the schema', async () => {
    const mark = cf.requestLog.length;
    const vm = await s.deployReady(planSettings);
    const { fqdn, v4, v6 } = addrs(vm);
    const fwd = cf.records('example.com').filter((r) => r.name === fqdn);
    expect(fwd.map((r) => [r.type, r.content, r.ttl, r.proxied]).sort()).toEqual([
      ['A', v4, 300, false],
      ['AAAA', v6, 300, false],
    ]);
    expect(cf.records('2.0.192.in-addr.arpa').find((r) => r.name === ptrName(v4))).toMatchObject({ type: 'PTR', content: fqdn });
    const hp = hestia.records(V6_ZONE).find((r) => r.TYPE === 'PTR')!;
    expect(hp).toMatchObject({ RECORD: relativeName(ptrName(v6!), V6_ZONE), VALUE: `${fqdn}.`, TTL: '300' });
    expect(cf.requestLog.slice(mark).filter((e) => e.status !== 200)).toEqual([]);
    expect(await dnsStep(vm.serviceId, 'Configure DNS records')).toContain(`· fwd OK ${fqdn} A ${v4} [cloudflare example.com]`);

    // Set DNS records with nothing to change: back to ready, no write at any provider.
    const writes = cf.requestLog.length;
    await setDnsRecords(vm.serviceId);
    expect(cf.requestLog.slice(writes).filter((e) => e.method !== 'GET')).toEqual([]);
    expect((await dnsStep(vm.serviceId, 'Sync DNS records'))[0]).toBe('DNS 4 ok, 0 failed');
  });

  it('provider down and a 401: the deploy reaches ready, each record fails on its own line, Set DNS records repairs all', async () => {
    cf.faults.fail(401, 1000);
    hestia.faults.down = true;
    const vm = await s.deployReady(planSettings);
    const { fqdn, v4 } = addrs(vm);
    const lines = await dnsStep(vm.serviceId, 'Configure DNS records');
    expect(lines[0]).toBe('DNS 0 ok, 4 failed');
    expect(lines).toContain(`· fwd FAIL ${fqdn} A ${v4} [cloudflare example.com] (auth: Cloudflare: 10000 Authentication error)`);
    expect(lines.filter((l) => /^· ptr FAIL .* \[hestiacp .*\(transient: unreachable/.test(l))).toHaveLength(1);
    expect(await mine(vm.serviceId)).toBe(0);
    expect((await s.t.db('tblmodulelog').where({ action: 'dns_sync' }).select('response')).length).toBeGreaterThan(0);

    cf.faults.clear();
    hestia.faults.clear();
    await setDnsRecords(vm.serviceId);
    expect(await mine(vm.serviceId)).toBe(4);
    expect(cf.records('example.com').filter((r) => r.name === fqdn)).toHaveLength(2);
    expect((await getVm(s.t.db, vm.serviceId))!.state).toBe('ready');
  });

  it('rate limited (no retry) and a partial failure (one record’s POST keeps failing): the rest is written, the next sync fills the gap', async () => {
    cf.faults.fail(503, 3, /^POST \/client\/v4\/zones\/[0-9a-f]+\/dns_records$/); // one create, all 3 attempts
    const vm = await s.deployReady(planSettings);
    const { fqdn } = addrs(vm);
    const lines = await dnsStep(vm.serviceId, 'Configure DNS records');
    expect(lines[0]).toBe('DNS 3 ok, 1 failed');
    expect(
      lines.filter((l) => l.includes(' FAIL ') && l.includes('(transient: Cloudflare: 10001 service temporarily unavailable)')),
    ).toHaveLength(1);
    expect(await mine(vm.serviceId)).toBe(3);

    const mark = cf.requestLog.length;
    cf.faults.fail(429, 1);
    await setDnsRecords(vm.serviceId);
    const limited = await dnsStep(vm.serviceId, 'Sync DNS records');
    expect(cf.requestLog.slice(mark).filter((e) => e.status === 429)).toHaveLength(1);
    expect(limited.some((l) => l.includes('(rate_limited: Cloudflare: 971 Please wait'))).toBe(true);

    await setDnsRecords(vm.serviceId);
    expect(await mine(vm.serviceId)).toBe(4);
    expect(cf.records('example.com').filter((r) => r.name === fqdn)).toHaveLength(2);
  });

  it('HestiaCP refuses to delete the last A record of a domain: reported, the terminate still completes', async () => {
    const domain = 'last.example';
    hestia.addDomain(domain);
    hestia.domains.get(domain)!.delete('2'); // no apex A: ours will be the only one
    const z = await createZone(s.t.db, whmcsSealer(s.hash), {
      name: domain,
      type: 'hestiacp',
      settings: { url: hestia.url, user: hestia.user, adminUser: 'admin' },
      secrets: { adminPassword: hestia.adminPassword },
    });
    const vm = await s.deployReady({ ...planSettings, mainDomain: `.${domain}`, ipv6Count: 0 });
    const { fqdn } = addrs(vm);
    expect(hestia.records(domain).filter((r) => r.TYPE === 'A')).toHaveLength(1);
    await s.t.db('mod_pvebridge_vms').where({ service_id: vm.serviceId }).update({ state: 'terminate' });
    expect((await s.runTo(vm.serviceId, 'remove')).at(-1)).toMatchObject({ state: 'remove' });
    const lines = await dnsStep(vm.serviceId, 'Delete DNS records');
    expect(lines).toContain(
      `· fwd-del FAIL ${fqdn} A ${String((vm.data.net as { ipv4: Array<{ address: string }> }).ipv4[0]!.address)} [hestiacp ${domain}] (invalid: HestiaCP v-delete-dns-record: exit 2: Error: at least one A record should remain active)`,
    );
    await s.t.db('mod_pvebridge_dns_zones').where({ id: z.id }).delete();
  });
});
