import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/auth/signature.ts';
import { testDialects } from '../support/db.ts';
import { admin, moduleApi, SECRET, vmRow, type ModuleApi } from './module-api-support.ts';

const dialects = await testDialects();
const path = '/v1/whmcs/CreateAccount';

describe.each(dialects)('signed module API on %s', (dialect) => {
  let api: ModuleApi | undefined;
  afterEach(async () => {
    await api?.drop();
    api = undefined;
  });

  async function setup() {
    api = await moduleApi(dialect, { product: { configoption2: '9000' } });
    const body = JSON.stringify({ actor: admin, params: { serviceid: api.seeded.serviceId } });
    const send = (headers: Record<string, string>, raw = body) =>
      request(api!.app).post(path).set(headers).set('content-type', 'application/json').send(raw);
    return { api, body, send };
  }

  async function expectNothingWritten(a: ModuleApi) {
    expect(await vmRow(a)).toBeUndefined();
    expect(a.kicks).toEqual([]);
  }

  it('refuses a CreateAccount without a signature with 401 and writes nothing', async () => {
    const { api, send } = await setup();
    const res = await send({});
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/not signed/);
    await expectNothingWritten(api);
  });

  it('accepts a correctly signed CreateAccount', async () => {
    const { api, body, send } = await setup();
    const res = await send(signRequest(SECRET, { method: 'POST', path, body }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ result: 'success' });
    expect((await vmRow(api)).state).toBe('creation');
  });

  it('refuses a tampered body', async () => {
    const { api, body, send } = await setup();
    const headers = signRequest(SECRET, { method: 'POST', path, body });
    const tampered = body.replace(`"serviceid":${api.seeded.serviceId}`, `"serviceid":${api.seeded.serviceId} `);
    expect(tampered).not.toBe(body);
    const res = await send(headers, tampered);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/bad signature/);
    await expectNothingWritten(api);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const { api, body, send } = await setup();
    const res = await send(signRequest('another-secret-0123456789abcdef01234', { method: 'POST', path, body }));
    expect(res.status).toBe(401);
    await expectNothingWritten(api);
  });

  it('refuses a signature made for another path', async () => {
    const { api, body, send } = await setup();
    const res = await send(signRequest(SECRET, { method: 'POST', path: '/v1/whmcs/SuspendAccount', body }));
    expect(res.status).toBe(401);
    await expectNothingWritten(api);
  });

  it('refuses a timestamp more than 60 s old or ahead', async () => {
    const { api, body, send } = await setup();
    const old = await send(signRequest(SECRET, { method: 'POST', path, body }, { now: Date.now() - 61_000 }));
    expect(old.status).toBe(401);
    expect(old.body.error.message).toMatch(/stale/);
    const ahead = await send(signRequest(SECRET, { method: 'POST', path, body }, { now: Date.now() + 61_000 }));
    expect(ahead.status).toBe(401);
    await expectNothingWritten(api);
  });

  it('refuses a replayed nonce, even for a correctly signed request', async () => {
    const { api, body, send } = await setup();
    const headers = signRequest(SECRET, { method: 'POST', path, body });
    expect((await send(headers)).status).toBe(200);
    await api.t.db('mod_pvebridge_vms').delete();
    const replay = await send(headers);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/replayed/);
    expect(await vmRow(api)).toBeUndefined();
  });

  it('refuses malformed signature headers', async () => {
    const { api, body, send } = await setup();
    const headers = signRequest(SECRET, { method: 'POST', path, body });
    expect((await send({ ...headers, 'x-pvebridge-nonce': 'short' })).status).toBe(401);
    expect((await send({ ...headers, 'x-pvebridge-signature': 'zz' })).status).toBe(401);
    await expectNothingWritten(api);
  });

  it('guards every module API route by default (no route is reachable unsigned)', async () => {
    const { api } = await setup();
    const spec = await request(api.app).get('/openapi.json').expect(200);
    const routes = Object.keys(spec.body.paths).filter((p) => p.startsWith('/v1/whmcs/'));
    expect(routes.length).toBeGreaterThanOrEqual(35);
    for (const p of routes) {
      expect(spec.body.paths[p].post.security, p).toEqual([{ shim: [] }]);
      expect((await request(api.app).post(p).send({})).status, p).toBe(401);
    }
  });
});
