import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { createDnsLayer } from '../../provisioner/dns.ts';
import { Engine } from '../../provisioner/engine/index.ts';
import type { Faults } from '../../simulator/model/types.ts';
import { deployPipeline } from '../../provisioner/pipelines/deploy.ts';
import { pipelineEnv, type PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { createVmRecord, getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { deployStack, fastRuntime, type Stack } from './harness.ts';

const dialects = await testDialects();

const err = (path: string, method?: string): Faults => ({
  errors: [{ path, ...(method && { method }), times: 1, status: 500, message: 'simulated failure (fault injection)' }],
});

/** For each step (by its `from` state): a fault that makes that step's first attempt fail. */
const faultOf: Record<string, { faults?: Faults; dns?: boolean; email?: boolean }> = {
  creation: { faults: err('^/cluster/resources$') },
  set_ip: { faults: err('/tasks/[^/]*qmclone[^/]*/status$') }, // the clone was sent: the retry must poll it
  clone: { dns: true },
  set_dns: { faults: err('/tasks/[^/]*qmigrate[^/]*/status$') },
  migrated: { faults: err('/qemu/\\d+/config$', 'PUT') },
  set_cpu_ram: { faults: err('/tasks/[^/]*resize[^/]*/status$') },
  set_system_disk_size: { faults: err('/qemu/\\d+/config$', 'GET') },
  set_system_disk_bandwidth: { faults: err('/qemu/\\d+/config$', 'GET') },
  set_created_additional_disk: { faults: err('/qemu/\\d+/config$', 'GET') },
  set_additional_disk_size: { faults: err('/qemu/\\d+/config$', 'GET') },
  set_additional_disk_bandwidth: { faults: err('/qemu/\\d+/config$', 'GET') },
  set_network: { faults: err('/firewall/options$', 'PUT') },
  set_firewall: { faults: err('/qemu/\\d+/config$', 'PUT') },
  set_cloudinit: { faults: err('/tasks/[^/]*qmstart[^/]*/status$') },
  starting: { email: true },
};

describe.each(dialects)('deploy resumes after a fault in any step on %s', (dialect) => {
  let s: Stack;
  let env: PipelineEnv;
  let close: () => Promise<void>;
  let dnsFails = 0;
  beforeAll(async () => {
    s = await deployStack(dialect, { settings: { targetNode: 'pve2' } }); // every VM clones on pve1 and migrates
    const zonesOnce = async () => {
      if (dnsFails > 0) {
        dnsFails--;
        throw new Error('DNS zone lookup failed');
      }
      return [];
    };
    ({ env, close } = pipelineEnv({ db: s.t.db, config: s.config, ...fastRuntime, dns: createDnsLayer({ zones: zonesOnce }) }));
  });
  afterAll(async () => {
    await close();
    await s.close();
  });

  const engine = (steps = deployPipeline.steps) =>
    new Engine<PipelineEnv>({
      db: s.t.db,
      env,
      pipelines: [{ ...deployPipeline, steps }],
      owner: `t-${Math.random()}`,
      log: silentLogger,
      ...fastRuntime.engine,
    });

  it.each(deployPipeline.steps.map((st, i) => [st.label, st.from, i] as const))(
    '%s: a fault pauses at %s, the next run resumes there, no task is sent twice',
    async (_label, from, i) => {
      const sid = await s.newService();
      await createVmRecord(s.t.db, {
        serviceId: sid,
        clientId: s.seeded.clientId,
        productId: s.seeded.productId,
        serverId: s.seeded.serverId,
      });
      if (i > 0) expect(await engine(deployPipeline.steps.slice(0, i)).run(sid)).toMatchObject({ result: 'success', state: from });

      const f = faultOf[from]!;
      if (f.faults) s.sim.faults.set(f.faults);
      if (f.dns) dnsFails = 1;
      if (f.email) s.whmcs.failNext(1);
      const lines: string[] = [];
      const failed = await engine().run(sid, (l) => lines.push(l));
      s.sim.faults.set({});
      expect(failed).toMatchObject({ result: 'error', state: from, steps: 1 });
      expect(lines.at(-1)).toBe(`--- Deploy paused: waiting at (${from}) ---`);
      expect((await getVm(s.t.db, sid))!.lastError).toMatch(/simulated failure|DNS zone lookup failed|Email Template not found/);

      const resumed = await engine().run(sid, undefined, { force: true });
      expect(resumed).toMatchObject({ result: 'success', state: 'ready' });

      const vm = (await getVm(s.t.db, sid))!;
      const sent = (re: RegExp, p?: (params: Record<string, unknown>) => boolean) =>
        s.sim.requestLog.filter(
          (e) => e.status === 200 && (e.method === 'POST' || e.method === 'PUT') && re.test(e.path) && (!p || p(e.params)),
        ).length;
      expect(sent(/\/qemu\/9000\/clone$/, (params) => Number(params.newid) === vm.vmid)).toBe(1);
      expect(sent(new RegExp(`/qemu/${vm.vmid}/migrate$`))).toBe(1);
      expect(sent(new RegExp(`/qemu/${vm.vmid}/resize$`))).toBe(1);
      expect(sent(new RegExp(`/qemu/${vm.vmid}/status/start$`))).toBe(1);
      expect(s.whmcs.calls.filter((c) => c.id === String(sid))).toHaveLength(1);
    },
  );
});
