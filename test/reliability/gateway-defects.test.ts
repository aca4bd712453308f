// Issue 18's gateway defects, each driven through the real app (signed module API, SQLite): body
// refusals before any work, prototype keys, strict ids, button ownership, database outages,
// start-up failures of the CLI, and a database path into /proc.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.ts';
import { openDb, prepareSqliteFolder } from '../../common/db/connect.ts';
import { migrateLatest } from '../../common/db/migrate.ts';
import { createLogger } from '../../common/log.ts';
import { seedClient } from '../../common/whmcs-fixture/seed.ts';
import { buildApp } from '../../gateway/app.ts';
import { signRequest } from '../../gateway/auth/signature.ts';
import { createContext } from '../../gateway/context.ts';
import { admin, client, moduleApi, SECRET, type ModuleApi } from '../gateway/module-api-support.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/pvebridge.js');

async function cli(args: string[], env: Record<string, string>, timeout = 20_000) {
  const started = Date.now();
  try {
    const r = await run('node', [BIN, ...args], { env: { ...process.env, ...env }, timeout });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string; killed?: boolean };
    return { code: e.killed ? -1 : e.code, stdout: e.stdout, stderr: e.stderr, ms: Date.now() - started };
  }
}

/** A pino logger whose lines land in `lines` (level numbers: 30 info, 40 warn, 50 error). */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      cb();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

let api: ModuleApi;
beforeAll(async () => {
  api = await moduleApi('sqlite');
});
afterAll(async () => api?.drop());

const vmCount = async () => Number((await api.t.db('mod_pvebridge_vms').count({ n: '*' }))[0]!.n);

describe('bodies over the limit or in a bad encoding are refused before any work (defect 3)', () => {
  it('answers 413 to an oversize body, unsigned, and logs below error level', async () => {
    const { log, lines } = capturingLogger();
    const app = buildApp(createContext(api.ctx.config, { db: api.t.db, log }));
    const big = JSON.stringify({ actor: admin, params: { serviceid: 1 }, pad: 'x'.repeat(1_200_000) });
    const r = await request(app).post('/v1/whmcs/CreateAccount').set('content-type', 'application/json').send(big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PVB_TOO_LARGE');
    expect(r.body.error.message).toMatch(/larger than 1mb/);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(await vmCount()).toBe(0);
  });

  it('answers 415 to an unknown Content-Encoding and to a non-UTF-8 charset', async () => {
    const { log, lines } = capturingLogger();
    const app = buildApp(createContext(api.ctx.config, { db: api.t.db, log }));
    const body = JSON.stringify({ actor: admin, params: { serviceid: 1 } });
    const enc = await request(app)
      .post('/v1/whmcs/CreateAccount')
      .set('content-type', 'application/json')
      .set('content-encoding', 'x-bogus')
      .send(body);
    expect(enc.status).toBe(415);
    expect(enc.body.error.message).toMatch(/Content-Encoding/);
    const cs = await request(app).post('/v1/whmcs/CreateAccount').set('content-type', 'application/json; charset=latin1').send(body);
    expect(cs.status).toBe(415);
    expect(cs.body.error.message).toMatch(/charset/);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});

describe('product settings keys that name prototype members (defect 4)', () => {
  for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    it(`refuses "${key}" with a 400 naming it, and stores nothing`, async () => {
      const before = await api.t.db('mod_pvebridge_product_settings').select();
      const raw = `{"actor":{"type":"admin","id":1},"params":{"pid":${api.seeded.productId}},"settings":{"cpu":3,"${key}":{"x":1}}}`;
      const r = await api.call('SaveProductSettings', JSON.parse(raw));
      // JSON.stringify of the parsed object keeps an own __proto__ key: check the bytes sent.
      expect(JSON.stringify(JSON.parse(raw))).toContain(`"${key}"`);
      expect(r.status).toBe(400);
      expect(Object.keys(r.body.error.fields).join(',')).toContain(key);
      expect(await api.t.db('mod_pvebridge_product_settings').select()).toEqual(before);
    });
  }
});

describe('ids are strict positive integers (defect 5)', () => {
  for (const [label, value] of [
    ['true', true],
    ['[3]', [3]],
    ['"0x10"', '0x10'],
    ['"1e3"', '1e3'],
    ['""', ''],
    ['null', null],
    ['0', 0],
    ['1.5', 1.5],
    ['" 1"', ' 1'],
  ] as const) {
    it(`refuses serviceid ${label}, naming the field, and changes nothing`, async () => {
      const r = await api.call('TerminateAccount', { actor: admin, params: { serviceid: value } });
      expect(r.status).toBe(400);
      expect(r.body.error.fields).toHaveProperty(['params.serviceid']);
      expect(await vmCount()).toBe(0);
    });
  }

  it('accepts a JSON number and a decimal string as PHP sends them', async () => {
    const s = api.seeded.serviceId;
    expect((await api.call('SuspendAccount', { actor: admin, params: { serviceid: s } })).status).toBe(200);
    expect((await api.call('SuspendAccount', { actor: admin, params: { serviceid: String(s), userid: '0', pid: '0' } })).status).toBe(200);
  });

  it('refuses a loose actor id and a loose product id too', async () => {
    const a = await api.call('SuspendAccount', { actor: { type: 'admin', id: true }, params: { serviceid: 1 } });
    expect(a.status).toBe(400);
    expect(a.body.error.fields).toHaveProperty(['actor.id']);
    const p = await api.call('GetProductSettings', { actor: admin, params: { pid: '1e3' } });
    expect(p.status).toBe(400);
    expect(p.body.error.fields).toHaveProperty(['params.pid']);
  });
});

describe('client button arrays check ownership and reveal nothing (defect 6)', () => {
  it("answers Access Denied for another client's service exactly as for one that does not exist", async () => {
    const other = await seedClient(api.t.db);
    await api.t.db('tblhosting').where({ id: api.seeded.serviceId }).update({ domainstatus: 'Active' });
    for (const fn of ['ClientAreaCustomButtonArray', 'ClientAreaAllowedFunctions']) {
      const foreign = await api.call(fn, { actor: client(other), params: { serviceid: api.seeded.serviceId } });
      const absent = await api.call(fn, { actor: client(other), params: { serviceid: 987_654 } });
      expect(foreign.status).toBe(403);
      expect(absent.status).toBe(foreign.status);
      expect(absent.body).toEqual(foreign.body);
      const own = await api.call(fn, { actor: client(api.seeded.clientId), params: { serviceid: api.seeded.serviceId } });
      expect(own.status).toBe(200);
      expect(Object.keys(own.body.buttons).length).toBeGreaterThan(0);
    }
  });
});

describe('the database unavailable (defect 7)', () => {
  const downUrl = 'mysql://pvebridge:hunter2@127.0.0.1:1/whmcs';

  it('answers 503 "database unavailable, retry" to a signed module call', async () => {
    const config = loadConfig({ PVEBRIDGE_DB_URL: downUrl, PVEBRIDGE_SHARED_SECRET: SECRET, PVEBRIDGE_LOG_LEVEL: 'silent' });
    const { log, lines } = capturingLogger();
    const ctx = createContext(config, { log });
    try {
      const app = buildApp(ctx);
      const body = JSON.stringify({ actor: admin, params: { serviceid: 1 } });
      const r = await request(app)
        .post('/v1/whmcs/CreateAccount')
        .set(signRequest(SECRET, { method: 'POST', path: '/v1/whmcs/CreateAccount', body }))
        .set('content-type', 'application/json')
        .send(body);
      expect(r.status).toBe(503);
      expect(r.body.error).toEqual({ code: 'PVB_UNAVAILABLE', message: 'database unavailable, retry' });
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'not ready', database: 'unreachable' });
      expect(JSON.stringify(lines)).not.toContain('hunter2');
    } finally {
      await ctx.db.destroy();
    }
  });

  it('prints one line and exits 2 when serve cannot reach the database', async () => {
    const r = await cli(['serve'], { PVEBRIDGE_DB_URL: downUrl, PVEBRIDGE_SHARED_SECRET: SECRET, PVEBRIDGE_LOG_LEVEL: 'silent' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^pvebridge serve: cannot reach the database \(PVEBRIDGE_DB_URL\)/);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing WHMCS table and what PVEBRIDGE_DB_URL must point at when vncproxy starts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-vnc-'));
    const url = `sqlite:${dir}/ours-only.sqlite`;
    const db = openDb(url);
    await migrateLatest(db); // our tables, none of WHMCS's
    await db.destroy();
    const r = await cli(['vncproxy'], { PVEBRIDGE_DB_URL: url, PVEBRIDGE_TICKET_SECRET: SECRET, PVEBRIDGE_VNC_LISTEN: '127.0.0.1:0' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/table tblservers is missing/);
    expect(r.stderr).toMatch(/PVEBRIDGE_DB_URL must point at WHMCS's database/);
  });
});

describe('a database path into /proc (defect 9)', () => {
  it('is refused at once with the variable named, without creating folders', () => {
    expect(() => prepareSqliteFolder('/proc/self/pvebridge/x.sqlite')).toThrow(/PVEBRIDGE_DB_URL.*virtual file system/);
    expect(() => prepareSqliteFolder('/proc/1/fd/nope/db.sqlite')).toThrow(/PVEBRIDGE_DB_URL/);
    expect(() => prepareSqliteFolder('/etc/hostname/x.sqlite')).toThrow(/is not a folder/);
  });

  it('makes migrate exit 2 in seconds instead of spinning', async () => {
    const r = await cli(['migrate'], { PVEBRIDGE_DB_URL: 'sqlite:/proc/self/task/x/y/pvebridge.sqlite' }, 15_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PVEBRIDGE_DB_URL must be a SQLite file in a writable folder/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('still creates missing folders of an ordinary path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-path-'));
    prepareSqliteFolder(path.join(dir, 'a', 'b', 'c.sqlite'));
    expect(fs.statSync(path.join(dir, 'a', 'b')).isDirectory()).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
