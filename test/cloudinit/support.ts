// Real cloud-init (Debian's package) renders a network-config the way the guest would at boot:
// `cloud-init devel net-convert` to netplan, ENI or sysconfig. Output YAML is read with the
// Python yaml module cloud-init itself depends on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';

export type Output = 'netplan' | 'eni' | 'sysconfig';

export interface Converted {
  files: Record<string, string>;
  stderr: string;
}

const MAC = /mac_address: '([0-9a-f:]{17})'|macaddress: '?([0-9a-f:]{17})/i;

/** Runs net-convert on `content` (`yaml` = network-config v1/v2, `eni` = an interfaces file). */
export function netConvert(content: string, kind: 'yaml' | 'eni', output: Output, mac?: string): Converted {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvb-netconv-'));
  try {
    const input = path.join(dir, 'network-config');
    fs.writeFileSync(input, content);
    const out = path.join(dir, 'out');
    // sysconfig is the RHEL family's renderer; netplan and ENI are Debian/Ubuntu's.
    const distro = output === 'sysconfig' ? 'rhel' : 'debian';
    const m = mac ?? MAC.exec(content)?.slice(1).find(Boolean);
    const args = [
      'devel',
      'net-convert',
      '-p',
      input,
      '-k',
      kind,
      '-d',
      out,
      '-D',
      distro,
      '-O',
      output,
      ...(m ? ['-m', `eth0,${m}`] : []),
    ];
    let stderr = '';
    try {
      execFileSync('cloud-init', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (err) {
      stderr = String((err as { stderr?: Buffer }).stderr ?? err);
      throw new Error(`net-convert failed: ${stderr}`, { cause: err });
    }
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else files[path.relative(out, f)] = fs.readFileSync(f, 'utf8');
      }
    };
    walk(out);
    return { files, stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** YAML → JSON with python3-yaml (a dependency of the cloud-init package). */
export function parseYaml(text: string): unknown {
  const json = execFileSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], {
    input: text,
    encoding: 'utf8',
  });
  return JSON.parse(json);
}

export interface NetplanEth {
  addresses?: string[];
  gateway4?: string;
  gateway6?: string;
  dhcp4?: boolean;
  dhcp6?: boolean;
  routes?: Array<{ to: string; via: string; 'on-link'?: boolean }>;
  nameservers?: { addresses?: string[]; search?: string[] };
}

export function netplanEth0(c: Converted): NetplanEth {
  const doc = parseYaml(c.files['etc/netplan/50-cloud-init.yaml']!) as { network: { ethernets: Record<string, NetplanEth> } };
  return doc.network.ethernets.eth0!;
}

/**
 * The IPv4/IPv6 default route the guest gets from a netplan eth0, and whether netplan can apply
 * it: a gateway must lie inside one of the interface's subnets unless the route is on-link.
 */
export function defaultRoutes(eth: NetplanEth): Array<{ family: 4 | 6; via: string; reachable: boolean }> {
  const out: Array<{ family: 4 | 6; via: string; reachable: boolean }> = [];
  const inSubnet = (gw: string) => (eth.addresses ?? []).some((a) => sameSubnet(a, gw));
  if (eth.gateway4) out.push({ family: 4, via: eth.gateway4, reachable: inSubnet(eth.gateway4) });
  if (eth.gateway6) out.push({ family: 6, via: eth.gateway6, reachable: inSubnet(eth.gateway6) || eth.gateway6.startsWith('fe80:') });
  for (const r of eth.routes ?? []) {
    if (r.to !== '0.0.0.0/0' && r.to !== '::/0' && r.to !== 'default') continue;
    out.push({ family: r.via.includes(':') ? 6 : 4, via: r.via, reachable: r['on-link'] === true || inSubnet(r.via) });
  }
  return out;
}

function sameSubnet(cidr: string, ip: string): boolean {
  const a = ipaddr.parse(ip);
  const net = ipaddr.parseCIDR(cidr);
  return a.kind() === net[0].kind() && a.match(net);
}
