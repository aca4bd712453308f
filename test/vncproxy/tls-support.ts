// A Proxmox-like certificate pair for TLS console tests: a cluster CA (pve-root-ca) and a node
// certificate it signed (pve-ssl) naming the node and 127.0.0.1, plus a TLS listener on a free
// console port that bridges each connection to a plain backend — what PVE ≥ 9.1.7 does.
import net from 'node:net';
import tls from 'node:tls';
import selfsigned from 'selfsigned';
import { caToClaim } from '../../common/console-ticket.ts';
import { listenOnConsolePort } from './support.ts';

export interface TestCa {
  cert: string;
  key: string;
  claim: string;
}

export async function selfsignedCa(cn = 'Proxmox Virtual Environment'): Promise<TestCa> {
  const ca = await selfsigned.generate([{ name: 'commonName', value: cn }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private, claim: caToClaim(ca.cert) };
}

export async function nodeCert(ca: TestCa, node = 'pve1'): Promise<{ cert: string; key: string }> {
  const leaf = await selfsigned.generate([{ name: 'commonName', value: `${node}.local` }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: node },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: leaf.cert, key: leaf.private };
}

/** TLS on a free console port, each connection bridged to `backend` (host:port). */
export async function startTlsBridge(pair: { cert: string; key: string }, backend: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = tls.createServer({ cert: pair.cert, key: pair.key }, (c) => {
    connections++;
    const b = net.connect(backend.port, backend.host);
    for (const s of [c, b]) {
      sockets.add(s);
      s.on('error', () => {
        c.destroy();
        b.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    c.pipe(b).pipe(c);
  });
  const port = await listenOnConsolePort(server);
  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
