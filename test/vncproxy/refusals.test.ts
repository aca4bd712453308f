// Every refusal happens in the upgrade handler: a bare HTTP status, quickly, and no
// connection to any upstream.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTicket, parseTicketKeys } from '../../common/console-ticket.ts';
import type { RunningVncProxy } from '../../vncproxy/server.ts';
import { attempt, keys, startTestProxy, startUpstream, ticketFor, wsUrl, type TestUpstream } from './support.ts';

let proxy: RunningVncProxy;
let upstream: TestUpstream;
/** Listens on 127.0.0.2 — a loopback address the allowlist does not contain. */
let outsider: TestUpstream;

beforeAll(async () => {
  proxy = await startTestProxy();
  upstream = await startUpstream();
  outsider = await startUpstream(undefined, '127.0.0.2');
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await outsider.close();
});

async function expectRefused(url: string, status: number, text: RegExp, opts?: Parameters<typeof attempt>[1]) {
  const before = upstream.connections + outsider.connections;
  const t0 = performance.now();
  const r = await attempt(url, opts);
  const ms = performance.now() - t0;
  if (r.opened) r.ws.terminate();
  expect(r.opened).toBe(false);
  if (!r.opened) {
    expect(r.status).toBe(status);
    expect(r.body).toMatch(text);
  }
  expect(ms).toBeLessThan(250);
  // Give a stray dial the chance to land before asserting there was none.
  await new Promise((r) => setTimeout(r, 20));
  expect(upstream.connections + outsider.connections).toBe(before);
}

describe('console proxy refusals', () => {
  it('opens a session with a valid ticket and relays bytes both ways', async () => {
    const r = await attempt(wsUrl(proxy, ticketFor(upstream)), { protocols: ['binary'] });
    expect(r.opened).toBe(true);
    if (!r.opened) return;
    expect(r.protocol).toBe('binary');
    const echoed = new Promise<Buffer>((resolve) => r.ws.once('message', resolve));
    r.ws.send(Buffer.from('RFB 003.008\n'));
    expect((await echoed).toString()).toBe('RFB 003.008\n');
    r.ws.close(1000);
  });

  it('refuses the same ticket the second time', async () => {
    const ticket = ticketFor(upstream);
    const first = await attempt(wsUrl(proxy, ticket));
    expect(first.opened).toBe(true);
    if (first.opened) first.ws.close(1000);
    await expectRefused(wsUrl(proxy, ticket), 403, /already used/);
  });

  it('refuses an expired ticket', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(upstream, {}, Date.now() - 10_001)), 403, /expired/);
  });

  it('refuses a ticket whose payload was changed', async () => {
    const [kid, payload, sig] = ticketFor(upstream).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, vmid: 102 })).toString('base64url');
    await expectRefused(wsUrl(proxy, `${kid}.${forged}.${sig}`), 403, /Invalid console ticket/);
  });

  it('refuses a ticket re-signed with another secret under the same key id', async () => {
    const other = parseTicketKeys(`k1:${'b'.repeat(40)}`);
    const t = mintTicket(other, { sid: 7, srv: 1, vmid: 101, node: 'pve1', host: upstream.host, port: upstream.port, mode: 'tcp' }).ticket;
    await expectRefused(wsUrl(proxy, t), 403, /Invalid console ticket/);
  });

  it('refuses a ticket signed with an unknown key id', async () => {
    const other = parseTicketKeys(`k9:${'a'.repeat(40)}`);
    const t = mintTicket(other, { sid: 7, srv: 1, vmid: 101, node: 'pve1', host: upstream.host, port: upstream.port, mode: 'tcp' }).ticket;
    await expectRefused(wsUrl(proxy, t), 403, /Invalid console ticket/);
  });

  it('refuses a ticket for another service', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(upstream, { sid: 8 }), 7), 403, /Invalid console ticket/);
  });

  it('refuses a foreign Origin, and a missing one', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(upstream)), 403, /Origin not allowed/, { origin: 'https://evil.example' });
    await expectRefused(wsUrl(proxy, ticketFor(upstream)), 403, /Origin not allowed/, { origin: null });
  });

  it('refuses an upstream host outside the allowlist, even on a console port', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(outsider)), 403, /not allowed/);
  });

  it('refuses a server that is not configured', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(upstream, { srv: 99 })), 403, /not allowed/);
  });

  it('refuses a port outside 5900–5999', async () => {
    const s = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    let dialled = 0;
    s.on('connection', () => dialled++);
    const port = (s.address() as net.AddressInfo).port;
    await expectRefused(wsUrl(proxy, ticketFor({ host: '127.0.0.1', port })), 403, /not allowed/);
    await expectRefused(wsUrl(proxy, ticketFor({ host: '127.0.0.1', port: 6000 })), 403, /not allowed/);
    expect(dialled).toBe(0);
    s.close();
  });

  it('refuses subprotocol base64', async () => {
    await expectRefused(wsUrl(proxy, ticketFor(upstream)), 400, /binary or none/, { protocols: ['base64'] });
  });

  it('refuses a missing or malformed ticket and an unknown path', async () => {
    await expectRefused(`ws://127.0.0.1:${proxy.port}/ws/7`, 403, /Invalid console ticket/);
    await expectRefused(wsUrl(proxy, 'not-a-ticket'), 403, /Invalid console ticket/);
    await expectRefused(`ws://127.0.0.1:${proxy.port}/websockify?ticket=${ticketFor(upstream)}`, 404, /Not found/);
  });

  it('counts every refusal in the metrics by reason', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text();
    for (const reason of [
      'ticket_reused',
      'ticket_expired',
      'ticket_bad_signature',
      'ticket_other_service',
      'origin',
      'host_not_allowed',
      'port_not_allowed',
      'subprotocol',
    ]) {
      expect(text).toMatch(new RegExp(`pvebridge_vnc_upgrade_refusals_total\\{reason="${reason}"\\} [1-9]`));
    }
  });
});

describe('console proxy limits on upgrades', () => {
  it('rate-limits upgrades per client address', async () => {
    const p = await startTestProxy({ limits: { upgradeRate: { perSecond: 0.001, burst: 2 } } });
    const up = await startUpstream();
    try {
      for (let i = 0; i < 2; i++) {
        const r = await attempt(wsUrl(p, ticketFor(up)));
        if (r.opened) r.ws.close(1000);
        expect(r.opened).toBe(true);
      }
      const r = await attempt(wsUrl(p, ticketFor(up)));
      expect(r.opened ? 0 : r.status).toBe(429);
      expect(up.connections).toBe(2);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('caps sessions per service and in total', async () => {
    const p = await startTestProxy({ limits: { maxSessions: 2, maxSessionsPerService: 1 } });
    const up = await startUpstream();
    try {
      const a = await attempt(wsUrl(p, ticketFor(up, { sid: 7 }), 7));
      expect(a.opened).toBe(true);
      const sameService = await attempt(wsUrl(p, ticketFor(up, { sid: 7 }), 7));
      expect(sameService.opened ? 0 : sameService.status).toBe(429);
      const b = await attempt(wsUrl(p, ticketFor(up, { sid: 8 }), 8));
      expect(b.opened).toBe(true);
      const third = await attempt(wsUrl(p, ticketFor(up, { sid: 9 }), 9));
      expect(third.opened ? 0 : third.status).toBe(503);
      expect(up.connections).toBe(2);
      expect(keys.signKid).toBe('k1');
    } finally {
      await p.close();
      await up.close();
    }
  });
});
