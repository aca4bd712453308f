// Test Connection (Setup > Servers): is Proxmox reachable, does it accept the token, and may the
// token do what pipelines need on every node and storage? Each failure names what failed.
// The credentials tested are the server form's (they may not be saved yet); missing ones are
// read from tblservers.
import { z } from 'zod';
import type { GatewayContext } from '../context.ts';
import { assertActor } from './access.ts';
import { actorSchema } from './schemas.ts';

export const testConnectionSchema = z.object({
  actor: actorSchema,
  params: z.looseObject({
    serverid: z.coerce.number().int().min(0).optional(),
    serverip: z.string().optional(),
    serverhostname: z.string().optional(),
    serverport: z.union([z.string(), z.number()]).optional(),
    serversecure: z.union([z.boolean(), z.string(), z.number()]).optional(),
    serverusername: z.string().optional(),
    serverpassword: z.string().optional(),
    serveraccesshash: z.string().optional(),
  }),
});

/** Privileges pipelines use, by the ACL path they are checked on. */
export const REQUIRED = {
  node: ['Sys.Audit'],
  storage: ['Datastore.AllocateSpace', 'Datastore.Audit'],
  vms: [
    'VM.Allocate',
    'VM.Audit',
    'VM.Clone',
    'VM.Config.CPU',
    'VM.Config.Memory',
    'VM.Config.Disk',
    'VM.Config.Network',
    'VM.Config.Cloudinit',
    'VM.Config.Options',
    'VM.PowerMgmt',
    'VM.Migrate',
    'VM.Console',
    'VM.Snapshot',
    'VM.Backup',
  ],
};

type Perms = Record<string, Record<string, number | boolean>>;

/** Does the token hold `priv` on `path`? The closest ACL path applies; an ancestor only if it propagates. */
export function holds(perms: Perms, path: string, priv: string): boolean {
  const candidates = Object.keys(perms)
    .filter((p) => p === path || p === '/' || path.startsWith(p.endsWith('/') ? p : `${p}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of candidates) {
    const entry = perms[p]!;
    if (!(priv in entry)) continue;
    return p === path || Boolean(Number(entry[priv]));
  }
  return false;
}

export function missingPrivileges(perms: Perms, nodes: string[], storages: string[]): string[] {
  const missing: string[] = [];
  const check = (path: string, privs: string[]) => {
    const lacking = privs.filter((p) => !holds(perms, path, p));
    if (lacking.length) missing.push(`${lacking.join(', ')} on ${path}`);
  };
  check('/vms', REQUIRED.vms);
  for (const n of nodes) check(`/nodes/${n}`, REQUIRED.node);
  for (const s of storages) check(`/storage/${s}`, REQUIRED.storage);
  return missing;
}

export async function testConnection(ctx: GatewayContext, input: z.output<typeof testConnectionSchema>) {
  assertActor(input.actor, ['admin', 'system']);
  const { proxmoxFromServerParams } = await import('../../provisioner/servers.ts');
  const fail = (error: string) => ({ success: false, error });
  let pve: Awaited<ReturnType<typeof proxmoxFromServerParams>>;
  try {
    pve = await proxmoxFromServerParams(ctx.db, ctx.config, input.params);
  } catch (err) {
    return fail((err as Error).message);
  }
  try {
    await pve.client.version.get({});
  } catch (err) {
    const e = err as { kind?: string; message?: string };
    if (e.kind === 'auth')
      return fail(
        `Proxmox at ${pve.baseUrl} rejected the API token ${pve.tokenId}: check the token id (user@realm!tokenid) and its secret`,
      );
    return fail(`Proxmox is not reachable at ${pve.baseUrl}: ${e.message ?? String(err)}`);
  }
  try {
    const perms = (await pve.client.access.permissions.get({})) as Perms;
    const resources = (await pve.client.cluster.resources.get({})) as Array<{ type: string; node?: string; storage?: string }>;
    const nodes = resources.filter((r) => r.type === 'node').map((r) => r.node!);
    const storages = [...new Set(resources.filter((r) => r.type === 'storage').map((r) => r.storage!))];
    const missing = missingPrivileges(perms, nodes, storages);
    if (missing.length) return fail(`The API token ${pve.tokenId} lacks: ${missing.join('; ')}`);
    return { success: true, error: '' };
  } catch (err) {
    return fail(`Proxmox answered, but checking the token's permissions failed: ${(err as Error).message}`);
  }
}
