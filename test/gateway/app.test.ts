import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { buildApp } from '../../gateway/app.ts';
import { createContext } from '../../gateway/context.ts';
import { defineRoute } from '../../gateway/http/route.ts';
import { startGateway } from '../../gateway/server.ts';
import { z } from 'zod';
import { createTestDb, type TestDb } from '../support/db.ts';
import { healthRoutes } from '../../gateway/routes/health.ts';

let t: TestDb | undefined;
afterEach(async () => {
  await t?.drop();
  t = undefined;
});

async function ctxFor(opts: { migrate?: boolean } = {}) {
  t = await createTestDb('sqlite', { whmcs: false, ...opts });
  return createContext(loadConfig({ PVEBRIDGE_DB_URL: t.url }), { db: t.db, log: silentLogger });
}

const echo = defineRoute({
  method: 'post',
  path: '/echo/:id',
  summary: 'echo',
  tag: 'test',
  auth: 'none',
  input: z.object({ id: z.coerce.number().int().positive(), name: z.string().min(1) }),
  handler: ({ input }) => ({ got: input }),
});

describe('gateway app', () => {
  it('answers /healthz', async () => {
    const app = buildApp(await ctxFor(), { routes: healthRoutes });
    await request(app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready when the database answers and migrations are current', async () => {
    const app = buildApp(await ctxFor(), { routes: healthRoutes });
    await request(app).get('/readyz').expect(200, { status: 'ready', database: 'ok' });
  });

  it('is not ready while migrations are pending', async () => {
    const app = buildApp(await ctxFor({ migrate: false }), { routes: healthRoutes });
    const res = await request(app).get('/readyz').expect(503);
    expect(res.body.pendingMigrations).toContain('001_core');
  });

  it('is not ready when the database is unreachable', async () => {
    const ctx = await ctxFor();
    await ctx.db.destroy();
    const res = await request(buildApp(ctx, { routes: healthRoutes }))
      .get('/readyz')
      .expect(503);
    expect(res.body.database).toBe('unreachable');
  });

  it('exposes Prometheus metrics including request counts', async () => {
    const app = buildApp(await ctxFor(), { routes: healthRoutes });
    await request(app).get('/healthz');
    const res = await request(app).get('/metrics').expect(200);
    expect(res.text).toMatch(/pvebridge_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
  });

  it('validates declared input and names each bad field', async () => {
    const app = buildApp(await ctxFor(), { routes: [echo] });
    const res = await request(app).post('/echo/0').send({ name: '' }).expect(400);
    expect(res.body.error.code).toBe('PVB_VALIDATION');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['id', 'name']);
    await request(app)
      .post('/echo/7')
      .send({ name: 'x' })
      .expect(200, { got: { id: 7, name: 'x' } });
  });

  it('answers malformed JSON with a validation error, not a stack trace', async () => {
    const app = buildApp(await ctxFor(), { routes: [echo] });
    const res = await request(app).post('/echo/1').set('content-type', 'application/json').send('{oops').expect(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('derives the OpenAPI document from the route declarations', async () => {
    const app = buildApp(await ctxFor(), { routes: [echo, ...healthRoutes] });
    const res = await request(app).get('/openapi.json').expect(200);
    const schema = res.body.paths['/echo/{id}'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['id', 'name']);
    expect(res.body.paths['/readyz'].get.summary).toMatch(/Readiness/);
  });

  it('refuses to start with a protected route that has no guard', async () => {
    const ctx = await ctxFor();
    expect(() => buildApp(ctx, { routes: [{ ...echo, auth: 'shim' }], guards: {} })).toThrow(/needs the 'shim' guard/);
  });

  it('finishes in-flight requests on shutdown, then runs the shutdown hooks', async () => {
    const ctx = await ctxFor();
    const order: string[] = [];
    const slow = defineRoute({
      method: 'get',
      path: '/slow',
      summary: 'slow',
      tag: 'test',
      auth: 'none',
      handler: async () => {
        await new Promise((r) => setTimeout(r, 150));
        order.push('request done');
        return { ok: true };
      },
    });
    ctx.onShutdown.push(() => void order.push('leases released'));
    const gw = await startGateway(ctx, { routes: [slow], port: 0 });
    const inflight = fetch(`${gw.url}/slow`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 30));
    await gw.close();
    expect(await inflight).toEqual({ ok: true });
    expect(order).toEqual(['request done', 'leases released']);
    t = undefined; // the gateway closed the database
  });
});
