// Bench upstreams in their own process, on free console ports (5900–5999, the only ports the
// pvebridge allowlist dials): echo, sink (u64 length, then that many bytes, answers "K"),
// source (u64 length, then streams that many bytes) and banner (writes an RFB banner on
// connect). Prints {"echo":P,…} on stdout once listening.
import net from 'node:net';
import { listenInConsoleRange } from './ports.ts';

const LIMIT = 2 * 1024 * 1024 * 1024; // never stream more than 2 GiB per request
const block = Buffer.alloc(256 * 1024, 0x5a);

function lengthPrefixed(s: net.Socket, then: (n: number, rest: Buffer) => void): void {
  let head = Buffer.alloc(0);
  const onData = (d: Buffer) => {
    head = Buffer.concat([head, d]);
    if (head.length < 8) return;
    s.off('data', onData);
    then(Math.min(Number(head.readBigUInt64BE(0)), LIMIT), head.subarray(8));
  };
  s.on('data', onData);
}

const handlers: Record<string, (s: net.Socket) => void> = {
  echo: (s) => s.pipe(s),
  sink: (s) =>
    lengthPrefixed(s, (n, rest) => {
      let left = n - rest.length;
      const done = () => s.write('K');
      if (left <= 0) return done();
      s.on('data', (d: Buffer) => {
        left -= d.length;
        if (left <= 0 && left + d.length > 0) done();
      });
    }),
  source: (s) =>
    lengthPrefixed(s, (n) => {
      let left = n;
      const pump = () => {
        while (left > 0 && !s.destroyed) {
          const chunk = left >= block.length ? block : block.subarray(0, left);
          left -= chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    }),
  banner: (s) => {
    s.write('RFB 003.008\n');
    s.resume();
  },
};

const ports: Record<string, number> = {};
for (const [name, handle] of Object.entries(handlers)) {
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => s.destroy());
    handle(s);
  });
  ports[name] = await listenInConsoleRange(server);
}
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.on('SIGTERM', () => process.exit(0));
