// The gateway's express app, built by a factory so tests drive it in-process (supertest).
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { DB_UNAVAILABLE, dbErrorSummary, isDbUnavailable } from '../common/db/connect.ts';
import { AppError } from '../common/errors.ts';
import { defaultGuards } from './auth/guard.ts';
import type { GatewayContext } from './context.ts';
import { mountRoutes, type Auth, type RouteDef } from './http/route.ts';
import { openApiDocument } from './openapi.ts';
import { allRoutes } from './routes/index.ts';

const BODY_LIMIT = '1mb';

/** Keys that would reach an object's prototype if ever assigned: refused wherever they appear. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKeyPath(v: unknown, path: string[], depth = 0): string | undefined {
  if (depth > 32 || typeof v !== 'object' || v === null) return undefined;
  for (const k of Object.keys(v)) {
    if (RESERVED_KEYS.has(k) && (k === '__proto__' || !Array.isArray(v))) return [...path, k].join('.');
    const inner = reservedKeyPath((v as Record<string, unknown>)[k], [...path, k], depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** JSON.parse keeps `__proto__` as an own key; zod's records would drop it silently. */
const refuseReservedKeys: RequestHandler = (req, _res, next) => {
  const at = reservedKeyPath(req.body, []);
  if (at)
    throw new AppError('PVB_VALIDATION', `Invalid input — ${at}: reserved name, not accepted as a key`, {
      [at]: 'reserved name, not accepted as a key',
    });
  next();
};

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

/** body-parser's refusals (http-errors with `type`): the client's mistake, never ours. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.too.large': { status: 413, code: 'PVB_TOO_LARGE', message: `Request body is larger than ${BODY_LIMIT}` },
  'encoding.unsupported': {
    status: 415,
    code: 'PVB_UNSUPPORTED_MEDIA',
    message: 'Unsupported Content-Encoding: send identity, gzip or deflate',
  },
  'charset.unsupported': { status: 415, code: 'PVB_UNSUPPORTED_MEDIA', message: 'Unsupported charset: send JSON as UTF-8' },
  'entity.parse.failed': { status: 400, code: 'PVB_VALIDATION', message: 'Request body is not valid JSON' },
  'entity.verify.failed': { status: 400, code: 'PVB_VALIDATION', message: 'Request body refused' },
  'request.size.invalid': { status: 400, code: 'PVB_VALIDATION', message: 'Request body length does not match Content-Length' },
  'request.aborted': { status: 400, code: 'PVB_VALIDATION', message: 'Request aborted by the client' },
};

function bodyError(err: unknown): { status: number; code: string; message: string } | undefined {
  const e = err as { type?: unknown; status?: unknown };
  if (typeof e?.type !== 'string') return undefined;
  const known = Object.hasOwn(BODY_ERRORS, e.type) ? BODY_ERRORS[e.type] : undefined;
  if (known) return known;
  // Any other body-parser 4xx (e.g. a corrupt gzip stream) is still the client's.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return {
      status: e.status === 415 ? 415 : 400,
      code: e.status === 415 ? 'PVB_UNSUPPORTED_MEDIA' : 'PVB_VALIDATION',
      message: 'Request body could not be read',
    };
  return undefined;
}

function errorHandler(ctx: GatewayContext): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const body = bodyError(err);
    if (body) {
      // Debug level: unsigned traffic must not be able to flood the error log.
      ctx.log.debug({ path: req.path, status: body.status }, body.message);
      res.status(body.status).json({ error: { code: body.code, message: body.message } });
      return;
    }
    if (isDbUnavailable(err)) {
      ctx.log.warn({ path: req.path, reason: dbErrorSummary(err) }, 'database unavailable');
      res
        .status(503)
        .set('retry-after', '5')
        .json({ error: { code: 'PVB_UNAVAILABLE', message: DB_UNAVAILABLE } });
      return;
    }
    if (err instanceof AppError) {
      if (err.status >= 500) ctx.log.error({ err, path: req.path }, err.message);
      res.status(err.status).json({ error: err.toBody() });
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
  app.use(express.json({ limit: BODY_LIMIT, verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) }));
  app.use(refuseReservedKeys);
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
