// The live-state refresher against real simulators and both databases: one listing per server
// per tick, status/current only for watched VMs, moved and vanished VMs, offline nodes, batching.
import { afterEach, describe, expect, it } from 'vitest';
import { powerOf, reconcile } from '../../provisioner/state/derive.ts';
import { seedBulkVms } from '../../simulator/model/bulk.ts';
import { vmUsage } from '../../simulator/model/stats.ts';
import { testDialects } from '../support/db.ts';
import { bulkOf, liveStack, stateRow, type LiveStack } from './refresher-support.ts';

const dialects = await testDialects();

describe.each(dialects)('live-state refresher on %s', (dialect) => {
  let s: LiveStack;
  afterEach(async () => s?.close());

  it('caches every VM from one /cluster/resources call per server, with no per-VM call', async () => {
    s = await liveStack(dialect, { servers: 2 });
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    const db = await s.addVm({ vmid: 101, node: 'pve2', name: 'db-101' });
    const other = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100', server: 1 });
    const report = await s.refresher().tick();
    const requests = s.takeRequests();
    expect(requests).toEqual([
      { method: 'GET', path: '/cluster/resources' },
      { method: 'GET', path: '/cluster/resources' },
    ]);
    expect(s.sims.every((sim) => sim.requestLog.at(-1)!.params.type === 'vm')).toBe(true);
    expect(report).toMatchObject({ servers: 2, listCalls: 2, detailCalls: 0, vms: 3, failedServers: [] });
    const running = s.sims[0]!.state.vms.get(100)!;
    const row = await stateRow(s, web);
    expect(row).toMatchObject({
      vmid: 100,
      node: 'pve1',
      status: 'running',
      cpus: vmUsage(running).maxcpu,
      maxmem: vmUsage(running).maxmem,
    });
    expect(Number(row.uptime)).toBeGreaterThan(3000);
    expect(Number(row.mem)).toBeGreaterThan(0);
    expect(Number(row.seen_at)).toBeGreaterThan(Date.now() - 5000);
    expect(await stateRow(s, db)).toMatchObject({ status: 'stopped', qmpstatus: 'stopped', mem: 0 });
    expect((await stateRow(s, other)).server_id).toBe(s.serverIds[1]);
  });

  it('asks status/current only for watched VMs, and stops once nobody looked for the TTL', async () => {
    s = await liveStack(dialect);
    let clock = Date.now();
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    await s.addVm({ vmid: 101, node: 'pve2', name: 'db-101' });
    s.sims[0]!.state.vms.get(100)!.status = 'paused'; // listed as running; only QMP knows
    const r = s.refresher({ now: () => clock, watchTtlMs: 30_000 });
    await r.tick();
    expect((await stateRow(s, web)).qmpstatus).toBeNull();
    r.watch(web);
    s.takeRequests();
    expect((await r.tick()).detailCalls).toBe(1);
    expect(s.takeRequests().map((q) => q.path)).toEqual(['/cluster/resources', '/nodes/pve1/qemu/100/status/current']);
    expect(await stateRow(s, web)).toMatchObject({ status: 'running', qmpstatus: 'paused' });
    clock += 31_000;
    await r.tick();
    expect(s.takeRequests().map((q) => q.path)).toEqual(['/cluster/resources']);
    expect(r.watching()).toEqual([]);
    // The paused QMP state holds while the listing's status does not change.
    expect((await stateRow(s, web)).qmpstatus).toBe('paused');
  });

  it('follows a VM that moved to another node when VMID and name match, not a stranger on its VMID', async () => {
    s = await liveStack(dialect);
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    const db = await s.addVm({ vmid: 101, node: 'pve2', name: 'db-101' });
    const r = s.refresher();
    await r.tick();
    s.sims[0]!.state.vms.get(100)!.node = 'pve3'; // HA moved it
    s.sims[0]!.state.vms.get(101)!.config.name = 'someone-else'; // VMID now holds another guest
    const report = await r.tick();
    expect(report.moved).toEqual([{ serviceId: web, from: 'pve1', to: 'pve3' }]);
    expect((await s.t.db('mod_pvebridge_vms').where({ service_id: web }).first()).node).toBe('pve3');
    expect(await stateRow(s, web)).toMatchObject({ node: 'pve3', vanished: expect.anything() });
    expect(Boolean((await stateRow(s, web)).vanished)).toBe(false);
    expect((await s.t.db('mod_pvebridge_vms').where({ service_id: db }).first()).node).toBe('pve2');
    expect(Boolean((await stateRow(s, db)).vanished)).toBe(true);
    expect(report.vanished).toEqual([db]);
  });

  it('marks a VM vanished only after a successful listing lacks it, never on an error', async () => {
    s = await liveStack(dialect);
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    const building = await s.addVm({ vmid: 150, node: 'pve1', name: 'new-150', state: 'clone' });
    const r = s.refresher();
    await r.tick();
    const seenAt = Number((await stateRow(s, web)).seen_at);
    s.sims[0]!.state.vms.delete(100);
    s.sims[0]!.faults.set({ errors: [{ path: '^/cluster/resources', status: 500, message: 'pveproxy down' }] });
    const failed = await r.tick();
    expect(failed.failedServers).toEqual([s.seeded.serverId]);
    expect(await stateRow(s, web)).toMatchObject({ status: 'running' });
    expect(Boolean((await stateRow(s, web)).vanished)).toBe(false);
    expect(Number((await stateRow(s, web)).seen_at)).toBe(seenAt);
    s.sims[0]!.faults.set({});
    const ok = await r.tick();
    expect(ok.vanished).toEqual([web]);
    const gone = await stateRow(s, web);
    expect(Boolean(gone.vanished)).toBe(true);
    expect(Number(gone.vanished_at)).toBeGreaterThanOrEqual(seenAt);
    expect(gone.status).toBe('running'); // the last thing Proxmox said, with its age
    // A VM whose clone has not happened yet is not "vanished": there is no row for it at all.
    expect(await stateRow(s, building)).toBeUndefined();
  });

  it('keeps the last figures of a VM on an offline node and marks them stale', async () => {
    s = await liveStack(dialect);
    const web = await s.addVm({ vmid: 100, node: 'pve1', name: 'web-100' });
    const r = s.refresher();
    await r.tick();
    const before = await stateRow(s, web);
    s.sims[0]!.faults.set({ nodesDown: ['pve1'] }); // listed as status "unknown"
    const report = await r.tick();
    expect(report.stale).toEqual([web]);
    const after = await stateRow(s, web);
    expect(after).toMatchObject({ status: 'running', node: 'pve1', maxmem: before.maxmem, seen_at: before.seen_at });
    expect(Boolean(after.stale)).toBe(true);
    expect(Boolean(after.vanished)).toBe(false);
    s.sims[0]!.faults.set({});
    await r.tick();
    expect(Boolean((await stateRow(s, web)).stale)).toBe(false);
  });

  it('writes a tick of 2,500 VMs in a constant handful of statements', async () => {
    s = await liveStack(dialect);
    const services = await s.addBulk(bulkOf(s.sims[0]!, seedBulkVms(s.sims[0]!.state, 2500, { firstVmid: 1000 })));
    const r = s.refresher();
    await r.tick(); // the first tick also reads the server's credentials, once
    const sql: string[] = [];
    const count = (q: { sql: string }) => void sql.push(q.sql.slice(0, 40));
    s.t.db.on('query', count);
    const report = await r.tick();
    s.t.db.off('query', count);
    expect(services.length).toBe(2500);
    expect(report.vms).toBe(2500);
    expect(report.listCalls).toBe(1);
    // 2 reads + 3 upserts of ≤ 1,000 rows, and nothing else reaches the database.
    expect(report.statements).toBe(5);
    expect(sql, sql.join('\n')).toHaveLength(5);
    expect(sql.filter((q) => /^INSERT INTO `mod_pvebridge_vm_state`/.test(q))).toHaveLength(3);
    expect(Number((await s.t.db('mod_pvebridge_vm_state').count({ n: '*' }))[0]!.n)).toBe(2500);
  });
});

describe('live-state rules (Proxmox shapes the simulator does not produce)', () => {
  const vm = { serviceId: 7, serverId: 1, vmid: 100, node: 'pve1', vmName: 'web-100', state: 'ready' };
  it('treats a status "unknown" entry without name/template/maxmem as stale, keeping the last figures', () => {
    const prev = reconcile(
      [vm],
      [{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', name: 'web-100', status: 'running', maxmem: 2 ** 31, mem: 2 ** 30 }],
      new Map(),
      1000,
    );
    const last = new Map([[7, prev.states[0]!]]);
    const next = reconcile([vm], [{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', status: 'unknown' }], last, 2000);
    expect(next.stale).toEqual([7]);
    expect(next.vanished).toEqual([]);
    expect(next.states[0]).toMatchObject({ status: 'running', mem: 2 ** 30, seenAt: 1000, checkedAt: 2000, stale: true });
    expect(powerOf(next.states[0])).toBe('running');
  });
  it('shows paused and suspended VMs as such, and nothing known as unknown', () => {
    const [s] = reconcile(
      [vm],
      [{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', name: 'web-100', status: 'running', maxmem: 1 }],
      new Map(),
      1,
    ).states;
    expect(powerOf({ ...s!, qmpstatus: 'paused' })).toBe('paused');
    expect(powerOf({ ...s!, status: 'stopped', lock: 'suspended' })).toBe('suspended');
    expect(powerOf({ ...s!, vanished: true })).toBe('unknown');
    expect(powerOf(undefined)).toBe('unknown');
  });
});
