// One byte stream to an upstream, either direct TCP (raw) or through a WebSocket proxy, with
// the same small interface so every measurement runs unchanged against every target.
// WebSocket clients mask with random keys, as browsers must.
import net from 'node:net';
import WebSocket from 'ws';

export interface Conn {
  /** Resolves once the bytes are queued below the high-water mark (backpressure). */
  write(buf: Buffer): Promise<void> | void;
  onData(cb: (d: Buffer) => void): void;
  /** Stops reading from the kernel (a stalled browser). */
  pause(): void;
  resume(): void;
  close(): void;
}

const CLIENT_HWM = 4 * 1024 * 1024;

export function connectRaw(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve({
        write: (buf) => (s.write(buf) ? undefined : new Promise<void>((r) => s.once('drain', () => r()))),
        onData: (cb) => void s.on('data', cb),
        pause: () => void s.pause(),
        resume: () => void s.resume(),
        close: () => void s.destroy(),
      });
    });
    s.once('error', reject);
  });
}

export function connectWs(url: string, origin: string, timeoutMs = 10_000): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], {
      headers: { Origin: origin },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      maxPayload: 64 * 1024 * 1024,
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    // Listen from the start: a first frame that arrived with the 101 response is emitted
    // before the caller's listener could be attached.
    const early: Buffer[] = [];
    let deliver: ((d: Buffer) => void) | undefined;
    ws.on('message', (d: Buffer) => (deliver ? deliver(d) : early.push(d)));
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      const raw = (ws as unknown as { _socket: net.Socket })._socket;
      resolve({
        write(buf) {
          ws.send(buf, { binary: true });
          if (ws.bufferedAmount > CLIENT_HWM) return new Promise<void>((r) => raw.once('drain', () => r()));
        },
        onData(cb) {
          deliver = cb;
          for (const d of early.splice(0)) cb(d);
        },
        pause: () => void raw.pause(),
        resume: () => void raw.resume(),
        // 1000, not an empty close: Debian's websockify 0.10 echoes an illegal 1005 otherwise.
        close: () => {
          if (ws.readyState === ws.OPEN) ws.close(1000);
          setTimeout(() => ws.terminate(), 200).unref();
        },
      });
    });
  });
}

/** Reads exact byte counts from a Conn (RFB handshakes, echo replies). */
export class Reader {
  private chunks: Buffer[] = [];
  private have = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void } | undefined;

  constructor(conn: Conn) {
    conn.onData((d) => {
      this.chunks.push(d);
      this.have += d.length;
      this.check();
    });
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiter = { n, resolve };
      this.check();
    });
  }

  /** Discards n bytes without concatenating them (bulk frames). */
  async skip(n: number): Promise<void> {
    while (n > 0) {
      const take = Math.min(n, 1024 * 1024);
      await this.read(take);
      n -= take;
    }
  }

  private check(): void {
    const w = this.waiter;
    if (!w || this.have < w.n) return;
    this.waiter = undefined;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, w.n);
    const rest = all.subarray(w.n);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    w.resolve(out);
  }
}
