// One console session: bytes between the browser's WebSocket and the VM's console, with
// backpressure both ways — the side that is ahead is paused until the slow side drained, so a
// stalled reader costs at most one high-water mark of memory.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { TicketClaims } from '../common/console-ticket.ts';
import { releaseChunk } from './tcp-reads.ts';

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
  onEnd(s: SessionRecord): void;
}

/**
 * Joins `ws` (already upgraded on `raw`) and `upstream`. `raw` is the browser's TCP socket:
 * its 'drain' tells when the frames queued towards the browser have left.
 */
export function relay(
  id: number,
  claims: TicketClaims,
  ws: WebSocket,
  raw: net.Socket,
  upstream: Duplex,
  opts: RelayOptions,
): SessionRecord {
  const now = Date.now();
  let ended = false;
  let downPaused = false;
  let upPaused = false;
  let corked = false;
  const uncork = () => {
    corked = false;
    upstream.uncork();
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
      ws.ping();
      return true;
    },
  };

  const finish = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    s.closeReason ??= reason;
    upstream.destroy();
    if (ws.readyState === ws.OPEN) {
      ws.close(code, reason);
      // A browser that never answers the close frame must not hold the socket.
      setTimeout(() => ws.terminate(), 2000).unref();
    } else ws.terminate();
    opts.onEnd(s);
  };

  // VM → browser. One WebSocket frame per chunk the kernel handed us (up to 64 KiB).
  upstream.on('data', (chunk: Buffer) => {
    s.bytesDown += chunk.length;
    s.lastActivity = Date.now();
    ws.send(chunk, { binary: true }, () => releaseChunk(chunk));
    if (!downPaused && ws.bufferedAmount > opts.highWaterMark) {
      downPaused = true;
      upstream.pause();
    }
  });
  raw.on('drain', () => {
    if (downPaused && ws.bufferedAmount <= opts.highWaterMark) {
      downPaused = false;
      upstream.resume();
    }
  });

  // Browser → VM.
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return s.close(Close.unsupported, 'text frame');
    s.bytesUp += data.length;
    s.lastActivity = Date.now();
    // noVNC sends many tiny frames (pointer, keys); those that arrived together leave in one
    // write: corked until the end of this tick, which adds no latency.
    if (!corked) {
      corked = true;
      upstream.cork();
      process.nextTick(uncork);
    }
    upstream.write(data);
    // Our own mark, not write()'s 16 KiB default: pausing at every large message would stall
    // the pipe between each one. 'drain' is due: write() returned false above the default.
    if (upstream.writableLength > opts.highWaterMark && !upPaused) {
      upPaused = true;
      ws.pause();
      upstream.once('drain', () => {
        upPaused = false;
        ws.resume();
      });
    }
  });
  ws.on('pong', () => {
    s.awaitingPong = false;
  });

  upstream.on('end', () => finish(Close.normal, 'upstream closed'));
  upstream.on('close', () => finish(Close.normal, 'upstream closed'));
  upstream.on('error', (err: Error) => finish(Close.internal, `upstream error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  ws.on('close', (code: number) => finish(Close.normal, code === 1000 || code === 1001 ? 'browser closed' : `browser closed (${code})`));
  ws.on('error', (err: Error) => finish(Close.policy, `protocol error: ${err.message}`));
  return s;
}
