// Reverse DNS for the client page (modop=custom&a=ReverseDNS) and its ClientApi ops: one PTR
// per assigned address, validated (a host name; optionally forward-confirmed: the name must
// resolve back to the address), saved on the VM record and applied by the set_dns_records
// pipeline (the live result is read back from our record ledger). An address no configured
// reverse zone covers goes to the ticket fallback (WHMCS OpenTicket, the product's RevDNS
// department) when the product enables it.
import dnsPromises from 'node:dns/promises';
import { AppError } from '../../common/errors.ts';
import {
  canonicalIp,
  isHostname,
  normName,
  openRdnsTicket,
  ptrOwnerIn,
  RECORDS,
  reverseZonesFor,
  whmcsSealer,
  zoneConfigs,
} from '../../provisioner/dns/index.ts';
import { getProductSettings } from '../../provisioner/plan/product-settings.ts';
import { getVm, patchVm, queuePipelineState } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor, assertClientOwnsService } from './access.ts';
import type { ServiceCall } from './schemas.ts';
import { loadService, serviceIps } from './service.ts';

export type RdnsStatus = 'synced' | 'pending' | 'failed' | 'none' | 'uncovered';

async function assertMay(ctx: GatewayContext, call: ServiceCall): Promise<void> {
  if (call.actor.type === 'client') await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid, 'revDns');
  else assertActor(call.actor, ['admin', 'system']);
}

/** The rDNS table: each address, its PTR name (custom or the FQDN), and where it stands. */
export async function rdnsView(ctx: GatewayContext, call: ServiceCall) {
  await assertMay(ctx, call);
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  const fqdn = normName(String(vm?.data.fqdn ?? s.domain ?? ''));
  const custom = (vm?.data.rdns ?? {}) as Record<string, string>;
  const zones = await zoneConfigs(ctx.db, whmcsSealer(ctx.config.ccEncryptionHash));
  const settings = await getProductSettings(ctx.db, s.productId);
  const owned = (await ctx.db(RECORDS).where({ service_id: s.id, type: 'PTR' }).select('name', 'content')) as Array<{
    name: string;
    content: string;
  }>;
  const pending = vm?.state === 'set_dns_records';
  const entries = serviceIps(s).map((ip) => {
    const zone = reverseZonesFor(zones, ip)[0];
    const want = normName(custom[ip] ?? '') || fqdn;
    const owner = zone ? ptrOwnerIn(zone.name, ip) : null;
    const rec = owner ? owned.find((r) => r.name === owner) : undefined;
    const status: RdnsStatus = !zone ? 'uncovered' : pending ? 'pending' : rec?.content === want ? 'synced' : want ? 'failed' : 'none';
    return { ip, ptr: custom[ip] ?? '', effective: want, zone: zone?.name ?? null, status };
  });
  return {
    serviceId: s.id,
    fqdn,
    state: vm?.state ?? 'none',
    entries,
    ticketFallback: settings.revDnsTicket && settings.revDnsDepartment > 0,
  };
}

/** Does `name` resolve (A/AAAA) to `ip`? The forward-confirmed check of the page. */
async function resolvesTo(name: string, ip: string): Promise<boolean> {
  try {
    const all = await dnsPromises.lookup(name, { all: true, verbatim: true });
    return all.some((a) => canonicalIp(a.address) === canonicalIp(ip));
  } catch {
    return false;
  }
}

export async function rdnsSave(ctx: GatewayContext, call: ServiceCall & { args: { entries: Record<string, string>; verify?: boolean } }) {
  await assertMay(ctx, call);
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  if (!vm) throw new AppError('PVB_CONFLICT', 'This service has no VM yet');
  const ips = new Set(serviceIps(s));
  const current = (vm.data.rdns ?? {}) as Record<string, string>;
  const fields: Record<string, string> = {};
  const next = { ...current };
  for (const [ip, raw] of Object.entries(call.args.entries)) {
    const ptr = normName(raw);
    if (!ips.has(ip)) fields[ip] = 'not an IP of this service';
    else if (ptr && !isHostname(ptr)) fields[ip] = 'not a host name (e.g. mail.example.com)';
    else if (ptr && call.args.verify && !(await resolvesTo(ptr, ip))) fields[ip] = `${ptr} does not resolve to ${ip}`;
    else if (ptr) next[ip] = ptr;
    else delete next[ip];
  }
  if (Object.keys(fields).length)
    throw new AppError(
      'PVB_VALIDATION',
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
      fields,
    );
  const changed = Object.keys(call.args.entries).filter((ip) => (next[ip] ?? '') !== (current[ip] ?? ''));
  const zones = await zoneConfigs(ctx.db, whmcsSealer(ctx.config.ccEncryptionHash));
  const uncovered = changed.filter((ip) => reverseZonesFor(zones, ip).length === 0);
  let ticketId: string | undefined;
  if (uncovered.length) {
    const settings = await getProductSettings(ctx.db, s.productId);
    if (!settings.revDnsTicket || settings.revDnsDepartment <= 0)
      throw new AppError(
        'PVB_VALIDATION',
        'No reverse DNS zone covers these addresses',
        Object.fromEntries(uncovered.map((ip) => [ip, 'no reverse DNS zone covers this address'])),
      );
    ({ ticketId } = await openRdnsTicket(ctx.config.whmcsApi, {
      clientId: s.clientId,
      serviceId: s.id,
      deptId: settings.revDnsDepartment,
      fqdn: String(vm.data.fqdn ?? s.domain ?? ''),
      entries: uncovered.map((ip) => ({ ip, ptr: next[ip] ?? '' })),
    }));
  }
  let queued = false;
  if (changed.length) {
    await patchVm(ctx.db, s.id, { data: { rdns: next } });
    if (changed.length > uncovered.length) {
      queued = (await queuePipelineState(ctx.db, s.id, 'set_dns_records', ['ready', 'set_dns_records'])).queued;
      if (queued) ctx.runner?.kick(s.id);
    }
  }
  return {
    result: 'success' as const,
    changed: changed.length,
    queued,
    ...(ticketId !== undefined && { ticketId }),
    view: await rdnsView(ctx, call),
  };
}
