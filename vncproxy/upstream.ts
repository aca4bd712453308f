// Dials a console upstream in one of three modes, to an address the allowlist approved:
//   tcp            plain RFB to node:59xx (Proxmox < 9.1.7; the VNC password is the ticket)
//   tls            RFB inside TLS to node:59xx (Proxmox ≥ 9.1.7), verified against the cluster
//                  CA in our ticket, or the node's own certificate by the SHA-256 pins in it
//   pve-websocket  pveproxy's vncwebsocket on the API port with the server's API token, for
//                  sites where only 8006 is reachable
import crypto from 'node:crypto';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import WebSocket, { createWebSocketStream } from 'ws';
import { caFromClaim, type TicketClaims } from '../common/console-ticket.ts';
import { connectTcp } from './tcp-reads.ts';

export interface PveCredentials {
  tokenId: string;
  secret: string;
  /** PEM of the CA that signs pveproxy's certificate (tblservers accesshash); system CAs otherwise. */
  ca?: string;
  /** Or pveproxy's certificate SHA-256 (`AB:CD:…`): pinned, checked before the token is sent. */
  fingerprint?: string;
}

/** Looks up a Proxmox server's API token (pve-websocket mode only). */
export type CredentialsLookup = (serverId: number) => Promise<PveCredentials | undefined>;

export class UpstreamError extends Error {
  constructor(
    readonly reason: 'upstream_timeout' | 'upstream_refused' | 'upstream_tls' | 'upstream_auth',
    message: string,
  ) {
    super(message);
  }
}

export async function dialUpstream(claims: TicketClaims, address: string, timeoutMs: number, creds?: CredentialsLookup): Promise<Duplex> {
  switch (claims.mode) {
    case 'tcp':
      return connectSocket(connectTcp(address, claims.port), 'connect', timeoutMs);
    case 'tls':
      return connectSocket(tlsConnect(claims, address), 'secureConnect', timeoutMs);
    case 'pve-websocket':
      return connectPveWebsocket(claims, address, timeoutMs, creds);
  }
}

function tlsConnect(claims: TicketClaims, address: string): tls.TLSSocket {
  if (!claims.ca) throw new UpstreamError('upstream_tls', 'tls mode needs the pinned CA');
  const ca = caFromClaim(claims.ca).toString();
  const pins = claims.fp ?? [];
  const socket = tls.connect({
    host: address,
    port: claims.port,
    ca: [ca],
    minVersion: 'TLSv1.2',
    // With pins, Node reports the chain result in `authorized` instead of refusing, and
    // trustedPeer() below accepts a chain to the cluster CA OR a pinned node certificate.
    rejectUnauthorized: pins.length === 0,
    ...(net.isIP(claims.host) ? {} : { servername: claims.host }),
    // The chain must end at the pinned CA (Node checks that); the name may be the node's
    // address, the ticket's host or the node name: Proxmox puts all three in pve-ssl.pem.
    checkServerIdentity: (_host, cert) => {
      const names = [address, claims.host, claims.node];
      return names.some((n) => tls.checkServerIdentity(n, cert) === undefined) ? undefined : tls.checkServerIdentity(address, cert);
    },
  });
  socket.setNoDelay(true);
  if (pins.length) {
    socket.once('secureConnect', () => {
      if (!trustedPeer(socket, pins))
        socket.destroy(
          new UpstreamError('upstream_tls', `upstream TLS verification failed: ${socket.authorizationError ?? 'certificate not pinned'}`),
        );
    });
  }
  return socket;
}

/** A chain to the cluster CA with a matching name, or the node's own certificate by SHA-256 pin. */
function trustedPeer(socket: tls.TLSSocket, pins: string[]): boolean {
  if (socket.authorized) return true;
  const raw = socket.getPeerCertificate().raw;
  if (!raw) return false;
  const seen = crypto.createHash('sha256').update(raw).digest();
  return pins.some((p) => {
    const want = Buffer.from(p, 'base64url');
    return want.length === seen.length && crypto.timingSafeEqual(want, seen);
  });
}

function connectSocket<S extends net.Socket>(socket: S, readyEvent: string, timeoutMs: number): Promise<S> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new UpstreamError('upstream_timeout', 'upstream connect timed out')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err instanceof UpstreamError ? err : classify(err));
    };
    socket.once('error', fail);
    socket.once(readyEvent, () => {
      if (socket.destroyed) return; // refused by a check that ran first; its 'error' follows
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

function classify(err: Error): UpstreamError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|SSL/.test(code) || /certificate|altnames/i.test(err.message)) {
    return new UpstreamError('upstream_tls', `upstream TLS verification failed: ${code || err.message}`);
  }
  return new UpstreamError('upstream_refused', `upstream unreachable: ${code || err.message}`);
}

async function pinnedSocket(address: string, claims: TicketClaims, fingerprint: string, timeoutMs: number): Promise<tls.TLSSocket> {
  const socket = await connectSocket(
    tls.connect({
      host: address,
      port: claims.apiPort!,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ...(net.isIP(claims.host) ? {} : { servername: claims.host }),
    }),
    'secureConnect',
    timeoutMs,
  );
  const norm = (fp: string) => fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  const seen = Buffer.from(norm(socket.getPeerCertificate().fingerprint256 ?? ''), 'hex');
  const want = Buffer.from(norm(fingerprint), 'hex');
  if (seen.length !== 32 || want.length !== 32 || !crypto.timingSafeEqual(seen, want)) {
    socket.destroy();
    throw new UpstreamError('upstream_tls', 'upstream TLS verification failed: pveproxy certificate fingerprint mismatch');
  }
  return socket;
}

async function connectPveWebsocket(claims: TicketClaims, address: string, timeoutMs: number, creds?: CredentialsLookup): Promise<Duplex> {
  const c = await creds?.(claims.srv);
  if (!c || !claims.vncticket || !claims.apiPort) throw new UpstreamError('upstream_auth', 'no API token for this server');
  const hostPart = net.isIPv6(address) ? `[${address}]` : address;
  const q = new URLSearchParams({ port: String(claims.port), vncticket: claims.vncticket });
  const url = `wss://${hostPart}:${claims.apiPort}/api2/json/nodes/${encodeURIComponent(claims.node)}/qemu/${claims.vmid}/vncwebsocket?${q}`;
  // With a pin, TLS is set up and checked first, so the API token never reaches an unpinned peer.
  const pinned = c.fingerprint ? await pinnedSocket(address, claims, c.fingerprint, timeoutMs) : undefined;
  const ws = new WebSocket(url, ['binary'], {
    headers: { Authorization: `PVEAPIToken=${c.tokenId}=${c.secret}` },
    ...(pinned ? { createConnection: () => pinned } : c.ca ? { ca: [c.ca] } : {}),
    ...(net.isIP(claims.host) ? {} : { servername: claims.host }),
    perMessageDeflate: false,
    handshakeTimeout: timeoutMs,
    maxPayload: 4 * 1024 * 1024,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.off('error', onError);
      resolve(createWebSocketStream(ws, { highWaterMark: 256 * 1024 }));
    });
    const onError = (err: Error) => reject(classify(err));
    ws.once('error', onError);
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new UpstreamError(res.statusCode === 401 ? 'upstream_auth' : 'upstream_refused', `pveproxy answered ${res.statusCode}`));
    });
  });
}
