// What a VM's DNS should say, read from our record and WHMCS's service row: the FQDN (the
// deploy's, else tblhosting.domain), every assigned address, and the custom PTR names saved on
// the rDNS page or the admin tab (data.rdns).
import type { Db } from '../../common/db/connect.ts';
import type { VmRecord } from '../vm-record.ts';
import type { DnsTarget } from './sync.ts';

interface NetData {
  ipv4?: Array<{ address: string }>;
  ipv6?: Array<{ address: string }>;
}

export async function dnsTargetOf(db: Db, vm: VmRecord): Promise<DnsTarget> {
  const d = vm.data as { fqdn?: string; net?: NetData; rdns?: Record<string, string> };
  const svc = (await db('tblhosting').where({ id: vm.serviceId }).first('domain', 'dedicatedip', 'assignedips')) as
    { domain?: string; dedicatedip?: string; assignedips?: string } | undefined;
  const fromNet = [...(d.net?.ipv4 ?? []), ...(d.net?.ipv6 ?? [])].map((e) => e.address);
  const fromSvc = [svc?.dedicatedip ?? '', ...String(svc?.assignedips ?? '').split(/[\s,]+/)].map((s) => s.trim()).filter(Boolean);
  return {
    serviceId: vm.serviceId,
    fqdn: d.fqdn || String(svc?.domain ?? ''),
    ips: [...new Set(d.net ? fromNet : fromSvc)],
    ptr: d.rdns ?? {},
  };
}
