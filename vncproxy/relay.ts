// One console session: bytes between the browser's WebSocket and the VM's console, with
// backpressure both ways — the side that is ahead is paused until the slow side drained, so a
// stalled reader costs at most one high-water mark of memory. The WebSocket layer is ours
// (ws-frames.ts): frames from the browser are unmasked in place and forwarded as they arrive,
// and each chunk from the VM leaves as one frame, header and payload in one writev, no copy.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TicketClaims } from '../common/console-ticket.ts';
import { releaseChunk } from './tcp-reads.ts';
import { closePayload, FrameParser, frameHeader, legalCloseCode, Opcode, ProtocolError } from './ws-frames.ts';

/** Legal close codes only (RFC 6455 §7.4.1): never 1005/1006 on the wire. */
export const Close = { normal: 1000, goingAway: 1001, unsupported: 1003, policy: 1008, internal: 1011 } as const;

export interface SessionRecord {
  id: number;
  claims: TicketClaims;
  startedAt: number;
  lastActivity: number;
  bytesUp: number;
  bytesDown: number;
  awaitingPong: boolean;
  closeReason?: string;
  close(code: number, reason: string): void;
  /** Sends a ping; false when the previous one was never answered (dead peer). */
  ping(): boolean;
}

export interface RelayOptions {
  highWaterMark: number;
  /** Largest message accepted from the browser (summed over its fragments). */
  maxPayload: number;
  onEnd(s: SessionRecord): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Relays between `socket` (the browser's, after our 101 answer) and `upstream`. `head` holds
 * the browser's bytes that arrived with the upgrade request.
 */
export function relay(
  id: number,
  claims: TicketClaims,
  socket: net.Socket,
  head: Buffer,
  upstream: Duplex,
  opts: RelayOptions,
): SessionRecord {
  const now = Date.now();
  let ended = false;
  let closeSent = false;
  let downPaused = false;
  let upPaused = false;
  // The payload bytes of one read (noVNC packs many tiny pointer and key frames into one) leave
  // in one write: a single writev, corked only when there are several pieces and uncorked as
  // soon as the read is parsed, so no latency is added and a bulk read costs a plain write.
  // (Corking for the whole event-loop turn, until setImmediate, was measured too: +60–100 %
  // CPU per MiB both ways, the kernel's buffers fill between flushes.)
  let pieces: Buffer[] = [];
  const flushUp = () => {
    const out = pieces;
    if (!out.length) return;
    pieces = [];
    if (out.length === 1) return void upstream.write(out[0]);
    upstream.cork();
    for (const b of out) upstream.write(b);
    upstream.uncork();
  };
  const sendFrame = (opcode: number, payload: Buffer, done?: () => void) => {
    socket.cork();
    socket.write(frameHeader(opcode, payload.length));
    socket.write(payload, done);
    socket.uncork();
  };
  const s: SessionRecord = {
    id,
    claims,
    startedAt: now,
    lastActivity: now,
    bytesUp: 0,
    bytesDown: 0,
    awaitingPong: false,
    close(code, reason) {
      finish(code, reason);
    },
    ping() {
      if (s.awaitingPong) return false;
      s.awaitingPong = true;
      if (socket.writable) sendFrame(Opcode.ping, EMPTY);
      return true;
    },
  };

  const finish = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    s.closeReason ??= reason;
    upstream.destroy();
    if (!closeSent && socket.writable) {
      closeSent = true;
      sendFrame(Opcode.close, closePayload(code, reason));
      socket.end();
      // A browser that never answers the close frame must not hold the socket.
      setTimeout(() => socket.destroy(), 2000).unref();
    } else socket.destroy();
    opts.onEnd(s);
  };

  // VM → browser. One frame per chunk the kernel handed us (up to 128 KiB).
  upstream.on('data', (chunk: Buffer) => {
    if (ended) return releaseChunk(chunk);
    s.bytesDown += chunk.length;
    s.lastActivity = Date.now();
    sendFrame(Opcode.binary, chunk, () => releaseChunk(chunk));
    if (!downPaused && socket.writableLength > opts.highWaterMark) {
      downPaused = true;
      upstream.pause();
    }
  });
  socket.on('drain', () => {
    if (downPaused && socket.writableLength <= opts.highWaterMark) {
      downPaused = false;
      upstream.resume();
    }
  });

  // Browser → VM.
  const parser = new FrameParser(opts.maxPayload, {
    data(bytes) {
      s.bytesUp += bytes.length;
      pieces.push(bytes);
    },
    control(opcode, payload) {
      if (opcode === Opcode.pong) s.awaitingPong = false;
      else if (opcode === Opcode.ping) {
        if (socket.writable && !closeSent) sendFrame(Opcode.pong, payload);
      } else if (payload.length === 1) throw new ProtocolError(1002, 'close frame of one byte');
      else {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (payload.length >= 2 && !legalCloseCode(code)) throw new ProtocolError(1002, `illegal close code ${code}`);
        // Answer with the browser's own code (none given: a normal close).
        s.closeReason = code === 1000 || code === 1001 || code === 1005 ? 'browser closed' : `browser closed (${code})`;
        finish(code === 1005 ? Close.normal : code, '');
      }
    },
  });
  const onBrowserData = (chunk: Buffer) => {
    if (ended) return;
    s.lastActivity = Date.now();
    try {
      parser.push(chunk);
      flushUp();
    } catch (err) {
      flushUp(); // what came before the offending frame was valid and goes on
      if (!(err instanceof ProtocolError)) throw err;
      s.closeReason = err.code === 1003 ? 'text frame' : `protocol error: ${err.message}`;
      return finish(err.code, err.message);
    }
    // Our own mark, not write()'s 16 KiB default: pausing at every large message would stall
    // the pipe between each one. 'drain' is due: write() returned false above the default.
    if (upstream.writableLength > opts.highWaterMark && !upPaused && !ended) {
      upPaused = true;
      socket.pause();
      upstream.once('drain', () => {
        upPaused = false;
        socket.resume();
      });
    }
  };
  socket.on('data', onBrowserData);

  upstream.on('end', () => finish(Close.normal, 'upstream closed'));
  upstream.on('close', () => finish(Close.normal, 'upstream closed'));
  upstream.on('error', (err: Error) => finish(Close.internal, `upstream error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  socket.on('end', () => finish(Close.normal, 'browser closed'));
  socket.on('close', () => finish(Close.normal, 'browser closed'));
  socket.on('error', (err: Error) => finish(Close.policy, `browser socket error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  if (head.length) onBrowserData(head);
  return s;
}
