// The vendored Proxmox schema (simulator/schema/pve-api-subset.json) as a route table:
// path templates like /nodes/{node}/qemu/{vmid}/config matched segment by segment.
import { readFileSync } from 'node:fs';
import type { Endpoint, PropSchema } from './types.ts';

interface SchemaFile {
  endpoints: Endpoint[];
}

interface Template {
  path: string;
  segments: string[];
  methods: Map<string, Endpoint>;
}

const file = JSON.parse(readFileSync(new URL('../schema/pve-api-subset.json', import.meta.url), 'utf8')) as SchemaFile;

const templates: Template[] = [];
for (const e of file.endpoints) {
  let t = templates.find((x) => x.path === e.path);
  if (!t) {
    t = { path: e.path, segments: e.path.split('/').filter(Boolean), methods: new Map() };
    templates.push(t);
  }
  t.methods.set(e.method, e);
}
// Fixed segments win over parameters when two templates could match the same path.
templates.sort((a, b) => a.segments.filter((s) => s.startsWith('{')).length - b.segments.filter((s) => s.startsWith('{')).length);

export interface RouteMatch {
  template: string;
  endpoint?: Endpoint;
  pathParams: Record<string, string>;
}

/** Finds the template for a path (below /api2/json); `endpoint` is unset when the method is not defined. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const segs = path
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  for (const t of templates) {
    if (t.segments.length !== segs.length) continue;
    const params: Record<string, string> = {};
    const hit = t.segments.every((s, i) => {
      if (s.startsWith('{')) return ((params[s.slice(1, -1)] = segs[i]!), true);
      return s === segs[i];
    });
    if (hit) return { template: t.path, endpoint: t.methods.get(method), pathParams: params };
  }
  return undefined;
}

export function endpointFor(method: string, template: string): Endpoint {
  const e = templates.find((t) => t.path === template)?.methods.get(method);
  if (!e) throw new Error(`schema has no ${method} ${template}`);
  return e;
}

/** Property schema of a qemu config key (from POST /nodes/{node}/qemu), e.g. for "net0". */
export function qemuConfigProps(): Record<string, PropSchema> {
  return endpointFor('POST', '/nodes/{node}/qemu').parameters?.properties ?? {};
}

/** Types of GET config's return properties, used to print numbers and booleans as numbers. */
export function qemuConfigReturnProps(): Record<string, PropSchema> {
  return endpointFor('GET', '/nodes/{node}/qemu/{vmid}/config').returns?.properties ?? {};
}

export const allTemplates = (): string[] => templates.flatMap((t) => [...t.methods.keys()].map((m) => `${m} ${t.path}`));
