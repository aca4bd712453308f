// A real pdns_server 4.7 (sqlite3 backend, loopback high ports) behind the whole lifecycle:
// after a deploy dig answers A, AAAA and PTR; a package change moves the records with the
// addresses; reinstall keeps them; terminate removes every record we made; a hand-made record
// at one of our names is reported and left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsLayer, createZone, whmcsSealer, zoneConfigs, RECORDS } from '../../provisioner/dns/index.ts';
import { queuePipelineState, getVm, setState } from '../../provisioner/vm-record.ts';
import { startPowerDns, type PowerDns } from '../../simulator/dns/powerdns.ts';
import { planSettings } from '../provisioner/harness.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { testDialects } from '../support/db.ts';
import { has } from '../support/tools.ts';

const tier = has('pdns') && has('dig');
const dialects = tier ? await testDialects() : [];

describe.skipIf(!tier).each(dialects)('PowerDNS through the VM lifecycle on %s', (dialect) => {
  let pdns: PowerDns;
  let s: LifecycleStack;
  const steps = async (sid: number) =>
    (await s.t
      .db('mod_pvebridge_vm_run_steps as st')
      .join('mod_pvebridge_vm_runs as r', 'r.id', 'st.run_id')
      .where('r.service_id', sid)
      .select('st.label', 'st.message')) as Array<{
      label: string;
      message: string | null;
    }>;
  const owned = async (sid: number) =>
    (await s.t.db(RECORDS).where({ service_id: sid }).orderBy('id').select('type', 'name', 'content')) as Array<Record<string, string>>;

  beforeAll(async () => {
    pdns = await startPowerDns();
    for (const z of ['example.com', '2.0.192.in-addr.arpa', '8.b.d.0.1.0.0.2.ip6.arpa']) await pdns.createZone(z);
    s = await lifecycleStack(dialect, { v4Pool: ['192.0.2.20', '192.0.2.40'] });
    const sealer = whmcsSealer(s.hash);
    for (const name of ['example.com.', '2.0.192.in-addr.arpa', '8.b.d.0.1.0.0.2.ip6.arpa.'])
      await createZone(s.t.db, sealer, { name, type: 'powerdns', ttl: 300, settings: { url: pdns.url }, secrets: { apiKey: pdns.apiKey } });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await pdns?.stop();
  });

  it('deploy writes A, AAAA and a PTR per address that dig answers, one VM log line per record', async () => {
    const vm = await s.deployReady(planSettings);
    const fqdn = String(vm.data.fqdn);
    const net = vm.data.net as { ipv4: Array<{ address: string }>; ipv6: Array<{ address: string }> };
    const [v4, v6] = [net.ipv4[0]!.address, net.ipv6[0]!.address];
    expect(fqdn).toMatch(/\.example\.com$/);
    expect(await pdns.dig(fqdn, 'A')).toEqual([v4]);
    expect(await pdns.dig(fqdn, 'AAAA')).toEqual([v6]);
    expect(await pdns.dig(v4, 'PTR')).toEqual([`${fqdn}.`]);
    expect(await pdns.dig(v6, 'PTR')).toEqual([`${fqdn}.`]);
    const dns = (await steps(vm.serviceId)).find((x) => x.label === 'Configure DNS records')!;
    const lines = dns.message!.split('\n');
    expect(lines[0]).toBe('DNS 4 ok, 0 failed');
    expect(lines).toContain(`· fwd OK ${fqdn} A ${v4} [powerdns example.com]`);
    expect(lines).toContain(`· fwd OK ${fqdn} AAAA ${v6} [powerdns example.com]`);
    expect(lines.filter((l) => l.startsWith('· ptr OK '))).toHaveLength(2);
    expect((await owned(vm.serviceId)).map((r) => r.type).sort()).toEqual(['A', 'AAAA', 'PTR', 'PTR']);
  });

  it('change package adds records for added addresses, removes them for removed ones; reinstall keeps them; terminate deletes all', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const fqdn = String(vm.data.fqdn);
    const change = async (ipv4Count: number) => {
      await s.setProduct({ ...planSettings, ipv4Count });
      expect((await queuePipelineState(s.t.db, sid, 'change_package', ['ready'])).queued).toBe(true);
      expect((await s.runTo(sid, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
      return ((await getVm(s.t.db, sid))!.data.net as { ipv4: Array<{ address: string }> }).ipv4.map((e) => e.address);
    };
    const two = await change(2);
    expect(two).toHaveLength(2);
    expect(await pdns.dig(fqdn, 'A')).toEqual([...two].sort());
    expect(await pdns.dig(two[1]!, 'PTR')).toEqual([`${fqdn}.`]);

    const one = await change(1);
    expect(one).toEqual([two[0]]);
    expect(await pdns.dig(fqdn, 'A')).toEqual(one);
    expect(await pdns.dig(two[1]!, 'PTR')).toEqual([]);
    expect((await owned(sid)).filter((r) => r.type === 'A').map((r) => r.content)).toEqual(one);

    const before = await owned(sid);
    await setState(s.t.db, sid, 'reinstall');
    expect((await s.runTo(sid, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
    expect(await owned(sid)).toEqual(before);
    expect(await pdns.dig(fqdn, 'A')).toEqual(one);

    await setState(s.t.db, sid, 'terminate');
    expect((await s.runTo(sid, 'remove')).at(-1)).toMatchObject({ state: 'remove' });
    expect(await pdns.dig(fqdn, 'A')).toEqual([]);
    expect(await pdns.dig(fqdn, 'AAAA')).toEqual([]);
    expect(await pdns.dig(one[0]!, 'PTR')).toEqual([]);
    expect(await owned(sid)).toEqual([]);
    const del = (await steps(sid)).find((x) => x.label === 'Delete DNS records')!;
    expect(del.message).toMatch(/^DNS 4 ok, 0 failed\n/);
    expect(del.message).toContain(`· fwd-del OK ${fqdn} A ${one[0]} [powerdns example.com]`);
  });

  it('reports a hand-made PTR at one of our names and leaves it as it is', async () => {
    const res = await fetch(`${pdns.url}/api/v1/servers/localhost/zones/2.0.192.in-addr.arpa.`, {
      method: 'PATCH',
      headers: { 'X-API-Key': pdns.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        rrsets: [
          {
            name: '200.2.0.192.in-addr.arpa.',
            type: 'PTR',
            ttl: 300,
            changetype: 'REPLACE',
            records: [{ content: 'mail.customer.net.', disabled: false }],
          },
        ],
      }),
    });
    expect(res.status).toBe(204);
    const layer = createDnsLayer({ db: s.t.db, zones: () => zoneConfigs(s.t.db, whmcsSealer(s.hash)) });
    const r = await layer.sync({ serviceId: 990001, fqdn: 'hand.example.com', ips: ['192.0.2.200'] });
    expect(r).toMatchObject({ ok: 1, errors: 0, conflicts: 1 });
    expect(r.lines).toContain(
      '· ptr SKIP 200.2.0.192.in-addr.arpa PTR hand.example.com [powerdns 2.0.192.in-addr.arpa] (a record not created by pvebridge holds this name: mail.customer.net)',
    );
    expect(await pdns.dig('192.0.2.200', 'PTR')).toEqual(['mail.customer.net.']);
    // Removing everything of that service leaves the hand-made record too.
    await layer.removeAll(990001);
    expect(await pdns.dig('192.0.2.200', 'PTR')).toEqual(['mail.customer.net.']);
    expect(await pdns.dig('hand.example.com', 'A')).toEqual([]);
  });
});
