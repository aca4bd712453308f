// Routed /32 pools (issue 17, docs/adr/0012-routed-pools-cicustom-network.md). In a routed pool
// the guest gets its address as /32 (/128) and a gateway outside that "subnet", reached on-link.
// Proxmox's own ipconfig renders `gateway: G` for such an address (Cloudinit.pm nocloud_network)
// and Debian 12's cloud-init 22.4 turns that into a bare `gateway4` netplan cannot apply, so a
// routed guest gets its network-config from a snippet instead (Proxmox `cicustom network=`): a
// netplan v2 document with `on-link: true` default routes, which cloud-init passes through
// unchanged. The snippet lives on a snippets storage the operator prepared and mounted on the
// gateway host too (pool columns snippet_storage / snippet_dir, migration 009).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import type { NetAssignment } from './allocate.ts';
import { POOLS } from './pools.ts';

export interface PoolRouting {
  mode: 'bridged' | 'routed';
  snippetStorage: string | null;
  snippetDir: string | null;
}

export const routingInputSchema = z
  .object({
    mode: z.enum(['bridged', 'routed']),
    snippetStorage: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{1,63}$/, 'a Proxmox storage id')
      .nullable()
      .default(null),
    snippetDir: z
      .string()
      .refine((d) => path.isAbsolute(d), 'an absolute directory')
      .nullable()
      .default(null),
  })
  .superRefine((r, ctx) => {
    if (r.mode !== 'routed') return;
    if (!r.snippetStorage) ctx.addIssue({ code: 'custom', path: ['snippetStorage'], message: 'routed pools need a snippets storage' });
    if (!r.snippetDir) ctx.addIssue({ code: 'custom', path: ['snippetDir'], message: 'routed pools need the storage directory' });
  });

export async function setPoolRouting(db: Db, poolId: number, input: z.input<typeof routingInputSchema>): Promise<PoolRouting> {
  const r = routingInputSchema.safeParse(input);
  if (!r.success) {
    const fields = Object.fromEntries(r.error.issues.map((i) => [i.path.join('.') || '(input)', i.message]));
    throw new AppError('PVB_VALIDATION', `Invalid pool routing — ${Object.values(fields).join('; ')}`, fields);
  }
  const n = await db(POOLS)
    .where({ id: poolId })
    .update({ routing: r.data.mode, snippet_storage: r.data.snippetStorage, snippet_dir: r.data.snippetDir });
  if (!n) throw new AppError('PVB_NOT_FOUND', `IP pool ${poolId} not found`);
  return { mode: r.data.mode, snippetStorage: r.data.snippetStorage, snippetDir: r.data.snippetDir };
}

export async function getPoolRouting(db: Db, poolId: number | null): Promise<PoolRouting> {
  const row = poolId === null ? undefined : await db(POOLS).where({ id: poolId }).first('routing', 'snippet_storage', 'snippet_dir');
  return {
    mode: row?.routing === 'routed' ? 'routed' : 'bridged',
    snippetStorage: (row?.snippet_storage as string | null) ?? null,
    snippetDir: (row?.snippet_dir as string | null) ?? null,
  };
}

/** The routing of a service's addresses: its first pool's (all addresses share bridge/VLAN). */
export async function routingOf(db: Db, net: NetAssignment): Promise<PoolRouting> {
  const first = net.ipv4[0] ?? net.ipv6[0];
  return getPoolRouting(db, first?.poolId ?? null);
}

/** ipconfig0 of a routed guest: host addresses, gateways kept (Proxmox shows them; newer cloud-init adds on-link itself). */
export function routedIpconfig(net: NetAssignment): string | undefined {
  const v4 = net.ipv4[0];
  const v6 = net.ipv6[0];
  const parts = [
    ...(v4 ? [`ip=${v4.address}/32`, ...(v4.gateway ? [`gw=${v4.gateway}`] : [])] : []),
    ...(v6 ? [`ip6=${v6.address}/128`, ...(v6.gateway ? [`gw6=${v6.gateway}`] : [])] : []),
  ];
  return parts.length ? parts.join(',') : undefined;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** netplan v2 network-config: every address as a host route, default routes via the gateways on-link. */
export function routedNetworkConfig(mac: string, net: NetAssignment, searchdomain: string): string {
  const addresses = [...net.ipv4.map((e) => `${e.address}/32`), ...net.ipv6.map((e) => `${e.address}/128`)];
  const routes = [
    ...(net.ipv4[0]?.gateway ? [['0.0.0.0/0', net.ipv4[0].gateway]] : []),
    ...(net.ipv6[0]?.gateway ? [['::/0', net.ipv6[0].gateway]] : []),
  ];
  const dns = [...new Set([...net.ipv4, ...net.ipv6].flatMap((e) => e.dns))];
  let out = 'version: 2\nethernets:\n    eth0:\n        match:\n';
  out += `            macaddress: ${q(mac.toLowerCase())}\n        set-name: eth0\n        addresses:\n`;
  out += addresses.map((a) => `        - ${q(a)}\n`).join('');
  if (routes.length) {
    out += '        routes:\n';
    out += routes.map(([to, via]) => `        - to: ${q(to!)}\n          via: ${q(via!)}\n          on-link: true\n`).join('');
  }
  if (dns.length || searchdomain) {
    out += '        nameservers:\n';
    if (dns.length) out += `            addresses:\n${dns.map((d) => `            - ${q(d)}\n`).join('')}`;
    if (searchdomain) out += `            search:\n            - ${q(searchdomain)}\n`;
  }
  return out;
}

/** Writes the snippet atomically; returns the Proxmox volume id for `cicustom network=`. */
export function writeNetworkSnippet(r: PoolRouting, vmid: number, content: string): string {
  if (!r.snippetStorage || !r.snippetDir) throw new Error('the routed pool has no snippets storage configured');
  const dir = path.join(r.snippetDir, 'snippets');
  const name = `pvebridge-${vmid}-network.yaml`;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${name}.${process.pid}`);
  fs.writeFileSync(tmp, content, { mode: 0o644 });
  fs.renameSync(tmp, path.join(dir, name));
  return `${r.snippetStorage}:snippets/${name}`;
}

/** cicustom with `network=` set to the snippet, other parts (user=, vendor=, meta=) kept. */
export function withNetworkSnippet(cicustom: string | undefined, volid: string): string {
  const parts = (cicustom ?? '').split(',').filter((p) => p && !p.startsWith('network='));
  return [...parts, `network=${volid}`].join(',');
}
