// The client overview through the signed module API (ClientArea), served from the live-state
// cache a real refresher tick filled from the simulator — never from Proxmox at read time — and
// the Start/Stop power checks that trust a fresh cache.
import { afterEach, describe, expect, it } from 'vitest';
import { Refresher } from '../../provisioner/state/refresher.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { testDialects } from '../support/db.ts';
import { admin, client, moduleApi, putVm, type ModuleApi } from './module-api-support.ts';

const dialects = await testDialects();
const TOKEN = 'root@pam!pvebridge=5f1c3a9e-0000-4000-8000-00000000ab10';

describe.each(dialects)('client overview from the live-state cache on %s', (dialect) => {
  let sim: Simulator;
  let api: ModuleApi;
  let refresher: Refresher;
  afterEach(async () => {
    await refresher?.stop();
    await api?.drop();
    await sim?.close();
  });

  async function setup(state = 'ready') {
    sim = await startSimulator({ token: TOKEN, timeScale: 0.01 });
    const server = { hostname: '127.0.0.1', port: Number(new URL(sim.url).port), username: sim.tokenId, secure: '' };
    api = await moduleApi(dialect, { tokenSecret: sim.secret, server });
    await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Active', dedicatedip: '192.0.2.10' });
    await putVm(api, state, { vmid: 100, node: 'pve1', vm_name: 'web-100' });
    refresher = new Refresher({ db: api.t.db, config: api.ctx.config });
    api.ctx.refresher = refresher;
  }
  const overview = async () => {
    const res = await api.call('ClientArea', { actor: client(api.seeded.clientId), params: { serviceid: api.seeded.serviceId } });
    expect(res.status).toBe(200);
    expect(res.body.templatefile).toBe('overview');
    return res.body.vars;
  };
  const proxmoxCalls = () => sim.requestLog.length;
  const paths = (from: number) => sim.requestLog.slice(from).map((r) => `${r.method} ${r.path}`);

  it('says "unknown" with no age when nothing is cached yet', async () => {
    await setup();
    const before = proxmoxCalls();
    expect(await overview()).toMatchObject({
      serviceId: api.seeded.serviceId,
      state: 'ready',
      stateKey: 'state.ready',
      ready: true,
      power: 'unknown',
      vmid: 100,
      node: 'pve1',
      hostname: 'web-100',
      ips: ['192.0.2.10'],
      uptime: null,
      cpu: null,
      maxmem: null,
      seenAt: null,
      ageSeconds: null,
      vanished: false,
      activity: null,
      permissions: expect.objectContaining({ start: true, stop: true }),
    });
    expect(proxmoxCalls()).toBe(before);
  });

  it('shows the power state and figures of the last tick, with their age, without asking Proxmox', async () => {
    await setup();
    await refresher.tick();
    const before = proxmoxCalls();
    const vars = await overview();
    expect(proxmoxCalls()).toBe(before);
    const vm = sim.state.vms.get(100)!;
    expect(vars).toMatchObject({ power: 'running', node: 'pve1', cpus: expect.any(Number), lock: null, vanished: false, stale: false });
    expect(vars.maxmem).toBe(Number(vm.config.memory ?? 512) * 1024 * 1024);
    expect(vars.uptime).toBeGreaterThan(3000);
    expect(vars.mem).toBeGreaterThan(0);
    expect(vars.netin).toBeGreaterThan(0);
    expect(vars.cpu).toBeGreaterThan(0);
    expect(vars.cpu).toBeLessThan(1);
    expect(Date.parse(vars.seenAt)).toBeGreaterThan(Date.now() - 10_000);
    expect(vars.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(vars.ageSeconds).toBeLessThan(10);
    // Older data is shown with its age, not hidden.
    await api.t
      .db('mod_pvebridge_vm_state')
      .where({ service_id: api.seeded.serviceId })
      .update({ seen_at: Date.now() - 90_000 });
    expect((await overview()).ageSeconds).toBeGreaterThanOrEqual(89);
  });

  it('puts a VM someone is looking at in the watch set, so the next tick reads its QMP state', async () => {
    await setup();
    sim.state.vms.get(100)!.status = 'paused';
    await refresher.tick();
    expect((await overview()).power).toBe('running'); // the listing cannot tell
    expect(refresher.watching()).toEqual([api.seeded.serviceId]);
    const from = proxmoxCalls();
    await refresher.tick();
    expect(paths(from)).toEqual(['GET /cluster/resources', 'GET /nodes/pve1/qemu/100/status/current']);
    expect((await overview()).power).toBe('paused');
  });

  it('shows a VM gone from Proxmox as vanished with power unknown, and a deploy in progress as activity', async () => {
    await setup('set_firewall');
    await refresher.tick();
    expect(await overview()).toMatchObject({
      state: 'set_firewall',
      ready: false,
      activity: { key: 'activity.set_firewall', args: { state: 'set_firewall' } },
      power: 'running',
    });
    sim.state.vms.delete(100);
    await refresher.tick();
    expect(await overview()).toMatchObject({ vanished: true, power: 'unknown' });
  });

  it('lets Start/Stop trust a cache a few seconds fresh, and ask Proxmox once it is old or a power request went out', async () => {
    await setup();
    await refresher.tick();
    let from = proxmoxCalls();
    const stop = await api.call('Stop', { actor: admin, params: { serviceid: api.seeded.serviceId } });
    expect(stop.body).toEqual({ result: 'success' });
    expect(paths(from)).toEqual(['POST /nodes/pve1/qemu/100/status/stop']);
    // The stop made the cached "running" untrustworthy: the next check asks Proxmox.
    await new Promise((r) => setTimeout(r, 100));
    from = proxmoxCalls();
    await api.call('Start', { actor: admin, params: { serviceid: api.seeded.serviceId } });
    expect(paths(from)[0]).toBe('GET /nodes/pve1/qemu/100/status/current');
    // A cache older than a few seconds is not trusted either.
    await refresher.tick();
    await api.t
      .db('mod_pvebridge_vm_state')
      .where({ service_id: api.seeded.serviceId })
      .update({ seen_at: Date.now() - 60_000 });
    from = proxmoxCalls();
    await api.call('Stop', { actor: admin, params: { serviceid: api.seeded.serviceId } });
    expect(paths(from)[0]).toBe('GET /nodes/pve1/qemu/100/status/current');
  });

  it('refuses another client, telling nothing', async () => {
    await setup();
    await refresher.tick();
    const res = await api.call('ClientArea', { actor: client(api.seeded.clientId + 999), params: { serviceid: api.seeded.serviceId } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'PVB_ACCESS_DENIED', message: 'Access Denied', key: 'error.access_denied' } });
    expect(refresher.watching()).toEqual([]);
  });
});
