// What the deploy gives the guest beyond the hardware: the customer's SSH keys (checked like
// Proxmox checks them, before any clone) and, for a routed pool, the network-config snippet with
// on-link default routes (ADR 0012). Windows guests get neither (ADR 0013).
import type { Db } from '../../common/db/connect.ts';
import type { NetAssignment } from '../ipam/allocate.ts';
import { routedIpconfig, routedNetworkConfig, routingOf, withNetworkSnippet, writeNetworkSnippet } from '../ipam/routing.ts';
import { checkSshKeys, sshKeyMessage } from '../plan/ssh-keys.ts';
import { isWindowsOstype } from '../plan/windows.ts';
import type { VmConfig } from '../proxmox/index.ts';

async function sshKeysField(db: Db, serviceId: number, productId: number): Promise<string | undefined> {
  const row = await db('tblcustomfieldsvalues as v')
    .join('tblcustomfields as f', 'f.id', 'v.fieldid')
    .where({ 'v.relid': serviceId, 'f.type': 'product', 'f.relid': productId })
    .andWhere((q) => q.whereRaw('LOWER(f.fieldname) LIKE ?', ['%ssh%']))
    .first('v.value');
  const keys = String(row?.value ?? '').trim();
  return keys ? keys : undefined;
}

/** The customer's keys, one per line (none for Windows); throws a message naming a bad line. */
export async function customerSshKeys(db: Db, serviceId: number, productId: number, ostype: string): Promise<string | undefined> {
  if (isWindowsOstype(ostype)) return undefined;
  const text = await sshKeysField(db, serviceId, productId);
  const checked = text ? checkSshKeys(text) : undefined;
  if (checked && !checked.ok) throw new Error(sshKeyMessage(checked));
  return checked?.keys.length ? checked.keys.join('\n') : undefined;
}

export interface RoutedGuest {
  ipconfig0: string | undefined;
  cicustom: string;
}

/**
 * For a Linux guest on a routed pool: /32 (/128) ipconfig and the cicustom pointing at the
 * snippet just written; undefined for bridged pools, DHCP-only services and Windows.
 */
export async function routedGuest(
  db: Db,
  net: NetAssignment,
  ostype: string,
  vmid: number,
  searchdomain: string,
  current: () => Promise<VmConfig>,
): Promise<RoutedGuest | undefined> {
  if (isWindowsOstype(ostype) || net.ipv4.length + net.ipv6.length === 0) return undefined;
  const routing = await routingOf(db, net);
  if (routing.mode !== 'routed') return undefined;
  const c = await current();
  const mac = /=([0-9A-F]{2}(?::[0-9A-F]{2}){5})/i.exec(String(c.net0 ?? ''))?.[1];
  if (!mac) throw new Error('net0 has no MAC address for the routed network-config');
  const volid = writeNetworkSnippet(routing, vmid, routedNetworkConfig(mac, net, searchdomain));
  return { ipconfig0: routedIpconfig(net), cicustom: withNetworkSnippet(c.cicustom as string | undefined, volid) };
}
