// ListAccounts (WHMCS 7.8+ server sync): the VMs we keep on one WHMCS server, as WHMCS accounts.
// Matched by the service's domain (MetaData ListAccountsUniqueIdentifierField = 'domain').
// Removed VMs are not listed: they no longer exist on Proxmox.
import type { GatewayContext } from '../context.ts';
import { VMS } from '../../provisioner/vm-record.ts';
import { assertActor } from './access.ts';
import type { BareCall } from './schemas.ts';

export interface WhmcsAccount {
  email: string;
  username: string;
  domain: string;
  uniqueIdentifier: string;
  product: string;
  primaryip: string;
  created: string;
  status: 'Active' | 'Suspended';
}

const created = (regdate: unknown) => {
  const d = regdate instanceof Date ? regdate.toISOString().slice(0, 10) : String(regdate ?? '').slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d} 00:00:00` : '';
};

export async function listAccounts(ctx: GatewayContext, call: BareCall): Promise<{ accounts: WhmcsAccount[] }> {
  assertActor(call.actor, ['admin', 'system']);
  const serverId = call.params?.serverid ?? 0;
  if (!serverId) return { accounts: [] };
  const rows = (await ctx
    .db(`${VMS} as v`)
    .join('tblhosting as h', 'h.id', 'v.service_id')
    .leftJoin('tblclients as c', 'c.id', 'h.userid')
    .where('v.server_id', serverId)
    .whereNotIn('v.state', ['remove'])
    .orderBy('h.id')
    .select('h.domain', 'h.username', 'h.dedicatedip', 'h.regdate', 'h.domainstatus', 'c.email')) as Array<Record<string, unknown>>;
  return {
    accounts: rows.map((r) => ({
      email: String(r.email ?? ''),
      username: String(r.username ?? ''),
      domain: String(r.domain ?? ''),
      uniqueIdentifier: String(r.domain ?? ''),
      product: '',
      primaryip: String(r.dedicatedip ?? ''),
      created: created(r.regdate),
      status: r.domainstatus === 'Suspended' ? 'Suspended' : 'Active',
    })),
  };
}
