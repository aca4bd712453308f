// Set-up for live-state refresher tests: a test database with the WHMCS fixture, Proxmox
// simulators registered as WHMCS servers (plain HTTP on loopback), VM records as a pipeline
// would leave them, and a refresher driven tick by tick.
import { loadConfig, type Config } from '../../common/config.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { insertRow, whmcsTable } from '../../common/whmcs-fixture/index.ts';
import { blankValue } from '../../common/whmcs-fixture/schema.ts';
import { FIXTURE_CC_ENCRYPTION_HASH, seedService, seedWhmcs, type Seeded } from '../../common/whmcs-fixture/seed.ts';
import { encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';
import { Refresher, type RefresherOptions } from '../../provisioner/state/refresher.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

export const TOKEN = 'root@pam!pvebridge=5f1c3a9e-0000-4000-8000-00000000beef';

export interface LiveStack {
  t: TestDb;
  config: Config;
  seeded: Seeded;
  sims: Simulator[];
  serverIds: number[];
  /** Adds a service + VM record (state ready unless given) on server `server` (index). */
  addVm(vm: { vmid: number; node: string; name: string | null; state?: string; server?: number }): Promise<number>;
  /** Services + ready VM records for VMs the simulator of `server` holds, in bulk; returns the service ids. */
  addBulk(vmids: number[], server?: number): Promise<number[]>;
  refresher(o?: Partial<RefresherOptions>): Refresher;
  /** Proxmox requests the simulators received since the last call. */
  takeRequests(): { method: string; path: string }[];
  close(): Promise<void>;
}

export async function liveStack(dialect: Dialect, o: { servers?: number; env?: Record<string, string> } = {}): Promise<LiveStack> {
  const t = await createTestDb(dialect);
  const sims: Simulator[] = [];
  for (let i = 0; i < (o.servers ?? 1); i++) sims.push(await startSimulator({ token: TOKEN, timeScale: 0.01 }));
  const serverRow = (sim: Simulator) => ({
    hostname: '127.0.0.1',
    ipaddress: '127.0.0.1',
    port: Number(new URL(sim.url).port),
    username: sim.tokenId,
    secure: '',
  });
  const seeded = await seedWhmcs(t.db, { tokenSecret: sims[0]!.secret, server: serverRow(sims[0]!), service: false });
  const serverIds = [seeded.serverId];
  for (const sim of sims.slice(1)) {
    serverIds.push(
      await insertRow(t.db, 'tblservers', {
        name: `pve-sim-${serverIds.length}`,
        type: 'pvebridge',
        password: encryptWhmcsPassword(sim.secret, FIXTURE_CC_ENCRYPTION_HASH),
        active: 1,
        disabled: 0,
        ...serverRow(sim),
      }),
    );
  }
  const config = loadConfig({ PVEBRIDGE_DB_URL: t.url, PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: FIXTURE_CC_ENCRYPTION_HASH, ...o.env });
  const refreshers: Refresher[] = [];
  const seen = sims.map(() => 0);
  return {
    t,
    config,
    seeded,
    sims,
    serverIds,
    async addVm(vm) {
      const serverId = serverIds[vm.server ?? 0]!;
      const serviceId = await seedService(
        t.db,
        { ...seeded, serverId },
        { domainstatus: 'Active', domain: `${vm.name ?? 'vm'}.example.com` },
      );
      const now = Date.now();
      await t.db('mod_pvebridge_vms').insert({
        service_id: serviceId,
        client_id: seeded.clientId,
        product_id: seeded.productId,
        server_id: serverId,
        state: vm.state ?? 'ready',
        vmid: vm.vmid,
        node: vm.node,
        vm_name: vm.name,
        data: '{}',
        created_at: now,
        updated_at: now,
      });
      return serviceId;
    },
    async addBulk(vmids, server = 0) {
      const serverId = serverIds[server]!;
      const state = sims[server]!.state;
      // Every NOT NULL column WHMCS declares gets the fixture's blank value, as insertRow does.
      const template: Record<string, unknown> = { userid: seeded.clientId, packageid: seeded.productId, server: serverId };
      for (const c of whmcsTable('tblhosting').columns)
        if (!(c.name in template) && c.notNull && c.default === undefined && !c.autoIncrement) template[c.name] = blankValue(c);
      template.domainstatus = 'Active';
      const tag = `b${serverId}-`;
      for (let i = 0; i < vmids.length; i += 500)
        await t.db('tblhosting').insert(vmids.slice(i, i + 500).map((vmid) => ({ ...template, domain: `${tag}${vmid}` })));
      const rows = (await t.db('tblhosting').where('domain', 'like', `${tag}%`).select('id', 'domain')) as { id: number; domain: string }[];
      const now = Date.now();
      const records = rows.map((h) => {
        const vmid = Number(h.domain.slice(tag.length));
        const vm = state.vms.get(vmid)!;
        return {
          service_id: Number(h.id),
          client_id: seeded.clientId,
          product_id: seeded.productId,
          server_id: serverId,
          state: 'ready',
          vmid,
          node: vm.node,
          vm_name: vm.config.name ?? null,
          data: '{}',
          created_at: now,
          updated_at: now,
        };
      });
      for (let i = 0; i < records.length; i += 200) await t.db('mod_pvebridge_vms').insert(records.slice(i, i + 200));
      return records.map((r) => r.service_id);
    },
    refresher(ro = {}) {
      const r = new Refresher({ db: t.db, config, ...ro });
      refreshers.push(r);
      return r;
    },
    takeRequests() {
      const out = sims.flatMap((s, i) => s.requestLog.slice(seen[i]).map((e) => ({ method: e.method, path: e.path })));
      sims.forEach((s, i) => (seen[i] = s.requestLog.length));
      return out;
    },
    async close() {
      for (const r of refreshers) await r.stop();
      for (const s of sims) await s.close();
      await t.drop();
    },
  };
}

export async function stateRow(s: LiveStack, serviceId: number) {
  return s.t.db('mod_pvebridge_vm_state').where({ service_id: serviceId }).first();
}
