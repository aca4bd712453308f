// The legacy dns.php endpoint run by real php (its built-in server on the module folder) against
// the gateway: the spec's [{forward, ip, reverse}] shape from our records (custom rDNS names
// included), closed without the configured key, GET only.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchVm } from '../../provisioner/vm-record.ts';
import { freePort } from '../../bin/stack/index.ts';
import { planSettings, SHARED_SECRET, stackGateway } from '../provisioner/harness.ts';
import { lifecycleStack, type LifecycleStack } from '../lifecycle/support.ts';
import { toolPath } from '../support/tools.ts';

const php = toolPath('php');
const KEY = 'legacy-dns-key-0123456789';
const ENDPOINT = '/modules/servers/pvebridge/lib/dns/dns.php';

describe.skipIf(!php)('legacy dns.php', () => {
  let s: LifecycleStack;
  let gw: Awaited<ReturnType<typeof stackGateway>>;
  let server: ChildProcess;
  let base: string;

  beforeAll(async () => {
    s = await lifecycleStack('sqlite');
    gw = await stackGateway(s);
    const port = await freePort();
    server = spawn(php!, ['-S', `127.0.0.1:${port}`, '-t', 'php-shim'], {
      env: {
        PATH: process.env.PATH ?? '',
        PVEBRIDGE_GATEWAY_URL: gw.gw.url,
        PVEBRIDGE_SHARED_SECRET: SHARED_SECRET,
        PVEBRIDGE_LEGACY_DNS_KEY: KEY,
      },
      stdio: 'ignore',
    });
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(base).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    server?.kill();
    await gw?.gw.close();
    await s?.close();
  });

  it('answers the spec shape for every address, with the custom reverse name where one is set', async () => {
    const vm = await s.deployReady(planSettings);
    const net = vm.data.net as { ipv4: Array<{ address: string }>; ipv6: Array<{ address: string }> };
    const [v4, v6] = [net.ipv4[0]!.address, net.ipv6[0]!.address];
    await patchVm(s.t.db, vm.serviceId, { data: { rdns: { [v4]: 'mail.customer.net' } } });
    const res = await fetch(`${base}${ENDPOINT}`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Array<{ forward: string; ip: string; reverse: string }>;
    const fqdn = String(vm.data.fqdn);
    expect(body.filter((e) => e.forward === fqdn)).toEqual([
      { forward: fqdn, ip: v4, reverse: 'mail.customer.net' },
      { forward: fqdn, ip: v6, reverse: fqdn },
    ]);
    expect(body.every((e) => Object.keys(e).join() === 'forward,ip,reverse')).toBe(true);
  });

  it('refuses a missing or wrong key and anything but GET', async () => {
    expect((await fetch(`${base}${ENDPOINT}`)).status).toBe(403);
    expect((await fetch(`${base}${ENDPOINT}`, { headers: { 'X-Pvebridge-Key': 'wrong' } })).status).toBe(403);
    expect((await fetch(`${base}${ENDPOINT}`, { headers: { 'X-Pvebridge-Key': KEY } })).status).toBe(200);
    expect((await fetch(`${base}${ENDPOINT}`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` } })).status).toBe(405);
  });
});
