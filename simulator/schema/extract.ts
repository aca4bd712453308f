// Regenerates pve-api-subset.json (the schema the simulator validates against) from the shared
// copy of Proxmox's api-viewer data. Run: npx tsx simulator/schema/extract.ts <proxmox-api-subset.json>
// Keeps only the endpoints pvebridge uses; `summary` (a derived digest) is dropped, every other
// field of Proxmox's schema node is kept unchanged. See README.md for provenance.
import { readFileSync, writeFileSync } from 'node:fs';
import { BY_HAND } from './by-hand.ts';

const q = '/nodes/{node}/qemu/{vmid}';
export const KEEP = [
  'GET /version',
  'GET /access/permissions',
  'GET /cluster/resources',
  'GET /cluster/nextid',
  'GET /cluster/tasks',
  'GET /nodes',
  'GET /nodes/{node}/status',
  'GET /nodes/{node}/storage',
  'GET /nodes/{node}/storage/{storage}/status',
  'GET /nodes/{node}/storage/{storage}/content',
  'GET /nodes/{node}/storage/{storage}/content/{volume}',
  'PUT /nodes/{node}/storage/{storage}/content/{volume}',
  'DELETE /nodes/{node}/storage/{storage}/content/{volume}',
  'GET /nodes/{node}/tasks',
  'GET /nodes/{node}/tasks/{upid}/status',
  'GET /nodes/{node}/tasks/{upid}/log',
  'POST /nodes/{node}/vzdump',
  'GET /nodes/{node}/qemu',
  'POST /nodes/{node}/qemu',
  `DELETE ${q}`,
  `GET ${q}/config`,
  `POST ${q}/config`,
  `PUT ${q}/config`,
  `GET ${q}/pending`,
  `PUT ${q}/cloudinit`,
  `GET ${q}/status/current`,
  ...['start', 'stop', 'shutdown', 'reboot', 'reset', 'suspend', 'resume'].map((s) => `POST ${q}/status/${s}`),
  `PUT ${q}/resize`,
  `POST ${q}/migrate`,
  `POST ${q}/clone`,
  `POST ${q}/template`,
  `GET ${q}/snapshot`,
  `POST ${q}/snapshot`,
  `DELETE ${q}/snapshot/{snapname}`,
  `GET ${q}/snapshot/{snapname}/config`,
  `PUT ${q}/snapshot/{snapname}/config`,
  `POST ${q}/snapshot/{snapname}/rollback`,
  `GET ${q}/firewall/options`,
  `PUT ${q}/firewall/options`,
  `GET ${q}/firewall/rules`,
  `POST ${q}/firewall/rules`,
  `GET ${q}/firewall/rules/{pos}`,
  `PUT ${q}/firewall/rules/{pos}`,
  `DELETE ${q}/firewall/rules/{pos}`,
  `GET ${q}/firewall/ipset`,
  `POST ${q}/firewall/ipset`,
  `GET ${q}/firewall/ipset/{name}`,
  `POST ${q}/firewall/ipset/{name}`,
  `DELETE ${q}/firewall/ipset/{name}`,
  `GET ${q}/firewall/ipset/{name}/{cidr}`,
  `PUT ${q}/firewall/ipset/{name}/{cidr}`,
  `DELETE ${q}/firewall/ipset/{name}/{cidr}`,
  `GET ${q}/rrddata`,
  `POST ${q}/vncproxy`,
  `POST ${q}/agent/ping`,
  `POST ${q}/agent/set-user-password`,
  `GET ${q}/agent/network-get-interfaces`,
];

function main(src: string): void {
  const full = JSON.parse(readFileSync(src, 'utf8')) as {
    source: Record<string, unknown>;
    behaviour_notes: Record<string, unknown>;
    endpoints: Array<Record<string, unknown>>;
  };
  const key = (e: Record<string, unknown>) => `${String(e.method)} ${String(e.path)}`;
  const endpoints = full.endpoints.filter((e) => KEEP.includes(key(e))).map(({ summary: _s, ...rest }) => rest);
  const missing = KEEP.filter((k) => !endpoints.some((e) => key(e) === k));
  if (missing.length) throw new Error(`not in source: ${missing.join(', ')}`);
  endpoints.push(...BY_HAND);
  const notes = Object.fromEntries(Object.entries(full.behaviour_notes).filter(([k]) => k === '_about' || KEEP.includes(k)));
  const out = { source: full.source, added_by_hand: BY_HAND.map((e) => `${e.method} ${e.path}`), endpoint_count: endpoints.length, behaviour_notes: notes, endpoints };
  writeFileSync(new URL('./pve-api-subset.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
  process.stdout.write(`wrote ${endpoints.length} endpoints\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) main(process.argv[2] ?? '');
