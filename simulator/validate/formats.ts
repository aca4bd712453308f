// Named string formats of Proxmox's JSON schema (pve-common JSONSchema.pm register_format and
// the qemu-server / pve-storage / pve-firewall verifiers). Each verifier throws the text Proxmox
// dies with; the caller prefixes it with "invalid format - ". Formats not listed here are not
// used by pvebridge and accept any string (see simulator/README.md).
import ipaddr from 'ipaddr.js';

type Verifier = (value: string) => void;

const fail = (msg: string): never => {
  throw new Error(msg);
};

const VOLUME_ID = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const CONFIG_ID = /^[a-z][a-z0-9_-]+$/i;
const NODE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const DNS_LABEL = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)';
const DNS_NAME = new RegExp(`^(?:${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const URLENCODED = /^[-%a-zA-Z0-9_.!~*'()]*$/;
const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;
const CONTENT_TYPES = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import'];

export function verifyVolumeId(v: string): void {
  if (!VOLUME_ID.test(v)) fail(`unable to parse volume ID '${v}'`);
}

function isIp(v: string, kind: 'ipv4' | 'ipv6'): boolean {
  return ipaddr.isValid(v) && ipaddr.parse(v).kind() === kind && (kind === 'ipv6' || ipaddr.IPv4.isValidFourPartDecimal(v));
}

function isCidr(v: string, kind?: 'ipv4' | 'ipv6'): boolean {
  try {
    const [addr] = ipaddr.parseCIDR(v);
    return !kind || addr.kind() === kind;
  } catch {
    return false;
  }
}

function verifyIpconfig(v: string): void {
  const bad = () => fail('unable to parse ip config');
  const parts: Record<string, string> = {};
  for (const part of v.split(',')) {
    if (!part.trim()) continue;
    const m = /^(ip|gw|ip6|gw6)=(.+)$/.exec(part);
    if (!m || parts[m[1]!] !== undefined) bad();
    parts[m![1]!] = m![2]!;
  }
  const { ip, gw, ip6, gw6 } = parts;
  if (ip !== undefined && ip !== 'dhcp' && !isCidr(ip, 'ipv4')) bad();
  if (ip6 !== undefined && ip6 !== 'dhcp' && ip6 !== 'auto' && !isCidr(ip6, 'ipv6')) bad();
  if (gw !== undefined && (!isIp(gw, 'ipv4') || !ip || ip === 'dhcp')) bad();
  if (gw6 !== undefined && (!isIp(gw6, 'ipv6') || !ip6 || ip6 === 'dhcp' || ip6 === 'auto')) bad();
}

function listOf(verify: Verifier, sep = /[,;\s]+/): Verifier {
  return (v) => v.split(sep).filter(Boolean).forEach(verify);
}

const configId: Verifier = (v) => {
  if (!CONFIG_ID.test(v)) fail(`invalid configuration ID '${v}'`);
};

export const formats: Record<string, Verifier> = {
  'pve-vmid': (v) => {
    if (!/^[1-9][0-9]{2,8}$/.test(v)) fail('value does not look like a valid VM ID');
  },
  'pve-node': (v) => {
    if (!NODE.test(v)) fail('value does not look like a valid node name');
  },
  'pve-storage-id': (v) => {
    if (!STORAGE_ID.test(v)) fail(`storage ID '${v}' contains illegal characters`);
  },
  'pve-configid': configId,
  'pve-configid-list': listOf(configId),
  'pve-volume-id': verifyVolumeId,
  'pve-volume-id-or-qm-path': (v) => {
    if (v === 'none' || v === 'cdrom' || v.startsWith('/')) return;
    verifyVolumeId(v);
  },
  'pve-volume-id-or-absolute-path': (v) => {
    if (!v.startsWith('/')) verifyVolumeId(v);
  },
  'disk-size': (v) => {
    if (!/^\d+(\.\d+)?[KMGT]?$/.test(v)) fail(`unable to parse size '${v}'`);
  },
  'mac-addr': (v) => {
    if (!/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i.test(v)) fail('value does not look like a valid unicast MAC address');
  },
  'pve-bridge-id': (v) => {
    if (!/^[-_.\w\d]+$/.test(v)) fail(`invalid bridge ID '${v}'`);
  },
  'dns-name': (v) => {
    if (!DNS_NAME.test(v)) fail('value does not look like a valid DNS name');
  },
  urlencoded: (v) => {
    if (!URLENCODED.test(v)) fail(`invalid urlencoded string: ${v}`);
  },
  'pve-qm-ipconfig': verifyIpconfig,
  'pve-tag-list': listOf((t) => {
    if (!TAG.test(t)) fail(`invalid tag '${t}'`);
  }),
  'pve-poolid': (v) => {
    if (!/^[A-Za-z0-9_\-.]+$/.test(v)) fail(`pool name '${v}' contains illegal characters`);
  },
  'pve-vmid-list': listOf((id) => {
    if (!/^[1-9][0-9]{2,8}$/.test(id)) fail(`value '${id}' does not look like a valid VM ID`);
  }),
  'storage-pair-list': listOf((pair) => {
    for (const id of pair.split(':')) if (id !== '1' && !STORAGE_ID.test(id)) fail(`storage ID '${id}' contains illegal characters`);
  }, /[,;]+/),
  'pve-storage-content': (v) => {
    if (!CONTENT_TYPES.includes(v)) fail(`invalid content type '${v}'`);
  },
  'pve-storage-content-list': listOf((c) => {
    if (!CONTENT_TYPES.includes(c)) fail(`invalid content type '${c}'`);
  }),
  CIDR: (v) => {
    if (!isCidr(v)) fail(`value does not look like a valid CIDR network`);
  },
  IPorCIDRorAlias: (v) => {
    if (!ipaddr.isValid(v) && !isCidr(v) && !/^(?:(?:dc|guest)\/)?[A-Za-z][A-Za-z0-9\-_]+$/.test(v))
      fail('value does not look like a valid IP address or CIDR network');
  },
  'pve-qm-boot': (v) => {
    for (const part of v.split(',')) {
      const m = /^(?:(legacy)=)?([acdn]{1,4})$/.exec(part) ?? /^order=(.*)$/.exec(part);
      if (!m) fail(`invalid key in comma-separated list property: ${part.split('=')[0]}`);
    }
  },
};

export function checkFormat(format: string, value: string): void {
  formats[format]?.(value);
}
