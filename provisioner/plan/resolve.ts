// Plan resolution: the product's settings (spec defaults) overridden by the service's
// configurable options. 18 plain v3.3 names plus the legacy prefix names (CPU|…, RAM|…, B|…,
// S|…, ipv4|…, ipv6|…, OS|…); the plain name wins when both are assigned; 0 is a real value
// (unlimited / none / disabled), never "unset".
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import type { ProductSettings } from './product-settings.ts';

export interface DiskPlan {
  /** Storage id; null = from the template (system) / same as the system disk (additional). */
  storage: string | null;
  /** GB; 0 = keep the template's size (system) / no disk (additional). */
  sizeGb: number;
  mbpsRd: number;
  mbpsWr: number;
  iopsRd: number;
  iopsWr: number;
}

export interface Plan {
  templateVmid: number;
  cloneType: 'linked' | 'full';
  /** null = automatically. */
  targetNode: string | null;
  cores: number;
  sockets: number;
  memoryMb: number;
  backups: number;
  snapshots: number;
  systemDisk: DiskPlan;
  additionalDisk: DiskPlan;
  network: {
    model: string | null; // null = as in template
    rateMbps: number; // 0 = unlimited
    bridge: string;
    vlan: number;
    ipv4Count: number;
    ipv6Count: number;
    autoBridgeVlan: boolean;
    dhcpIpv4: boolean;
    dhcpIpv6: boolean;
  };
  firewall: {
    enable: boolean;
    dhcp: boolean;
    ndp: boolean;
    radv: boolean;
    macfilter: boolean;
    ipfilter: boolean;
    antiSpoofing: boolean;
    policyIn: string;
    policyOut: string;
    logLevelIn: string;
    logLevelOut: string;
  };
  vmNameRule: string;
  firstVmId: number;
  osUsername: string;
  mainDomain: string;
  emailVmReady: string;
}

type Target =
  | 'cores'
  | 'ramGb'
  | 'backups'
  | 'snapshots'
  | 'systemDisk'
  | 'additionalDisk'
  | 'sdMbpsRd'
  | 'sdMbpsWr'
  | 'sdIopsRd'
  | 'sdIopsWr'
  | 'adMbpsRd'
  | 'adMbpsWr'
  | 'adIopsRd'
  | 'adIopsWr'
  | 'bandwidth'
  | 'ipv4'
  | 'ipv6'
  | 'os';

/** The 18 plain option names (exact, case-sensitive, as the spec says). */
export const PLAIN_OPTIONS: Record<string, Target> = {
  'CPU Cores': 'cores',
  RAM: 'ramGb',
  Backups: 'backups',
  Snapshots: 'snapshots',
  'System Disk': 'systemDisk',
  'Additional Disk': 'additionalDisk',
  'System Disk Read Bandwidth': 'sdMbpsRd',
  'System Disk Write Bandwidth': 'sdMbpsWr',
  'System Disk Read IOPS': 'sdIopsRd',
  'System Disk Write IOPS': 'sdIopsWr',
  'Additional Disk Read Bandwidth': 'adMbpsRd',
  'Additional Disk Write Bandwidth': 'adMbpsWr',
  'Additional Disk Read IOPS': 'adIopsRd',
  'Additional Disk Write IOPS': 'adIopsWr',
  'Network Bandwidth': 'bandwidth',
  'IPv4 Addresses': 'ipv4',
  'IPv6 Addresses': 'ipv6',
  'Operating System': 'os',
};

/** Legacy v1.x–v2.x names: PREFIX|free text. */
export const LEGACY_PREFIXES: Record<string, Target> = {
  CPU: 'cores',
  RAM: 'ramGb',
  B: 'backups',
  S: 'snapshots',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  OS: 'os',
};

const INTEGER: ReadonlySet<Target> = new Set([
  'cores',
  'backups',
  'snapshots',
  'systemDisk',
  'additionalDisk',
  'sdIopsRd',
  'sdIopsWr',
  'adIopsRd',
  'adIopsWr',
  'ipv4',
  'ipv6',
  'os',
]);

function targetOf(name: string): { target: Target; plain: boolean } | undefined {
  const plain = PLAIN_OPTIONS[name];
  if (plain) return { target: plain, plain: true };
  const bar = name.indexOf('|');
  const prefix = bar < 0 ? name : name.slice(0, bar);
  const legacy = LEGACY_PREFIXES[prefix];
  return legacy ? { target: legacy, plain: false } : undefined;
}

/** A sub-option value "4|4 GB" → 4; a quantity option's number as is. */
function optionNumber(name: string, raw: string | number, target: Target): number {
  const text = String(raw).split('|')[0]!.trim();
  const n = Number(text);
  const ok = text !== '' && Number.isFinite(n) && n >= 0 && (!INTEGER.has(target) || Number.isInteger(n));
  if (!ok)
    throw new AppError('PVB_VALIDATION', `Configurable option "${name}" has an invalid value "${raw}"`, {
      [name]: 'a non-negative number',
    });
  return n;
}

/** Picks, per target, the plain option if assigned, else the legacy one. */
export function optionOverrides(options: Record<string, string | number>): Partial<Record<Target, number>> {
  const out: Partial<Record<Target, { value: number; plain: boolean }>> = {};
  for (const [name, raw] of Object.entries(options)) {
    const t = targetOf(name);
    if (!t) continue;
    const prev = out[t.target];
    if (prev?.plain && !t.plain) continue;
    out[t.target] = { value: optionNumber(name, raw, t.target), plain: t.plain };
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v!.value])) as Partial<Record<Target, number>>;
}

/** The resolved plan of a service: settings, overridden by its configurable options. */
export function resolvePlan(s: ProductSettings, options: Record<string, string | number> = {}): Plan {
  const o = optionOverrides(options);
  const pick = (t: Target, def: number) => o[t] ?? def;
  const plan: Plan = {
    templateVmid: pick('os', s.osTemplate),
    cloneType: s.cloneType,
    targetNode: s.targetNode === '' || s.targetNode === 'automatically' ? null : s.targetNode,
    cores: pick('cores', s.cpu),
    sockets: s.sockets,
    memoryMb: Math.round(pick('ramGb', s.ram) * 1024),
    backups: pick('backups', s.backups),
    snapshots: pick('snapshots', s.snapshots),
    systemDisk: {
      storage: s.systemDiskStorage || null,
      sizeGb: pick('systemDisk', s.systemDiskSize),
      mbpsRd: pick('sdMbpsRd', s.systemDiskMbpsRd),
      mbpsWr: pick('sdMbpsWr', s.systemDiskMbpsWr),
      iopsRd: pick('sdIopsRd', s.systemDiskIopsRd),
      iopsWr: pick('sdIopsWr', s.systemDiskIopsWr),
    },
    additionalDisk: {
      storage: s.additionalDiskStorage || null,
      sizeGb: pick('additionalDisk', s.additionalDiskSize),
      mbpsRd: pick('adMbpsRd', s.additionalDiskMbpsRd),
      mbpsWr: pick('adMbpsWr', s.additionalDiskMbpsWr),
      iopsRd: pick('adIopsRd', s.additionalDiskIopsRd),
      iopsWr: pick('adIopsWr', s.additionalDiskIopsWr),
    },
    network: {
      model: s.networkModel === 'template' ? null : s.networkModel,
      rateMbps: pick('bandwidth', s.bandwidth),
      bridge: s.bridge,
      vlan: s.vlan,
      ipv4Count: pick('ipv4', s.ipv4Count),
      ipv6Count: pick('ipv6', s.ipv6Count),
      autoBridgeVlan: s.autoBridgeVlan,
      dhcpIpv4: s.dhcpIpv4,
      dhcpIpv6: s.dhcpIpv6,
    },
    firewall: {
      enable: s.fwEnable,
      dhcp: s.fwDhcp,
      ndp: s.fwNdp,
      radv: s.fwRadv,
      macfilter: s.fwMacfilter,
      ipfilter: s.fwIpfilter,
      antiSpoofing: s.fwAntiSpoofing,
      policyIn: s.fwPolicyIn,
      policyOut: s.fwPolicyOut,
      logLevelIn: s.fwLogLevelIn,
      logLevelOut: s.fwLogLevelOut,
    },
    vmNameRule: s.vmNameRule || '{client_id}-{service_id}',
    firstVmId: s.firstVmId,
    osUsername: s.osUsername,
    mainDomain: s.mainDomain,
    emailVmReady: s.emailVmReady,
  };
  const problems = planProblems(plan);
  if (Object.keys(problems).length) {
    throw new AppError(
      'PVB_VALIDATION',
      `Invalid plan — ${Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
      problems,
    );
  }
  return plan;
}

/** VMNexor's rule: refuse a plan Proxmox could not build, before touching Proxmox. */
export function planProblems(p: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.templateVmid < 100) out.templateVmid = 'no OS template configured (product setting or Operating System option)';
  if (p.cores < 1) out.cores = 'at least 1 CPU core';
  if (p.memoryMb < 16) out.memoryMb = 'at least 16 MB of RAM';
  if (p.network.vlan > 4094) out.vlan = 'VLAN tag 0–4094';
  return out;
}

/** The service's configurable options by option name (sub-option text, or quantity). */
export async function loadServiceOptions(db: Db, serviceId: number): Promise<Record<string, string | number>> {
  const rows = (await db('tblhostingconfigoptions as h')
    .join('tblproductconfigoptions as o', 'o.id', 'h.configid')
    .leftJoin('tblproductconfigoptionssub as s', 's.id', 'h.optionid')
    .where('h.relid', serviceId)
    .select('o.optionname as name', 'o.optiontype as type', 's.optionname as sub', 'h.qty as qty')) as Array<{
    name: string;
    type: string | number;
    sub: string | null;
    qty: number;
  }>;
  const out: Record<string, string | number> = {};
  // WHMCS option types: 1 dropdown, 2 radio, 3 yes/no, 4 quantity.
  for (const r of rows) out[r.name] = String(r.type) === '4' || String(r.type) === '3' ? Number(r.qty) : (r.sub ?? '');
  return out;
}
