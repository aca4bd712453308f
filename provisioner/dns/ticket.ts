// The reverse-DNS ticket fallback (spec §Reverse DNS, "Ticket-based fallback"): when no DNS zone
// covers an address, the requested IP → name mapping goes to a WHMCS support ticket (API
// OpenTicket) in the product's RevDNS ticket department, for someone to apply by hand.
import type { Config } from '../../common/config.ts';

export async function openRdnsTicket(
  api: Config['whmcsApi'],
  t: { clientId: number; serviceId: number; deptId: number; fqdn: string; entries: Array<{ ip: string; ptr: string }> },
  timeoutMs = 10_000,
): Promise<{ ticketId: string }> {
  if (!api) throw new Error('WHMCS API not configured (PVEBRIDGE_WHMCS_API_URL): cannot open the reverse DNS ticket');
  const lines = t.entries.map((e) => `${e.ip} → ${e.ptr || '(remove the PTR record)'}`);
  const body = new URLSearchParams({
    action: 'OpenTicket',
    identifier: api.identifier,
    secret: api.secret,
    deptid: String(t.deptId),
    clientid: String(t.clientId),
    serviceid: String(t.serviceId),
    subject: `Reverse DNS change for ${t.fqdn || `service ${t.serviceId}`}`,
    message: `Please set these reverse DNS (PTR) records:\n\n${lines.join('\n')}\n`,
    priority: 'Medium',
    responsetype: 'json',
  });
  const res = await fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as { result?: string; message?: string; tid?: string; id?: number };
  if (!res.ok || json.result !== 'success') throw new Error(`WHMCS OpenTicket failed: ${json.message ?? `HTTP ${res.status}`}`);
  return { ticketId: String(json.tid ?? json.id ?? '') };
}
