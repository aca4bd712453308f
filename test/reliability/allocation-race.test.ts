// Issue 18: IP allocation under a race, on MariaDB. 500 CreateAccount calls at once for 500
// services, half through each of two gateways (own connection pools, own runners), on a pool of
// exactly 500 IPv4 addresses: 500 distinct addresses, none twice. The 501st service gets "pool
// exhausted", stays in `creation` with a retry scheduled, and deploys once an address is free.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext } from '../../gateway/context.ts';
import { createPool, POOLS } from '../../provisioner/ipam/index.ts';
import { ALLOCATIONS } from '../../provisioner/ipam/allocate.ts';
import { deployPipeline } from '../../provisioner/pipelines/deploy.ts';
import { pipelineEnv, type PipelineEnv } from '../../provisioner/pipelines/runtime.ts';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { Runner } from '../../provisioner/runner.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { deployStack, fastRuntime, SHARED_SECRET, type Stack } from '../provisioner/harness.ts';

const N = 500;
const dialects = await testDialects();
const onMysql = dialects.includes('mysql');

/** Only the allocation step (creation → set_ip): the race is in IPAM, not in cloning 500 VMs. */
const allocateOnly = { ...deployPipeline, steps: deployPipeline.steps.slice(0, 1) };

interface Gateway {
  db: Db;
  runner: Runner<PipelineEnv>;
  app: ReturnType<typeof buildApp>;
  close(): Promise<void>;
}

function gateway(s: Stack, instanceId: string): Gateway {
  const db = openDb(s.t.url); // its own pool, as a second process would have
  const { env, close } = pipelineEnv({ db, config: s.config, log: silentLogger, ...fastRuntime });
  const runner = new Runner<PipelineEnv>({ db, env, pipelines: [allocateOnly], instanceId, concurrency: 16, engine: fastRuntime.engine });
  const ctx = createContext(s.config, { db, log: silentLogger });
  ctx.runner = runner;
  return {
    db,
    runner,
    app: buildApp(ctx),
    async close() {
      await runner.stop();
      await close();
      await db.destroy();
    },
  };
}

function create(gw: Gateway, serviceid: number) {
  const body = JSON.stringify({ actor: { type: 'system' }, params: { serviceid } });
  return request(gw.app)
    .post('/v1/whmcs/CreateAccount')
    .set(signRequest(SHARED_SECRET, { method: 'POST', path: '/v1/whmcs/CreateAccount', body }))
    .set('content-type', 'application/json')
    .send(body);
}

async function settled(db: Db, ids: number[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = await db('mod_pvebridge_vms').whereIn('service_id', ids).where({ state: 'set_ip' }).count({ n: '*' });
    if (Number(n[0]!.n) === ids.length) return;
    if (Date.now() > until) throw new Error(`only ${n[0]!.n} of ${ids.length} allocated after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.runIf(onMysql)('500 concurrent CreateAccount calls through two gateways on MariaDB', () => {
  let s: Stack;
  let a: Gateway;
  let b: Gateway;
  const services: number[] = [];

  beforeAll(async () => {
    s = await deployStack('mysql');
    await saveProductSettings(s.t.db, s.seeded.productId, { ipv4Count: 1, ipv6Count: 0, dhcpIpv6: true });
    await s.t.db(POOLS).delete();
    // 10.20.0.1 … 10.20.1.244: exactly 500 addresses.
    await createPool(s.t.db, {
      serverId: s.seeded.serverId,
      type: 'ipv4',
      bridge: 'vmbr1',
      vlan: 10,
      gateway: '10.20.3.254',
      mask: 22,
      dns1: '10.20.3.253',
      start: '10.20.0.1',
      stop: '10.20.1.244',
    });
    for (let i = 0; i <= N; i++) services.push(await s.newService());
    a = gateway(s, 'race-a');
    b = gateway(s, 'race-b');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await s?.close();
  });

  it('hands out 500 distinct addresses, and the 501st service waits, retryable, for one', async () => {
    const first = services.slice(0, N);
    const replies = await Promise.all(first.map((sid, i) => create(i % 2 ? b : a, sid)));
    expect(replies.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    await settled(s.t.db, first, 150_000);

    const rows = (await s.t.db(ALLOCATIONS).whereIn('service_id', first).select('service_id', 'address')) as Array<{
      service_id: number;
      address: string;
    }>;
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.address)).size).toBe(N);
    expect(new Set(rows.map((r) => Number(r.service_id))).size).toBe(N);

    const last = services[N]!;
    expect((await create(a, last)).status).toBe(200); // the call itself never waits for IPAM
    let vm = await getVm(s.t.db, last);
    for (let i = 0; i < 100 && !vm?.lastError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      vm = await getVm(s.t.db, last);
    }
    expect(vm!.state).toBe('creation');
    expect(vm!.lastError).toMatch(/pool exhausted/);
    expect(vm!.nextAttemptAt).toBeGreaterThan(0);
    expect(await s.t.db(ALLOCATIONS).where({ service_id: last }).count({ n: '*' })).toEqual([{ n: 0 }]);

    // Retryable: once an address exists again the same service allocates on its next attempt.
    await createPool(s.t.db, {
      serverId: s.seeded.serverId,
      type: 'ipv4',
      bridge: 'vmbr1',
      vlan: 10,
      gateway: '10.20.3.254',
      mask: 22,
      dns1: '10.20.3.253',
      start: '10.20.2.1',
      stop: '10.20.2.1',
    });
    b.runner.kick(last);
    await settled(s.t.db, [last], 20_000);
    expect(await s.t.db(ALLOCATIONS).where({ service_id: last }).first('address')).toEqual({ address: '10.20.2.1' });
  }, 200_000);
});
