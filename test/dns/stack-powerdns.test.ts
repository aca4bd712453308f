// The stack builder's `dns: 'powerdns'` (what `pvebridge demo --dns powerdns` uses): a local
// pdns_server with the plan's forward zone and the pools' reverse zones; a VM provisioned by a
// signed CreateAccount resolves with dig, forward and reverse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../bin/stack/index.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { has } from '../support/tools.ts';

const tier = has('pdns') && has('dig');

describe.skipIf(!tier)('stack with --dns powerdns', () => {
  let stack: Stack;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-dnsstack-'));
  beforeAll(async () => {
    stack = await startStack({ dbUrl: `sqlite:${path.join(dir, 'db.sqlite')}`, dns: 'powerdns', vncproxy: false, refreshIntervalMs: 0 });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('configures the forward and reverse zones and the provisioned VM resolves', async () => {
    expect(stack.dns!.zones).toEqual(['example.com', '2.0.192.in-addr.arpa', '0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa']);
    const sid = stack.seeded.serviceId!;
    const r = await stack.moduleCall('CreateAccount', { serviceid: sid, pid: stack.seeded.productId, serverid: stack.seeded.serverId });
    expect(r.status).toBe(200);
    let vm = await getVm(stack.db, sid);
    for (let i = 0; i < 400 && vm?.state !== 'ready'; i++) {
      await new Promise((res) => setTimeout(res, 50));
      vm = await getVm(stack.db, sid);
    }
    expect(vm?.state).toBe('ready');
    const svc = await stack.db('tblhosting').where({ id: sid }).first('domain', 'dedicatedip', 'assignedips');
    const p = stack.dns!.powerdns;
    expect(await p.dig(svc.domain, 'A')).toEqual([svc.dedicatedip]);
    expect(await p.dig(svc.domain, 'AAAA')).toEqual([svc.assignedips.trim()]);
    expect(await p.dig(svc.dedicatedip, 'PTR')).toEqual([`${svc.domain}.`]);
    expect(await p.dig(svc.assignedips.trim(), 'PTR')).toEqual([`${svc.domain}.`]);
  });
});
