// Plain TCP upstream with large reads and recycled buffers. libuv reads up to 128 KiB at a time
// into one buffer shared by every session; each read is copied into a slab from a small pool and
// the slab returns to the pool once the WebSocket write that carried it completed. Reused
// (cache-warm) memory instead of a fresh allocation per read is what keeps the download path
// cheap; garbage-collected buffers would reach the CPU cold and keep the collector busy.
// Bytes that arrive before the relay listens are held (bounded) and replayed.
import net from 'node:net';

const READ_SIZE = 128 * 1024;
const shared = Buffer.allocUnsafe(READ_SIZE);
const EARLY_LIMIT = 1024 * 1024;
/** Free slabs kept for reuse (8 MiB at most); beyond that the collector takes them. */
const POOL_MAX = 64;
const pool: Buffer[] = [];
const slabOf = new WeakMap<Buffer, Buffer>();

function copyOut(n: number): Buffer {
  const slab = pool.pop() ?? Buffer.allocUnsafeSlow(READ_SIZE);
  shared.copy(slab, 0, 0, n);
  const chunk = slab.subarray(0, n);
  slabOf.set(chunk, slab);
  return chunk;
}

/** Gives a chunk's slab back once nothing refers to its bytes any more (its write completed). */
export function releaseChunk(chunk: Buffer): void {
  const slab = slabOf.get(chunk);
  if (!slab) return;
  slabOf.delete(chunk);
  if (pool.length < POOL_MAX) pool.push(slab);
}

export function connectTcp(host: string, port: number): net.Socket {
  const early: Buffer[] = [];
  let earlyBytes = 0;
  let heldBack = false;
  const socket: net.Socket = net.connect({
    host,
    port,
    noDelay: true,
    onread: {
      buffer: shared,
      callback(n: number) {
        const chunk = copyOut(n);
        if (socket.listenerCount('data') > 0) socket.emit('data', chunk);
        else {
          early.push(chunk);
          earlyBytes += n;
          if (earlyBytes > EARLY_LIMIT && !heldBack) {
            heldBack = true;
            socket.pause();
          }
        }
        return true;
      },
    },
  });
  socket.on('newListener', (event) => {
    if (event !== 'data') return;
    process.nextTick(() => {
      earlyBytes = 0;
      if (heldBack) {
        heldBack = false;
        socket.resume();
      }
      for (const chunk of early.splice(0)) socket.emit('data', chunk);
    });
  });
  return socket;
}
