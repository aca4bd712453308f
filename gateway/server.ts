// Starts the gateway's HTTP listener and stops it gracefully: on SIGTERM it stops accepting,
// lets in-flight requests finish, then runs the shutdown hooks (leases, locks) and closes the DB.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppOptions } from './app.ts';
import type { GatewayContext } from './context.ts';

export interface RunningGateway {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(ctx: GatewayContext, opts: AppOptions & { host?: string; port?: number } = {}): Promise<RunningGateway> {
  const app = buildApp(ctx, opts);
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? ctx.config.listen.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? ctx.config.listen.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Keep-alive sockets become idle once their in-flight response is sent: sweep them.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(sweep);
      for (const hook of ctx.onShutdown.splice(0).reverse()) {
        try {
          await hook();
        } catch (err) {
          ctx.log.error({ err }, 'shutdown hook failed');
        }
      }
      await ctx.db.destroy();
    })());
  ctx.log.info({ url }, 'gateway listening');
  return { server, url, close };
}
