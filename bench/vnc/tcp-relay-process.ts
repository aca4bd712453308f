// The "relay-tcp" anchor: pvebridge's relay with the WebSocket layer bypassed. The same
// upstream dialler (tcp-reads.ts: 128 KiB reads into pooled slabs) and the same
// high-water-mark backpressure as vncproxy/relay.ts, but the browser side is a plain TCP
// socket — so bench:vnc can tell the cost of Node's socket path from the cost of framing.
// One loopback listener per upstream kind (BENCH_UPSTREAMS={"echo":P,…}); prints {"echo":P',…}.
import net from 'node:net';
import { connectTcp, releaseChunk } from '../../vncproxy/tcp-reads.ts';

const HWM = 1024 * 1024;
const upstreams = JSON.parse(process.env.BENCH_UPSTREAMS ?? '{}') as Record<string, number>;

function relayTcp(client: net.Socket, upstreamPort: number): void {
  const up = connectTcp('127.0.0.1', upstreamPort);
  const end = () => {
    up.destroy();
    client.destroy();
  };
  for (const s of [client, up]) {
    s.on('error', end);
    s.on('close', end);
  }
  up.on('data', (chunk: Buffer) => {
    client.write(chunk, () => releaseChunk(chunk));
    if (client.writableLength > HWM) {
      up.pause();
      client.once('drain', () => up.resume());
    }
  });
  client.on('data', (chunk: Buffer) => {
    up.write(chunk);
    if (up.writableLength > HWM) {
      client.pause();
      up.once('drain', () => client.resume());
    }
  });
}

const ports: Record<string, number> = {};
for (const [kind, upstreamPort] of Object.entries(upstreams)) {
  const server = net.createServer({ noDelay: true }, (c) => relayTcp(c, upstreamPort));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 1024, r));
  ports[kind] = (server.address() as net.AddressInfo).port;
}
process.stdout.write(`${JSON.stringify(ports)}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => gc?.());
process.on('SIGTERM', () => process.exit(0));
