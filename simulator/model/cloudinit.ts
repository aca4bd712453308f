// The cloud-init drive Proxmox would generate from a VM's config — a port of qemu-server
// src/PVE/QemuServer/Cloudinit.pm (commit 03f2fbaf): nocloud (user-data, meta-data,
// network-config v1, vendor-data), configdrive2 (openstack/latest/*, ENI network content) and
// the cloudbase-init variant for Windows ostypes; cicustom snippets replace the generated parts.
// Exposed as GET …/cloudinit/dump (like `qm cloudinit dump`) and GET /__sim/cloudinit/<vmid>.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterState } from './state.ts';
import type { Vm } from './types.ts';

export type CloudinitFormat = 'nocloud' | 'configdrive2' | 'opennebula';

export interface CloudinitDrive {
  format: CloudinitFormat;
  /** ISO volume label: cidata (nocloud), config-2 (configdrive2). */
  label: string;
  /** Path on the ISO → contents, exactly the files Cloudinit.pm writes. */
  files: Record<string, string>;
}

/** The node's /etc/resolv.conf (get_dns_conf falls back to it when nameserver/searchdomain are unset). */
export const HOST_RESOLV = { search: 'pve.lan', servers: ['192.0.2.53'] };

/** PVE::QemuServer::Helpers::windows_version: any `win*`/`w2k*` ostype. */
export const isWindowsOstype = (ostype: string | undefined) => /^(win|w2k)/.test(ostype ?? '');

interface IpConfig {
  ip?: string;
  gw?: string;
  ip6?: string;
  gw6?: string;
}

/** Network.pm parse_ipconfig: neither ip nor ip6 means DHCPv4. */
export function parseIpconfig(value: string): IpConfig {
  const out: IpConfig = {};
  for (const part of value.split(',')) {
    const [k, v] = part.split('=') as [keyof IpConfig, string];
    if (v !== undefined) out[k] = v;
  }
  if (!out.ip && !out.ip6) out.ip = 'dhcp';
  return out;
}

function macOf(net: string): string | undefined {
  return /(?:^|,)(?:model=)?[a-z0-9_-]+=([0-9A-F]{2}(?::[0-9A-F]{2}){5})/i.exec(net)?.[1] ?? /macaddr=([0-9A-F:]{17})/i.exec(net)?.[1];
}

/** $PVE::Network::ipv4_reverse_mask */
function ipv4Mask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function splitIp4(ip: string): [string, string] {
  const [addr, mask] = ip.split('/');
  if (mask === undefined) throw new Error(`not a CIDR: ${ip}`);
  return [addr!, ipv4Mask(Number(mask))];
}

function hostnameFqdn(c: Record<string, string>, vmid: number): [string, string] {
  const name = c.name ?? `VM${vmid}`;
  if (name.includes('.')) return [name.replace(/\..*$/, ''), name];
  return [name, c.searchdomain ? `${name}.${c.searchdomain}` : name];
}

function dnsConf(c: Record<string, string>): [string[], string[]] {
  const search = (c.searchdomain ?? HOST_RESOLV.search).split(/\s+/).filter(Boolean);
  const servers = c.nameserver === undefined ? HOST_RESOLV.servers : c.nameserver.split(/\s+/).filter(Boolean);
  return [search, servers];
}

const sshKeys = (c: Record<string, string>) =>
  c.sshkeys === undefined
    ? undefined
    : decodeURIComponent(c.sshkeys)
        .split('\n')
        .map((k) => k.replace(/\r$/, ''))
        .filter((k) => /\S/.test(k));

const interfaces = (c: Record<string, string>) =>
  Object.keys(c)
    .filter((k) => /^net\d+$/.test(k))
    .sort()
    .map((k) => ({ key: k, id: k.slice(3) }))
    .filter(({ id }) => c[`ipconfig${id}`]);

export function userData(c: Record<string, string>, vmid: number): string {
  const [hostname, fqdn] = hostnameFqdn(c, vmid);
  let out = `#cloud-config\nhostname: ${hostname}\nmanage_etc_hosts: true\nfqdn: ${fqdn}\n`;
  if (c.ciuser !== undefined) out += `user: ${c.ciuser}\n`;
  if (c.ciuser === 'root') out += 'disable_root: False\n';
  if (c.cipassword !== undefined) out += `password: ${c.cipassword}\n`;
  const keys = sshKeys(c);
  if (keys) out += `ssh_authorized_keys:\n${keys.map((k) => `  - ${k}\n`).join('')}`;
  out += 'chpasswd:\n  expire: False\n';
  if (c.ciuser !== 'root') out += 'users:\n  - default\n';
  if (c.ciupgrade === undefined || c.ciupgrade === '1') out += 'package_upgrade: true\n';
  return out;
}

/** nocloud_network: network config version 1. */
export function nocloudNetwork(c: Record<string, string>): string {
  let out = 'version: 1\nconfig:\n';
  const i = '    ';
  for (const { key, id } of interfaces(c)) {
    const ip = parseIpconfig(c[`ipconfig${id}`]!);
    const mac = macOf(c[key]!)?.toLowerCase();
    if (!mac) throw new Error(`network interface '${key}' has no mac address`);
    out += `${i}- type: physical\n${i}  name: eth${id}\n${i}  mac_address: '${mac}'\n${i}  subnets:\n`;
    const j = `${i}  `;
    if (ip.ip === 'dhcp') out += `${j}- type: dhcp4\n`;
    else if (ip.ip) {
      const [addr, mask] = splitIp4(ip.ip);
      out += `${j}- type: static\n${j}  address: '${addr}'\n${j}  netmask: '${mask}'\n`;
      if (ip.gw) out += `${j}  gateway: '${ip.gw}'\n`;
    }
    if (ip.ip6 === 'dhcp') out += `${j}- type: dhcp6\n`;
    else if (ip.ip6 === 'auto') out += `${j}- type: ipv6_slaac\n`;
    else if (ip.ip6) {
      out += `${j}- type: static6\n${j}  address: '${ip.ip6}'\n`;
      if (ip.gw6) out += `${j}  gateway: '${ip.gw6}'\n`;
    }
  }
  const [search, servers] = dnsConf(c);
  out += `${i}- type: nameserver\n`;
  if (servers.length) out += `${i}  address:\n${servers.map((s) => `${i}  - '${s}'\n`).join('')}`;
  if (search.length) out += `${i}  search:\n${search.map((s) => `${i}  - '${s}'\n`).join('')}`;
  return out;
}

/** configdrive2_network (Linux) and cloudbase_network_eni (Windows): Debian ENI text. */
export function eniNetwork(c: Record<string, string>, cloudbase: boolean): string {
  const [search, servers] = dnsConf(c);
  let out = '';
  if (!cloudbase) {
    out = 'auto lo\niface lo inet loopback\n\n';
    if (servers.length) out += `        dns_nameservers ${servers.join(' ')}\n`;
    if (search.length) out += `        dns_search ${search.join(' ')}\n`;
  }
  const dns = cloudbase && servers.length ? `        dns-nameservers ${servers.join(' ')}\n` : '';
  for (const { id } of interfaces(c)) {
    const ip = parseIpconfig(c[`ipconfig${id}`]!);
    const dev = `eth${id}`;
    out += `auto ${dev}\n`;
    if (ip.ip === 'dhcp') out += `iface ${dev} inet dhcp\n`;
    else if (ip.ip) {
      const [addr, mask] = splitIp4(ip.ip);
      out += `iface ${dev} inet static\n        address ${addr}\n        netmask ${mask}\n`;
      if (ip.gw) out += `        gateway ${ip.gw}\n`;
      out += dns;
    }
    if (ip.ip6 === 'auto' || ip.ip6 === 'dhcp') out += `iface ${dev} inet6 ${ip.ip6}\n`;
    else if (ip.ip6) {
      const [addr, mask] = ip.ip6.split('/');
      out += `iface ${dev} inet6 static\n        address ${addr}\n        netmask ${mask}\n`;
      if (ip.gw6) out += `        gateway ${ip.gw6}\n`;
      out += dns;
    }
  }
  return out;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function cloudbaseMeta(uuid: string, c: Record<string, string>): string {
  const meta: Record<string, unknown> = { uuid, network_config: { content_path: '/content/0000' } };
  if (c.cipassword) meta.admin_pass = c.cipassword;
  const keys = sshKeys(c);
  if (keys) meta.public_keys = Object.fromEntries(keys.map((k, n) => [`key-${n}`, k]));
  return JSON.stringify(meta);
}

/** get_cloudinit_format: citype, else configdrive2 for Windows ostypes, else nocloud. */
export function cloudinitFormat(c: Record<string, string>): CloudinitFormat {
  if (c.citype) return c.citype as CloudinitFormat;
  return isWindowsOstype(c.ostype) ? 'configdrive2' : 'nocloud';
}

/** read_cloudinit_snippets_file: the volume must be a snippet on a storage with a path. */
function snippet(state: ClusterState, vm: Vm, volid: string): string {
  const [sid, name] = [volid.slice(0, volid.indexOf(':')), volid.slice(volid.indexOf(':') + 1)];
  if (!name.startsWith('snippets/')) throw new Error(`${volid} is not in the snippets directory`);
  const s = state.storageOnNode(vm.node, sid);
  if (!s) throw new Error(`storage '${sid}' does not exist`);
  const file = join(s.path ?? `/var/lib/vz-sim/${sid}`, name);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`unable to open file '${file}' - No such file or directory`);
  }
}

function custom(state: ClusterState, vm: Vm, c: Record<string, string>): Partial<Record<'user' | 'network' | 'meta' | 'vendor', string>> {
  const out: Partial<Record<'user' | 'network' | 'meta' | 'vendor', string>> = {};
  for (const part of (c.cicustom ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=') as ['user' | 'network' | 'meta' | 'vendor', string];
    if (v) out[k] = snippet(state, vm, v);
  }
  return out;
}

/** The files of the drive as generate_nocloud / generate_configdrive2 write them. */
export function renderCloudinit(state: ClusterState, vm: Vm): CloudinitDrive {
  const c = vm.config;
  const format = cloudinitFormat(c);
  const own = custom(state, vm, c);
  const user = own.user ?? userData(c, vm.vmid);
  const vendor = own.vendor ?? '';
  if (format === 'nocloud') {
    const network = own.network ?? nocloudNetwork(c);
    const meta = own.meta ?? `instance-id: ${sha1(user + network)}\n`;
    return {
      format,
      label: 'cidata',
      files: { '/user-data': user, '/network-config': network, '/meta-data': meta, '/vendor-data': vendor },
    };
  }
  if (format === 'configdrive2') {
    const windows = isWindowsOstype(c.ostype);
    const network = own.network ?? eniNetwork(c, windows);
    const uuid = sha1(user + network);
    const meta =
      own.meta ??
      (windows ? cloudbaseMeta(uuid, c) : `{\n     "uuid": "${uuid}",\n     "network_config": { "content_path": "/content/0000" }\n}\n`);
    return {
      format,
      label: 'config-2',
      files: {
        '/openstack/latest/user_data': user,
        '/openstack/content/0000': network,
        '/openstack/latest/meta_data.json': meta,
        '/openstack/latest/vendor_data.json': vendor,
      },
    };
  }
  throw new Error(`cloud-init format '${format}' is not simulated`);
}

/** dump_cloudinit_config (GET …/cloudinit/dump): generated parts only, cicustom ignored. */
export function dumpCloudinit(vm: Vm, type: 'user' | 'network' | 'meta'): string {
  const c = vm.config;
  const nocloud = cloudinitFormat(c) === 'nocloud';
  const user = userData(c, vm.vmid);
  const network = nocloud ? nocloudNetwork(c) : eniNetwork(c, false);
  if (type === 'user') return user;
  if (type === 'network') return network;
  const uuid = sha1(user + network);
  return nocloud ? `instance-id: ${uuid}\n` : `{\n     "uuid": "${uuid}",\n     "network_config": { "content_path": "/content/0000" }\n}\n`;
}
