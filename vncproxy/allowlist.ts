// Where the proxy may dial: the node addresses of configured Proxmox servers (tblservers of
// type pvebridge: ipaddress, hostname and the "Assigned IP Addresses" list for the other
// nodes of a cluster, optionally as `node=address`), resolved once at load; console ports 5900–5999 only. A ticket's host is
// resolved too and the *resolved* address is checked and dialled, so DNS cannot rebind it.
import dns from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Db } from '../common/db/connect.ts';

export const CONSOLE_PORTS = { min: 5900, max: 5999 } as const;

export interface ServerEntry {
  id: number;
  addresses: Set<string>;
  /** pveproxy's port (tblservers.port, default 8006): the only other port, pve-websocket mode. */
  apiPort: number;
}

export type AllowResult = { ok: true; address: string } | { ok: false; reason: 'host_not_allowed' | 'port_not_allowed' | 'unresolvable' };

export class UpstreamAllowlist {
  constructor(private readonly servers: Map<number, ServerEntry>) {}

  get size(): number {
    return this.servers.size;
  }

  /** The address to dial for a ticket's server/host/port, or why not. */
  async check(serverId: number, host: string, port: number, kind: 'console' | 'api' = 'console'): Promise<AllowResult> {
    const server = this.servers.get(serverId);
    if (!server) return { ok: false, reason: 'host_not_allowed' };
    const portOk = kind === 'api' ? port === server.apiPort : port >= CONSOLE_PORTS.min && port <= CONSOLE_PORTS.max;
    if (!portOk) return { ok: false, reason: 'port_not_allowed' };
    const addresses = await resolveAll(host);
    if (!addresses.length) return { ok: false, reason: 'unresolvable' };
    const address = addresses.find((a) => server.addresses.has(a));
    return address ? { ok: true, address } : { ok: false, reason: 'host_not_allowed' };
  }
}

export function normalizeIp(ip: string): string {
  const a = ipaddr.process(ip);
  return a.toNormalizedString();
}

async function resolveAll(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return [normalizeIp(bare)];
  try {
    return (await dns.lookup(bare, { all: true, verbatim: true })).map((r) => normalizeIp(r.address));
  } catch {
    return [];
  }
}

export interface ServerRow {
  id: number;
  ipaddress?: string | null;
  hostname?: string | null;
  assignedips?: string | null;
  port?: number | string | null;
}

/** Builds the allowlist from server rows, resolving every name once. */
export async function buildAllowlist(rows: ServerRow[]): Promise<UpstreamAllowlist> {
  const servers = new Map<number, ServerEntry>();
  for (const row of rows) {
    // Assigned IPs may name the node: `pve2=10.0.0.12` (the gateway dials that node there).
    const assigned = (row.assignedips ?? '').split(/[\s,;]+/).map((e) => e.split('=').pop());
    const names = [row.ipaddress, row.hostname, ...assigned].map((s) => (s ?? '').trim()).filter(Boolean);
    const addresses = new Set<string>();
    for (const name of names) for (const a of await resolveAll(name)) addresses.add(a);
    servers.set(Number(row.id), { id: Number(row.id), addresses, apiPort: Number(row.port) || 8006 });
  }
  return new UpstreamAllowlist(servers);
}

export async function loadAllowlist(db: Db): Promise<UpstreamAllowlist> {
  const rows = (await db('tblservers')
    .where({ type: 'pvebridge', disabled: 0 })
    .select('id', 'ipaddress', 'hostname', 'assignedips', 'port')) as ServerRow[];
  return buildAllowlist(rows);
}
