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

export interface BulkVm {
  vmid: number;
  node: string;
  name: string;
}

/** A simulator running elsewhere (its own process): only its address and token are known. */
export interface RemoteSim {
  url: string;
  tokenId: string;
  secret: string;
}

/** The bulk-seeded VMs of an in-process simulator, as addBulk takes them. */
export const bulkOf = (sim: Simulator, vmids: number[]): BulkVm[] =>
  vmids.map((vmid) => {
    const vm = sim.state.vms.get(vmid)!;
    return { vmid, node: vm.node, name: vm.config.name ?? '' };
  });

export interface LiveStack {
  t: TestDb;
  config: Config;
  seeded: Seeded;
  /** In-process simulators (empty when the stack was given remote ones). */
  sims: Simulator[];
  serverIds: number[];
  /** Adds a service + VM record (state ready unless given) on server `server` (index). */
  addVm(vm: { vmid: number; node: string; name: string | null; state?: string; server?: number }): Promise<number>;
  /** Services + ready VM records for VMs the simulator of `server` holds, in bulk; returns the service ids. */
  addBulk(vms: BulkVm[], server?: number): Promise<number[]>;
  refresher(o?: Partial<RefresherOptions>): Refresher;
  /** Proxmox requests the simulators received since the last call. */
  takeRequests(): { method: string; path: string }[];
  close(): Promise<void>;
}

export async function liveStack(
  dialect: Dialect,
  o: { servers?: number; env?: Record<string, string>; remote?: RemoteSim[] } = {},
): Promise<LiveStack> {
  const t = await createTestDb(dialect);
  const sims: Simulator[] = [];
  if (!o.remote) for (let i = 0; i < (o.servers ?? 1); i++) sims.push(await startSimulator({ token: TOKEN, timeScale: 0.01 }));
  const targets: RemoteSim[] = o.remote ?? sims;
  const serverRow = (sim: RemoteSim) => ({
    hostname: '127.0.0.1',
    ipaddress: '127.0.0.1',
    port: Number(new URL(sim.url).port),
    username: sim.tokenId,
    secure: '',
  });
  const seeded = await seedWhmcs(t.db, { tokenSecret: targets[0]!.secret, server: serverRow(targets[0]!), service: false });
  const serverIds = [seeded.serverId];
  for (const sim of targets.slice(1)) {
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
    async addBulk(vms, server = 0) {
      const serverId = serverIds[server]!;
      const byVmid = new Map(vms.map((v) => [v.vmid, v]));
      // Every NOT NULL column WHMCS declares gets the fixture's blank value, as insertRow does.
      const template: Record<string, unknown> = { userid: seeded.clientId, packageid: seeded.productId, server: serverId };
      for (const c of whmcsTable('tblhosting').columns)
        if (!(c.name in template) && c.notNull && c.default === undefined && !c.autoIncrement) template[c.name] = blankValue(c);
      template.domainstatus = 'Active';
      const tag = `b${serverId}-`;
      for (let i = 0; i < vms.length; i += 500)
        await t.db('tblhosting').insert(vms.slice(i, i + 500).map((v) => ({ ...template, domain: `${tag}${v.vmid}` })));
      const rows = (await t.db('tblhosting').where('domain', 'like', `${tag}%`).select('id', 'domain')) as { id: number; domain: string }[];
      const now = Date.now();
      const records = rows.map((h) => {
        const vmid = Number(h.domain.slice(tag.length));
        const vm = byVmid.get(vmid)!;
        return {
          service_id: Number(h.id),
          client_id: seeded.clientId,
          product_id: seeded.productId,
          server_id: serverId,
          state: 'ready',
          vmid,
          node: vm.node,
          vm_name: vm.name,
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
