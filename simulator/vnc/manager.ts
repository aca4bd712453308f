// The console side of POST …/vncproxy: one listener per call on 127.0.0.1 that accepts ONE
// connection within the accept timeout (Proxmox: 10 s) and bridges it byte for byte to the
// scenario's VNC backend. TLS (the node's certificate; `cert` is the cluster CA) for PVE ≥ 9.1.7
// without websocket; plain TCP below that or with websocket=1 (vnc-console-notes A4).
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes, randomInt } from 'node:crypto';
import type { ClusterState } from '../model/state.ts';
import type { Task } from '../model/types.ts';
import type { ClusterCerts } from '../model/certs.ts';

export interface VncReply {
  user: string;
  ticket: string;
  port: number;
  upid: string;
  cert: string;
  password?: string;
}

export interface VncRequest {
  node: string;
  vmid: number;
  user: string;
  websocket: boolean;
  generatePassword: boolean;
}

/** Proxmox versions compare numerically per dot-separated part. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** pve-common generate_vnc_password: 8 printable characters from '!' to '`'. */
function vncPassword(): string {
  return Array.from({ length: 8 }, () => String.fromCharCode(0x21 + randomInt(0x60 - 0x21 + 1))).join('');
}

function listen(server: net.Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

export class VncManager {
  private servers = new Set<net.Server>();
  private sockets = new Set<net.Socket>();

  constructor(
    private readonly state: ClusterState,
    private readonly certs: ClusterCerts,
  ) {}

  private async bind(server: net.Server): Promise<number> {
    const [lo, hi] = this.state.scenario.vnc.ports;
    if (lo === 0) {
      await listen(server, 0);
      return (server.address() as net.AddressInfo).port;
    }
    for (let port = lo; port <= hi; port++) if (await listen(server, port)) return port;
    throw new Error('unable to find free port (5900-5999)');
  }

  private bridge(client: net.Socket, task: Task): void {
    this.sockets.add(client);
    const backend = this.state.scenario.vnc.backend;
    const done = () => {
      this.sockets.delete(client);
      this.state.finish(task);
    };
    client.on('close', done);
    client.on('error', () => client.destroy());
    if (!backend) {
      // No backend configured: greet like an RFB server so clients see a VNC peer.
      client.write('RFB 003.008\n');
      return;
    }
    const [host, port] = [backend.slice(0, backend.lastIndexOf(':')), Number(backend.slice(backend.lastIndexOf(':') + 1))];
    const upstream = net.connect(port, host);
    this.sockets.add(upstream);
    upstream.on('error', (err) => {
      task.log.push(`connection to VNC backend failed: ${err.message}`);
      client.destroy();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async open(req: VncRequest): Promise<VncReply> {
    const { scenario } = this.state;
    const current = versionAtLeast(scenario.pveVersion, '9.1.7');
    const useTls = current && !req.websocket;
    // `cert` is the cluster CA (Qemu.pm vncproxy reads pve-root-ca.pem); the listener presents
    // the node's own certificate: pveproxy-ssl.pem when installed, else pve-ssl.pem.
    const cert = (await this.certs.clusterCa()).cert;
    const served = useTls ? await this.certs.served(req.node) : undefined;
    const server = served ? tls.createServer({ cert: served.cert, key: served.key }) : net.createServer();
    server.maxConnections = 1;
    const port = await this.bind(server);
    this.servers.add(server);
    const task = this.state.startTask({
      node: req.node,
      type: 'vncproxy',
      id: req.vmid,
      user: req.user,
      seconds: 0,
      log: [`listening on 127.0.0.1:${port}`],
    });
    task.endMs = Infinity;
    this.state.running = this.state.running.filter((t) => t !== task);
    const stop = () => {
      clearTimeout(timer);
      server.close();
      this.servers.delete(server);
    };
    const timer = setTimeout(() => {
      stop();
      this.state.finish(task, 'connection timed out');
    }, scenario.vnc.acceptTimeoutSec * 1000);
    timer.unref();
    server.once(useTls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      stop();
      this.bridge(socket, task);
    });
    // ≥ 9.1.7 always generates one (qemu-server 282ec11d); older only on generate-password.
    const password = current || req.generatePassword ? (scenario.vnc.fixedPassword ?? vncPassword()) : undefined;
    const raw = `PVEVNC:${Math.floor(Date.now() / 1000)
      .toString(16)
      .toUpperCase()}::${randomBytes(64).toString('base64')}`;
    const ticket = current && password ? `${password}:${raw}` : raw;
    return { user: req.user, ticket, port, upid: task.upid, cert, ...(password ? { password } : {}) };
  }

  close(): void {
    for (const s of this.servers) s.close();
    for (const s of this.sockets) s.destroy();
    this.servers.clear();
    this.sockets.clear();
  }
}
