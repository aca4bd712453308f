// The floor anchors of bench:vnc. socat (Debian) is a plain userspace TCP relay: one listener
// per upstream kind, a forked process per connection, 128 KiB buffers (the size pvebridge
// reads with, so the floor is not inflated by small reads). One `sh` parents them all, so the
// CPU and memory readings (/proc, summed over descendants) see every socat at once.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

export async function startSocat(upstreams: Record<string, number>): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  const lines: string[] = [];
  for (const [kind, up] of Object.entries(upstreams)) {
    ports[kind] = await freePort();
    lines.push(
      `socat -b 131072 TCP-LISTEN:${ports[kind]},bind=127.0.0.1,fork,reuseaddr,backlog=1024,nodelay TCP:127.0.0.1:${up},nodelay &`,
    );
  }
  const child = spawn('sh', ['-c', `${lines.join('\n')}\nwait`], { stdio: 'ignore', detached: true });
  for (const p of Object.values(ports)) await waitListening(p);
  return { child, ports };
}
