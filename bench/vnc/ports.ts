// Free ports in the console range 5900–5999 on loopback.
import type net from 'node:net';

export async function listenInConsoleRange(server: net.Server, host = '127.0.0.1'): Promise<number> {
  const start = Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const port = 5900 + ((start + i) % 100);
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return port;
  }
  throw new Error('no free port in 5900–5999');
}
