// Issue 18 defect 8: a gateway killed mid-deploy leaves its VM's lease behind (120 s). Restarted
// under its stable instance id it takes the lease back at once and the deploy resumes within
// seconds; another gateway still waits for the lease to expire. Against the simulator (SQLite).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableInstanceId } from '../../provisioner/engine/instance.ts';
import { claimLease, reclaimInstanceLeases } from '../../provisioner/engine/lease.ts';
import { createVmRecord, getVm } from '../../provisioner/vm-record.ts';
import { deployStack, stackGateway, waitForState, type Stack } from '../provisioner/harness.ts';

let s: Stack;
beforeAll(async () => {
  s = await deployStack('sqlite');
});
afterAll(async () => s?.close());

async function orphanedDeploy(instance: string): Promise<number> {
  const sid = await s.newService();
  await createVmRecord(s.t.db, { serviceId: sid, clientId: s.seeded.clientId, productId: s.seeded.productId, serverId: s.seeded.serverId });
  // The killed process's runner held the lease (owner = instance + a random suffix).
  expect(await claimLease(s.t.db, sid, `${instance}#deadbeef`, 120_000)).toBe(true);
  return sid;
}

/** The stack's gateway under another instance id (each gateway process has its own). */
function gatewayAs(instanceId: string) {
  return stackGateway({ ...s, config: { ...s.config, instanceId } });
}

describe('a restarted gateway and the leases of its killed process', () => {
  it('another gateway leaves a live lease alone until it expires', async () => {
    const sid = await orphanedDeploy('gw-a');
    expect(await reclaimInstanceLeases(s.t.db, 'gw-b')).toEqual([]);
    const other = await gatewayAs('gw-b');
    other.ctx.runner!.kick(sid);
    await new Promise((r) => setTimeout(r, 1500));
    const vm = (await getVm(s.t.db, sid))!;
    expect(vm.state).toBe('creation');
    expect(vm.leaseOwner).toBe('gw-a#deadbeef');
    await other.gw.close();
  });

  it('the same instance, restarted, reclaims at once and its deploy reaches ready within seconds', async () => {
    const sid = await orphanedDeploy('gw-c');
    const t0 = Date.now();
    expect(await reclaimInstanceLeases(s.t.db, 'gw-c')).toEqual([sid]);
    const restarted = await gatewayAs('gw-c'); // startPipelines kicks every VM due
    await waitForState(s, sid, 'ready', 15_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((await getVm(s.t.db, sid))!.leaseOwner).toBeNull();
    await restarted.gw.close();
  });
});

describe('the stable instance id', () => {
  it('survives a restart and is refused to a second live process on the same data folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-inst-'));
    const first = await stableInstanceId({ dataDir: dir, staleMs: 2000 });
    expect(first.stable).toBe(true);
    const second = await stableInstanceId({ dataDir: dir, staleMs: 2000 });
    expect(second.stable).toBe(false);
    expect(second.id).not.toBe(first.id);
    await first.release();
    const again = await stableInstanceId({ dataDir: dir, staleMs: 2000 });
    expect(again).toMatchObject({ id: first.id, stable: true });
    await again.release();
    expect((await stableInstanceId({ explicit: 'gw-x', dataDir: dir })).id).toBe('gw-x');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
