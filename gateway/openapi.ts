// OpenAPI 3.1 document derived from the route declarations (zod → JSON Schema).
import { z } from 'zod';
import type { RouteDef } from './http/route.ts';

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

export function openApiDocument(routes: RouteDef[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = { summary: r.summary, tags: [r.tag], responses: { default: { description: 'JSON' } } };
    if (r.auth !== 'none') op.security = [{ [r.auth]: [] }];
    if (r.input) {
      const schema = z.toJSONSchema(r.input, { io: 'input', unrepresentable: 'any' });
      if (r.method === 'post' || r.method === 'put' || r.method === 'patch')
        op.requestBody = { required: true, content: { 'application/json': { schema } } };
      else op['x-query-schema'] = schema;
    }
    (paths[toOpenApiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'pvebridge gateway', version: '1' },
    components: {
      securitySchemes: {
        shim: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Pvebridge-Signature',
          description: 'HMAC-SHA256 over method, path, timestamp, nonce and body hash',
        },
      },
    },
    paths,
  };
}
