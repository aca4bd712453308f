// Console tickets: signature, expiry, key rotation, and single use — in memory for one proxy,
// in the database (both dialects) when several proxies share it.
import { afterEach, describe, expect, it } from 'vitest';
import { DbJtiStore, MemoryJtiStore, mintTicket, parseTicketKeys, verifyTicket, type TicketInput } from '../../common/console-ticket.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

const input: TicketInput = { sid: 7, srv: 1, vmid: 101, node: 'pve1', host: '10.0.0.11', port: 5901, mode: 'tcp' };
const oldKey = `old:${'o'.repeat(40)}`;
const newKey = `new:${'n'.repeat(40)}`;

describe('console ticket', () => {
  it('verifies what it minted, with every binding, for ten seconds', () => {
    const keys = parseTicketKeys(oldKey);
    const now = 1_700_000_000_000;
    const { ticket, claims } = mintTicket(keys, input, now);
    expect(claims.exp - claims.iat).toBe(10_000);
    expect(verifyTicket(keys, ticket, now + 9_999)).toEqual({ ok: true, claims: expect.objectContaining(input) });
    expect(verifyTicket(keys, ticket, now + 10_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyTicket(keys, ticket, now - 5_000)).toEqual({ ok: false, reason: 'expired' }); // minted in the future
  });

  it('keeps tickets of the previous key valid after a rotation and signs with the new one', () => {
    const before = mintTicket(parseTicketKeys(oldKey), input).ticket;
    const rotated = parseTicketKeys(`${newKey},${oldKey}`);
    expect(verifyTicket(rotated, before).ok).toBe(true);
    const after = mintTicket(rotated, input).ticket;
    expect(after.startsWith('new.')).toBe(true);
    expect(verifyTicket(parseTicketKeys(oldKey), after)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('derives a stable key id from a bare secret', () => {
    const a = parseTicketKeys('x'.repeat(40));
    expect(a.signKid).toMatch(/^[\w-]{8}$/);
    expect(parseTicketKeys('x'.repeat(40)).signKid).toBe(a.signKid);
    expect(() => parseTicketKeys('k:short')).toThrow(/at least 32/);
  });

  it('refuses malformed, truncated and claim-tampered tickets', () => {
    const keys = parseTicketKeys(oldKey);
    const { ticket } = mintTicket(keys, input);
    expect(verifyTicket(keys, '').ok).toBe(false);
    expect(verifyTicket(keys, ticket.slice(0, -1)).ok).toBe(false);
    const [kid, payload, sig] = ticket.split('.');
    const tampered = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('"port":5901', '"port":5902')).toString('base64url');
    expect(verifyTicket(keys, `${kid}.${tampered}.${sig}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is consumed once in memory', async () => {
    const store = new MemoryJtiStore();
    expect(await store.consume('a'.repeat(22), Date.now() + 10_000)).toBe(true);
    expect(await store.consume('a'.repeat(22), Date.now() + 10_000)).toBe(false);
  });
});

describe.each(await testDialects())('console ticket ledger on %s', (dialect) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('lets exactly one of several proxies consume a ticket, even concurrently', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const proxies = [new DbJtiStore(t.db), new DbJtiStore(t.db), new DbJtiStore(t.db)];
    const jti = mintTicket(parseTicketKeys(oldKey), input).claims.jti;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => proxies[i % 3]!.consume(jti, Date.now() + 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.db('mod_pvebridge_console_tickets').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('forgets expired ticket ids', async () => {
    t = await createTestDb(dialect, { whmcs: false });
    const store = new DbJtiStore(t.db);
    await store.consume('e'.repeat(22), 1000, 500);
    expect(await store.consume('f'.repeat(22), Date.now() + 10_000, Date.now())).toBe(true);
    expect(
      await t
        .db('mod_pvebridge_console_tickets')
        .where({ jti: 'e'.repeat(22) })
        .first(),
    ).toBeUndefined();
  });
});
