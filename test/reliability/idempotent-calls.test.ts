// Issue 11 defect 8: WHMCS's module queue repeats a call whose reply it lost (shim timeout), so
// every lifecycle call is idempotent. Driven through the signed module API on SQLite: a repeated
// call answers success and leaves the pipeline where it was.
import { afterEach, describe, expect, it } from 'vitest';
import { saveProductSettings } from '../../provisioner/plan/product-settings.ts';
import { admin, moduleApi, putVm, system, vmRow, type ModuleApi } from '../gateway/module-api-support.ts';

let api: ModuleApi | undefined;
afterEach(async () => {
  await api?.drop();
  api = undefined;
});

async function ready(): Promise<ModuleApi> {
  const a = await moduleApi('sqlite');
  await saveProductSettings(a.t.db, a.seeded.productId, { osTemplate: 9000 });
  return a;
}
const svc = (a: ModuleApi) => ({ serviceid: a.seeded.serviceId });

describe('a repeated CreateAccount', () => {
  for (const state of ['creation', 'set_ip', 'clone', 'set_network', 'starting', 'ready', 'reinstall', 'redeploy']) {
    it(`answers success when the deploy is ${state === 'ready' ? 'done' : `at ${state}`}, and changes nothing`, async () => {
      api = await ready();
      await putVm(api, state, { vmid: state === 'creation' ? null : 123, node: 'pve1', last_error: 'clone failed once', attempts: 2 });
      const before = await vmRow(api);
      const r = await api.call('CreateAccount', { actor: system, params: svc(api) });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ result: 'success' });
      const after = await vmRow(api);
      expect({ ...after, updated_at: 0 }).toEqual({ ...before, updated_at: 0 });
    });
  }

  it('two identical calls at once both answer success and write one record', async () => {
    api = await ready();
    const [a, b] = await Promise.all([
      api.call('CreateAccount', { actor: admin, params: svc(api) }),
      api.call('CreateAccount', { actor: admin, params: svc(api) }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await api.t.db('mod_pvebridge_vms').where({ service_id: api.seeded.serviceId }).count({ n: '*' })).toEqual([{ n: 1 }]);
    expect((await vmRow(api)).state).toBe('creation');
  });

  it('still refuses while a termination runs: that is no retry of a create', async () => {
    api = await ready();
    await putVm(api, 'terminate', { vmid: 123, node: 'pve1' });
    const r = await api.call('CreateAccount', { actor: system, params: svc(api) });
    expect(r.status).toBe(409);
    expect((await vmRow(api)).state).toBe('terminate');
  });
});

describe('the other lifecycle calls repeated', () => {
  it('ChangePackage repeated while its change runs answers success and does not restart it', async () => {
    api = await ready();
    await putVm(api, 'ready', { vmid: 123, node: 'pve1' });
    expect((await api.call('ChangePackage', { actor: system, params: svc(api) })).status).toBe(200);
    await api.t.db('mod_pvebridge_vms').update({ state: 'cp_stop' });
    const again = await api.call('ChangePackage', { actor: system, params: svc(api) });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ result: 'success' });
    expect((await vmRow(api)).state).toBe('cp_stop');
  });

  it('TerminateAccount repeated while terminating and after removal answers success', async () => {
    api = await ready();
    await putVm(api, 'terminate', { vmid: null, node: null });
    expect((await api.call('TerminateAccount', { actor: system, params: svc(api) })).body).toEqual({ result: 'success' });
    await api.t.db('mod_pvebridge_vms').update({ state: 'remove' });
    expect((await api.call('TerminateAccount', { actor: system, params: svc(api) })).body).toEqual({ result: 'success' });
    expect((await vmRow(api)).state).toBe('remove');
  });

  it('Suspend and Unsuspend repeated on a service without a VM answer success', async () => {
    api = await ready();
    for (const fn of ['SuspendAccount', 'SuspendAccount', 'UnsuspendAccount', 'UnsuspendAccount'])
      expect((await api.call(fn, { actor: system, params: svc(api) })).body, fn).toEqual({ result: 'success' });
  });
});
