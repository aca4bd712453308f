import { afterEach, describe, expect, it } from 'vitest';
import { readVmLog } from '../../provisioner/engine/index.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { deployStack, SHARED_SECRET, stackGateway, waitForState, type Stack } from './harness.ts';

const dialects = await testDialects();

describe.each(dialects)('deploy end to end on %s', (dialect) => {
  let s: Stack | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await s?.close();
    s = undefined;
  });

  it('CreateAccount through the module API returns at once and the VM reaches ready with the plan applied', async () => {
    s = await deployStack(dialect);
    const { gw, call, ctx } = await stackGateway(s);
    closers.push(() => gw.close());
    const sid = s.seeded.serviceId!;
    const t0 = Date.now();
    const res = await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
    const replyMs = Date.now() - t0;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'success' });
    expect(replyMs).toBeLessThan(1000);
    // Invariant 1: the first Proxmox call follows within 1 s.
    const firstCall = () => s!.sim.requestLog.find((e) => e.time >= t0);
    for (let i = 0; i < 40 && !firstCall(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(firstCall()!.time - t0).toBeLessThan(1000);

    await waitForState(s, sid, 'ready');
    const vm = (await getVm(s.t.db, sid))!;
    expect(vm).toMatchObject({ node: 'pve2', vmName: `${s.seeded.clientId}-${sid}`, lastError: null });
    const pve = s.sim.state.vms.get(vm.vmid!)!;
    expect(pve.status).toBe('running');
    expect(pve.node).toBe('pve2');
    const c = pve.config;
    expect(c).toMatchObject({
      cores: '2',
      sockets: '1',
      memory: '4096',
      name: `${s.seeded.clientId}-${sid}`,
      ciuser: 'root',
      nameserver: '192.0.2.53 2001:db8::53',
      searchdomain: 'example.com',
    });
    expect(c.scsi0).toMatch(/^local-lvm:vm-\d+-disk-0,/);
    expect(c.scsi0).toContain('size=20G');
    expect(c.scsi0).toContain('mbps_rd=100');
    expect(c.scsi0).toContain('iops_wr=500');
    expect(c.scsi0).not.toMatch(/mbps_wr|iops_rd/);
    expect(c.scsi1).toMatch(/^local-lvm:.*size=10G/);
    expect(c.scsi1).toContain('mbps_wr=50');
    expect(c.net0).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr1,firewall=1,tag=10,rate=50$/);
    expect(c.ipconfig0).toBe('ip=192.0.2.2/24,gw=192.0.2.1,ip6=2001:db8::10/64,gw6=2001:db8::1');
    expect(c.cipassword).toBeDefined();
    expect(pve.firewall.options).toMatchObject({ enable: 1, dhcp: 1, macfilter: 1, policy_in: 'ACCEPT' });
    expect(pve.firewall.ipsets['ipfilter-net0']!.entries.map((e) => e.cidr).sort()).toEqual(['192.0.2.2', '2001:db8::10']);
    const svc = await s.t.db('tblhosting').where({ id: sid }).first();
    expect(svc).toMatchObject({ dedicatedip: '192.0.2.2', assignedips: '2001:db8::10', domain: `${s.seeded.clientId}-${sid}.example.com` });
    expect(s.whmcs.calls).toEqual([
      {
        action: 'SendEmail',
        identifier: 'api-id',
        secret: 'api-secret',
        messagename: 'puqProxmoxKVM VM is ready',
        id: String(sid),
        responsetype: 'json',
      },
    ]);

    // The VM log, through the admin API.
    const log = await call(`/v1/admin/vms/${sid}/log`, { actor: { type: 'admin', id: 1 } });
    expect(log.status).toBe(200);
    const body = (await log.json()) as {
      vm: { state: string };
      lastFailure: unknown;
      runs: Array<{ result: string; steps: Array<{ label: string; from: string; to: string; result: string }> }>;
    };
    expect(body.vm.state).toBe('ready');
    expect(body.lastFailure).toBeNull();
    const steps = [...body.runs].reverse().flatMap((r) => r.steps);
    expect(steps.filter((x) => x.result !== 'waiting').map((x) => `${x.from}->${x.to}`)).toContain('set_dns->migrated');
    expect(steps.at(-1)).toMatchObject({ label: 'Verify running + Email', from: 'starting', to: 'ready', result: 'success' });
    expect((await readVmLog(ctx.db, sid))[0]!.result).toBe('success');
  });

  it('refuses the VM log without a signature and to a client', async () => {
    s = await deployStack(dialect);
    const { gw, call } = await stackGateway(s);
    closers.push(() => gw.close());
    const sid = s.seeded.serviceId!;
    await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
    const unsigned = await fetch(`${gw.url}/v1/admin/vms/${sid}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actor: { type: 'admin', id: 1 } }),
    });
    expect(unsigned.status).toBe(401);
    expect((await call(`/v1/admin/vms/${sid}/log`, { actor: { type: 'client', id: 1 } })).status).toBe(400);
    expect(SHARED_SECRET).toBeTruthy();
  });
});
