// The proxy's own WebSocket parser: bytes forwarded exactly however frames and reads are cut,
// every protocol rule `ws` used to enforce still enforced, and the same rules through a proxy.
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningVncProxy } from '../../vncproxy/server.ts';
import { FrameParser, ProtocolError } from '../../vncproxy/ws-frames.ts';
import { attempt, closed, startTestProxy, startUpstream, ticketFor, wsUrl, type TestUpstream } from './support.ts';

/** A masked client frame, as a browser sends it. */
function clientFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; rsv?: number; masked?: boolean } = {}): Buffer {
  const { fin = true, rsv = 0, masked = true } = opts;
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (masked ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | rsv | opcode;
  head[1] = (masked ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = crypto.randomBytes(4);
  mask.copy(head, 2 + ext);
  return Buffer.concat([head, Buffer.from(payload.map((b, i) => b ^ mask[i & 3]!))]);
}

function collect(maxPayload = 1 << 20) {
  const data: Buffer[] = [];
  const controls: Array<{ opcode: number; payload: Buffer }> = [];
  const parser = new FrameParser(maxPayload, {
    data: (b) => data.push(Buffer.from(b)),
    control: (opcode, payload) => controls.push({ opcode, payload: Buffer.from(payload) }),
  });
  return { parser, data: () => Buffer.concat(data), controls };
}

function violation(frames: Buffer[], maxPayload?: number): { code: number; forwarded: number } {
  const c = collect(maxPayload);
  try {
    for (const f of frames) c.parser.push(f);
  } catch (err) {
    if (err instanceof ProtocolError) return { code: err.code, forwarded: c.data().length };
    throw err;
  }
  return { code: 0, forwarded: c.data().length };
}

describe('WebSocket frame parser', () => {
  it('forwards the exact bytes of fragmented messages, pings between fragments, cut into any reads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 70_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 20 }),
        (messages, fragments, cuts) => {
          const wire: Buffer[] = [];
          messages.forEach((m, i) => {
            const parts = fragments[i]!;
            const step = Math.ceil(m.length / parts) || 1;
            for (let p = 0; p * step < m.length || p === 0; p++) {
              const last = (p + 1) * step >= m.length;
              wire.push(clientFrame(p === 0 ? 2 : 0, Buffer.from(m.subarray(p * step, (p + 1) * step)), { fin: last }));
              if (!last) wire.push(clientFrame(9, Buffer.from('ping')));
            }
          });
          const stream = Buffer.concat(wire);
          const c = collect();
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            c.parser.push(Buffer.from(stream.subarray(at, at + n)));
            at += n;
          }
          expect(c.data().equals(Buffer.concat(messages.map((m) => Buffer.from(m))))).toBe(true);
          expect(c.controls.every((x) => x.opcode === 9 && x.payload.toString() === 'ping')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses what RFC 6455 forbids a client, before forwarding the offending bytes', () => {
    const bin = (n: number) => Buffer.alloc(n, 1);
    expect(violation([clientFrame(2, bin(10), { masked: false })])).toEqual({ code: 1002, forwarded: 0 });
    expect(violation([clientFrame(2, bin(10), { rsv: 0x40 })])).toEqual({ code: 1002, forwarded: 0 }); // permessage-deflate bit
    expect(violation([clientFrame(1, Buffer.from('hello'))])).toEqual({ code: 1003, forwarded: 0 });
    expect(violation([clientFrame(0, bin(10))])).toEqual({ code: 1002, forwarded: 0 });
    expect(violation([clientFrame(2, bin(10), { fin: false }), clientFrame(2, bin(10))])).toEqual({ code: 1002, forwarded: 10 });
    expect(violation([clientFrame(9, bin(126))])).toEqual({ code: 1002, forwarded: 0 });
    expect(violation([clientFrame(9, bin(4), { fin: false })])).toEqual({ code: 1002, forwarded: 0 });
    expect(violation([clientFrame(3, bin(4))])).toEqual({ code: 1002, forwarded: 0 });
    expect(violation([clientFrame(11, bin(4))])).toEqual({ code: 1002, forwarded: 0 });
    // maxPayload counts the whole message, over its fragments.
    expect(violation([clientFrame(2, bin(600), { fin: false }), clientFrame(0, bin(600))], 1000)).toEqual({ code: 1009, forwarded: 600 });
    expect(violation([clientFrame(2, bin(600)), clientFrame(2, bin(600))], 1000)).toEqual({ code: 0, forwarded: 1200 });
  });
});

describe('WebSocket rules through the proxy', () => {
  let proxy: RunningVncProxy | undefined;
  let upstream: TestUpstream | undefined;
  afterEach(async () => {
    await proxy?.close();
    await upstream?.close();
    proxy = upstream = undefined;
  });

  it('answers pings, relays fragmented messages whole and closes 1009 above maxPayload', async () => {
    proxy = await startTestProxy({ limits: { maxPayload: 4096 } });
    let received = Buffer.alloc(0);
    upstream = await startUpstream((s) => s.on('data', (d: Buffer) => (received = Buffer.concat([received, d]))));
    const r = await attempt(wsUrl(proxy, ticketFor(upstream)));
    if (!r.opened) throw new Error(`refused ${r.status}`);
    const pong = new Promise<Buffer>((resolve) => r.ws.once('pong', resolve));
    r.ws.send(Buffer.from('abc'), { fin: false });
    r.ws.ping(Buffer.from('are you there'));
    r.ws.send(Buffer.from('def'), { fin: true });
    expect((await pong).toString()).toBe('are you there');
    await new Promise((res) => setTimeout(res, 100));
    expect(received.toString()).toBe('abcdef');
    const done = closed(r.ws);
    r.ws.send(Buffer.alloc(5000, 1));
    expect((await done).code).toBe(1009);
    expect(received.length).toBe(6);
  });

  it('echoes the browser close code and ends the session', async () => {
    proxy = await startTestProxy();
    upstream = await startUpstream();
    const r = await attempt(wsUrl(proxy, ticketFor(upstream)));
    if (!r.opened) throw new Error(`refused ${r.status}`);
    const done = closed(r.ws);
    r.ws.close(4001, 'bye');
    expect((await done).code).toBe(4001);
    await new Promise((res) => setTimeout(res, 50));
    expect(proxy.sessions.size).toBe(0);
  });
});
