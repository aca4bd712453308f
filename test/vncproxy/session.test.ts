// A relayed session: protocol hygiene, timeouts, the one audit line, and backpressure.
import crypto from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.ts';
import type { RunningVncProxy } from '../../vncproxy/server.ts';
import { attempt, closed, startTestProxy, startUpstream, ticketFor, wsUrl, type TestUpstream } from './support.ts';

let proxy: RunningVncProxy | undefined;
let upstream: TestUpstream | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

async function open(p: RunningVncProxy, up: TestUpstream, ticket = ticketFor(up)) {
  const r = await attempt(wsUrl(p, ticket));
  if (!r.opened) throw new Error(`refused ${r.status} ${r.body}`);
  return r.ws;
}

function logSink() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      raw += chunk.toString();
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger('info', stream), lines, raw: () => raw };
}

describe('console session', () => {
  it('echoes the binary subprotocol when offered and negotiates none otherwise', async () => {
    proxy = await startTestProxy();
    upstream = await startUpstream();
    const a = await attempt(wsUrl(proxy, ticketFor(upstream)), { protocols: ['base64', 'binary'] });
    const b = await attempt(wsUrl(proxy, ticketFor(upstream)));
    expect(a.opened && a.protocol).toBe('binary');
    expect(b.opened && b.protocol).toBe('');
    for (const r of [a, b]) if (r.opened) r.ws.close(1000);
  });

  it('closes with 1003 on a text frame and never forwards it', async () => {
    proxy = await startTestProxy();
    let received = 0;
    upstream = await startUpstream((s) => s.on('data', (d) => (received += d.length)));
    const ws = await open(proxy, upstream);
    const done = closed(ws);
    ws.send('hello');
    expect((await done).code).toBe(1003);
    expect(received).toBe(0);
  });

  it('closes with 1009 on a message above maxPayload', async () => {
    proxy = await startTestProxy({ limits: { maxPayload: 1024 } });
    upstream = await startUpstream((s) => s.resume());
    const ws = await open(proxy, upstream);
    const done = closed(ws);
    ws.send(Buffer.alloc(2048));
    expect((await done).code).toBe(1009);
  });

  it('closes an idle session with 1001 and the absolute lifetime too', async () => {
    proxy = await startTestProxy({ limits: { idleMs: 200 } });
    upstream = await startUpstream((s) => s.resume());
    const idle = await open(proxy, upstream);
    expect(await closed(idle)).toEqual({ code: 1001, reason: 'idle timeout' });
    await proxy.close();

    proxy = await startTestProxy({ limits: { maxSessionMs: 300 } });
    const busy = await open(proxy, upstream);
    const timer = setInterval(() => busy.send(Buffer.from([0])), 50);
    const t0 = Date.now();
    expect(await closed(busy)).toEqual({ code: 1001, reason: 'session lifetime reached' });
    clearInterval(timer);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('times out an upstream that accepts TCP but never answers TLS, without a WebSocket', async () => {
    proxy = await startTestProxy({ limits: { upstreamConnectMs: 150 } });
    upstream = await startUpstream(() => {});
    const { selfsignedCa } = await import('./tls-support.ts');
    const ca = await selfsignedCa();
    const t0 = Date.now();
    const r = await attempt(wsUrl(proxy, ticketFor(upstream, { mode: 'tls', ca: ca.claim })));
    expect(r.opened ? 0 : r.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('closes the browser side with 1000 when the VM side ends, and logs one line without the ticket', async () => {
    const sink = logSink();
    proxy = await startTestProxy({ log: sink.log });
    upstream = await startUpstream((s) => s.end(Buffer.from('RFB 003.008\n')));
    const ticket = ticketFor(upstream, { sid: 7, vmid: 321, node: 'pve2' });
    const ws = await open(proxy, upstream, ticket);
    const done = closed(ws);
    expect((await done).code).toBe(1000);
    await new Promise((r) => setTimeout(r, 20));
    const lines = sink.lines.filter((l) => l.event === 'console_session');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 7,
      vmid: 321,
      node: 'pve2',
      mode: 'tcp',
      bytesDown: 12,
      bytesUp: 0,
      closeReason: 'upstream closed',
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(sink.raw()).not.toContain(ticket.split('.')[2]!);
    expect(sink.raw()).not.toContain(ticket.split('.')[1]!.slice(0, 40));
  });

  it('never logs the ticket of a refused upgrade either', async () => {
    const sink = logSink();
    proxy = await startTestProxy({ log: sink.log });
    upstream = await startUpstream();
    const ticket = ticketFor(upstream);
    const r = await attempt(wsUrl(proxy, ticket), { origin: 'https://evil.example' });
    expect(r.opened).toBe(false);
    expect(sink.lines.some((l) => l.event === 'console_refused' && l.reason === 'origin')).toBe(true);
    expect(sink.raw()).not.toContain(ticket.split('.')[2]!);
  });

  it('delivers every byte unchanged while several sessions download and upload at once', async () => {
    proxy = await startTestProxy({ limits: { highWaterMark: 64 * 1024 } });
    // Each connection gets its own random 6 MiB (recycled read buffers must never mix them up)
    // and the digest of what it received back.
    const payloads = new Map<number, Buffer>();
    upstream = await startUpstream((s) => {
      const data = crypto.randomBytes(6 * 1024 * 1024);
      const hash = crypto.createHash('sha256');
      let got = 0;
      s.once('data', (first: Buffer) => {
        const id = first.readUInt32BE(0);
        payloads.set(id, data);
        s.write(data);
        const onUp = (d: Buffer) => {
          hash.update(d);
          got += d.length;
          if (got === 1024 * 1024) s.write(hash.digest());
        };
        if (first.length > 4) onUp(first.subarray(4));
        s.on('data', onUp);
      });
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map(async (id) => {
        const ws = await open(proxy!, upstream!);
        const head = Buffer.alloc(4);
        head.writeUInt32BE(id);
        const up = crypto.randomBytes(1024 * 1024);
        const received: Buffer[] = [];
        const done = new Promise<void>((resolve) =>
          ws.on('message', (d: Buffer) => {
            received.push(Buffer.from(d));
            if (received.reduce((n, b) => n + b.length, 0) === 6 * 1024 * 1024 + 32) resolve();
          }),
        );
        ws.send(head);
        for (let i = 0; i < up.length; i += 48 * 1024) ws.send(up.subarray(i, i + 48 * 1024));
        await done;
        ws.close(1000);
        const all = Buffer.concat(received);
        return { id, down: all.subarray(0, 6 * 1024 * 1024), upDigest: all.subarray(6 * 1024 * 1024), up };
      }),
    );
    for (const r of results) {
      expect(r.down.equals(payloads.get(r.id)!)).toBe(true);
      expect(r.upDigest.equals(crypto.createHash('sha256').update(r.up).digest())).toBe(true);
    }
  });

  it('keeps memory bounded while the browser stalls during a large download', async () => {
    proxy = await startTestProxy({ limits: { highWaterMark: 256 * 1024 } });
    let written = 0;
    const total = 512 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    // A source that respects its own backpressure: it writes only as fast as the proxy reads.
    upstream = await startUpstream((s) => {
      const pump = () => {
        while (written < total && s.writable) {
          written += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    const ws = await open(proxy, upstream);
    const raw = (ws as unknown as { _socket: net.Socket })._socket;
    let got = 0;
    ws.on('message', (d: Buffer) => (got += d.length));
    await new Promise((r) => setTimeout(r, 100));
    raw.pause(); // the stalled reader
    await new Promise((r) => setTimeout(r, 300));
    const base = process.memoryUsage().arrayBuffers;
    const writtenAtStall = written;
    await new Promise((r) => setTimeout(r, 1500));
    const session = [...proxy.sessions.values()][0]!;
    // The proxy stopped reading the VM side: the source is stuck too, far below its 512 MiB.
    expect(written - writtenAtStall).toBeLessThan(4 * 1024 * 1024);
    expect(written).toBeLessThan(total / 4);
    expect(session.bytesDown - got).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(16 * 1024 * 1024);
    raw.resume();
    const before = got;
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toBeGreaterThan(before); // and it flows again once the reader resumes
    ws.terminate();
  });
});
