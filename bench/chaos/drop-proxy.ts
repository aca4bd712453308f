// A fault the simulator cannot inject by itself: the reply lost AFTER Proxmox did the work. This
// loopback HTTP proxy sits between the gateway and the simulator, forwards every request, and for
// the requests a rule matches it reads the whole reply and then destroys the client's socket —
// what a crash or a network cut between "sent" and "reply stored" looks like to the sender.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DropRule {
  method?: string;
  /** Tested against the path (with /api2/json). */
  path: RegExp;
  /** Drop at most this many replies (default: unbounded). */
  times?: number;
  /** Share of matching replies dropped (default 1). */
  rate?: number;
}

export interface DroppedReply {
  method: string;
  path: string;
  body: string;
  status: number;
  time: number;
}

/** Every POST and DELETE that went through (the work Proxmox was asked to do), dropped or not. */
export interface ProxiedPost {
  method: string;
  path: string;
  body: string;
  status: number;
  dropped: boolean;
  time: number;
}

export interface DropProxy {
  url: string;
  port: number;
  dropped: DroppedReply[];
  posts: ProxiedPost[];
  setRules(rules: DropRule[]): void;
  close(): Promise<void>;
}

export async function startDropProxy(upstream: string, opts: { rules?: DropRule[]; random?: () => number } = {}): Promise<DropProxy> {
  const target = new URL(upstream);
  let rules = opts.rules ?? [];
  const hits = new Map<DropRule, number>();
  const random = opts.random ?? Math.random;
  const dropped: DroppedReply[] = [];
  const posts: ProxiedPost[] = [];
  const logPost = (method: string, path: string, body: Buffer, status: number, wasDropped: boolean) => {
    if ((method === 'POST' || method === 'DELETE') && posts.length < 200_000)
      posts.push({ method, path, body: body.toString(), status, dropped: wasDropped, time: Date.now() });
  };
  const shouldDrop = (method: string, path: string) => {
    for (const r of rules) {
      if (r.method && r.method !== method) continue;
      if (!r.path.test(path)) continue;
      const used = hits.get(r) ?? 0;
      if (r.times !== undefined && used >= r.times) continue;
      if (random() >= (r.rate ?? 1)) continue;
      hits.set(r, used + 1);
      return true;
    }
    return false;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0]!;
      const drop = shouldDrop(method, path);
      const up = http.request(
        { host: target.hostname, port: target.port, method, path: req.url, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          if (drop) {
            upRes.resume();
            upRes.on('end', () => {
              dropped.push({ method, path, body: body.toString(), status: upRes.statusCode ?? 0, time: Date.now() });
              logPost(method, path, body, upRes.statusCode ?? 0, true);
              req.socket.destroy();
            });
            return;
          }
          logPost(method, path, body, upRes.statusCode ?? 0, false);
          res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dropped,
    posts,
    setRules(next) {
      rules = next;
      hits.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
