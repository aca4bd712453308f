// The gateway's express app, built by a factory so tests drive it in-process (supertest).
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { AppError } from '../common/errors.ts';
import { defaultGuards } from './auth/guard.ts';
import type { GatewayContext } from './context.ts';
import { mountRoutes, type Auth, type RouteDef } from './http/route.ts';
import { openApiDocument } from './openapi.ts';
import { allRoutes } from './routes/index.ts';

export interface AppOptions {
  routes?: RouteDef[];
  /** Middleware per auth kind; by default the shim guard (HMAC) is built from config.sharedSecret. */
  guards?: Partial<Record<Auth, RequestHandler>>;
}

function requestMetrics(ctx: GatewayContext): RequestHandler {
  const requests = new Counter({
    name: 'pvebridge_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [ctx.metrics],
  });
  const duration = new Histogram({
    name: 'pvebridge_http_request_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    registers: [ctx.metrics],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  });
  return (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      requests.inc({ method: req.method, route, status: res.statusCode });
      end({ method: req.method, route });
    });
    next();
  };
}

function errorHandler(ctx: GatewayContext): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      if (err.status >= 500) ctx.log.error({ err, path: req.path }, err.message);
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.fields && { fields: err.fields }) } });
      return;
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'PVB_VALIDATION', message: 'Request body is not valid JSON' } });
      return;
    }
    ctx.log.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'PVB_INTERNAL', message: 'Internal error; see the gateway log' } });
  };
}

export function buildApp(ctx: GatewayContext, opts: AppOptions = {}): express.Express {
  const routes = opts.routes ?? allRoutes;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestMetrics(ctx));
  // Keep the raw body: the shim's HMAC covers the exact bytes sent.
  app.use(express.json({ limit: '1mb', verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) }));
  const router = express.Router();
  // The shim guard (HMAC) comes from the config's shared secret unless the caller supplies one.
  mountRoutes(router, routes, ctx, { ...defaultGuards(ctx), ...opts.guards });
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(routes));
  });
  app.use(router);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'PVB_NOT_FOUND', message: `No endpoint ${req.method} ${req.path}` } });
  });
  app.use(errorHandler(ctx));
  return app;
}
