// Pure builders of the Proxmox config values a plan asks for (net0, ipconfig0, disk I/O
// limits, firewall options), shared by the deploy table and later by change package/reinstall.
import type { NetAssignment } from '../ipam/allocate.ts';
import { formatPropertyString, getOption, parsePropertyString, setOption } from '../lifecycle/property-string.ts';
import type { DiskPlan, Plan } from '../plan/resolve.ts';

const DISK = /^(scsi|virtio|sata|ide)(\d+)$/;
const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i;
const NET_MODELS = ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'ne2k_pci', 'pcnet', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa'];

const isCdrom = (v: string) => /(^|,)media=cdrom(,|$)/.test(v) || /cloudinit/.test(v);

/** The boot disk of a config: first disk of `boot: order=…`, else the first real disk key. */
export function systemDiskKey(config: Record<string, string | number>): string | undefined {
  const order = /order=([^,]+)/.exec(String(config.boot ?? ''))?.[1]?.split(';') ?? [];
  for (const k of order) if (DISK.test(k) && config[k] !== undefined && !isCdrom(String(config[k]))) return k;
  return Object.keys(config)
    .filter((k) => DISK.test(k) && !isCdrom(String(config[k])))
    .sort()[0];
}

/** The first free key on the bus of `systemKey` (scsi0 → scsi1, …). */
export function nextDiskKey(config: Record<string, string | number>, systemKey: string): string {
  const bus = DISK.exec(systemKey)?.[1] ?? 'scsi';
  for (let i = 0; i < 31; i++) if (config[`${bus}${i}`] === undefined) return `${bus}${i}`;
  throw new Error(`no free ${bus} slot for the additional disk`);
}

export const volumeStorage = (drive: string) => (parsePropertyString(drive).parts[0]?.[1] ?? '').split(':')[0] ?? '';

/** The drive string with the plan's limits; 0 = unlimited = the option removed. */
export function withIoLimits(drive: string, d: DiskPlan): string {
  let p = parsePropertyString(drive);
  const set: Array<[string, number]> = [
    ['mbps_rd', d.mbpsRd],
    ['mbps_wr', d.mbpsWr],
    ['iops_rd', d.iopsRd],
    ['iops_wr', d.iopsWr],
  ];
  for (const [k, v] of set) p = setOption(p, k, v > 0 ? String(v) : undefined);
  return formatPropertyString(p);
}

/** net0 for the plan: model (or the template's), the cloned MAC kept, bridge/VLAN, rate, firewall flag. */
export function net0For(current: string, plan: Plan, net: NetAssignment): string {
  const parsed = parsePropertyString(current);
  const isModel = ([k, v]: [string, string]) => NET_MODELS.includes(k) || ((k === 'model' || k === '') && NET_MODELS.includes(v));
  const modelPart = parsed.parts.find(isModel);
  const macFromModel = modelPart && NET_MODELS.includes(modelPart[0]) && MAC.test(modelPart[1]) ? modelPart[1] : undefined;
  const mac = macFromModel ?? getOption(parsed, 'macaddr');
  const templateModel = modelPart ? (NET_MODELS.includes(modelPart[0]) ? modelPart[0] : modelPart[1]) : 'virtio';
  const model = plan.network.model ?? templateModel;
  const rest = parsed.parts.filter((part) => part !== modelPart && part[0] !== 'macaddr');
  let p = { parts: [(mac ? [model, mac] : ['', model]) as [string, string], ...rest] };
  p = setOption(p, 'bridge', net.bridge);
  p = setOption(p, 'tag', net.vlan > 0 ? String(net.vlan) : undefined);
  p = setOption(p, 'rate', plan.network.rateMbps > 0 ? String(plan.network.rateMbps) : undefined);
  p = setOption(p, 'firewall', plan.firewall.enable ? '1' : undefined);
  return formatPropertyString(p);
}

export const macOf = (net0: string) => parsePropertyString(net0).parts.find(([k, v]) => NET_MODELS.includes(k) && MAC.test(v))?.[1];

/** ipconfig0: static addresses from the allocation, `dhcp` where the plan says DHCP. */
export function ipconfig0For(plan: Plan, net: NetAssignment): string | undefined {
  const parts: string[] = [];
  const v4 = net.ipv4[0];
  const v6 = net.ipv6[0];
  if (plan.network.dhcpIpv4) parts.push('ip=dhcp');
  else if (v4) parts.push(`ip=${v4.address}/${v4.prefix}`, ...(v4.gateway ? [`gw=${v4.gateway}`] : []));
  if (plan.network.dhcpIpv6) parts.push('ip6=dhcp');
  else if (v6) parts.push(`ip6=${v6.address}/${v6.prefix}`, ...(v6.gateway ? [`gw6=${v6.gateway}`] : []));
  return parts.length ? parts.join(',') : undefined;
}

export function nameserversOf(net: NetAssignment): string | undefined {
  const all = [...net.ipv4, ...net.ipv6].flatMap((e) => e.dns);
  return all.length ? [...new Set(all)].join(' ') : undefined;
}

/** Whether the anti-spoofing IP set applies: wanted, static addressing, and addresses to put in. */
export function antiSpoofingApplies(plan: Plan, net: NetAssignment): boolean {
  return plan.firewall.antiSpoofing && !plan.network.dhcpIpv4 && !plan.network.dhcpIpv6 && net.ipv4.length + net.ipv6.length > 0;
}

export function firewallOptions(plan: Plan): Record<string, string | number> {
  const f = plan.firewall;
  const b = (v: boolean) => (v ? 1 : 0);
  return {
    enable: b(f.enable),
    dhcp: b(f.dhcp),
    ndp: b(f.ndp),
    radv: b(f.radv),
    macfilter: b(f.macfilter),
    ipfilter: b(f.ipfilter),
    policy_in: f.policyIn,
    policy_out: f.policyOut,
    log_level_in: f.logLevelIn,
    log_level_out: f.logLevelOut,
  };
}
