// Finding an OS template in the cluster. /cluster/resources answers `status: unknown` without
// `name`, `template`, `maxmem`… for a VM whose node is offline or whose RRD data is missing
// (pve-manager PVE/API2Tools.pm extract_vm_stats), so a missing `template` means "don't know",
// never "not a template": then the template flag is read from the VM's config on its node, and an
// unreachable node is a retryable error, not "not a template".
import type { ClusterResource, ProxmoxClient, VmConfig } from '../proxmox/index.ts';

export interface FoundTemplate {
  node: string;
  config: VmConfig;
}

export class TemplateError extends Error {}

export function templateEntry(resources: ClusterResource[], vmid: number): ClusterResource | undefined {
  return resources.find((r) => r.type === 'qemu' && Number(r.vmid) === vmid);
}

/** Where template `vmid` lives and its config; TemplateError when it is missing or not a template. */
export async function locateTemplate(pve: ProxmoxClient, vmid: number, resources?: ClusterResource[]): Promise<FoundTemplate> {
  const entry = templateEntry(resources ?? (await pve.cluster.resources.get({ type: 'vm' })), vmid);
  if (!entry?.node) throw new TemplateError(`OS template ${vmid} does not exist in Proxmox`);
  if (entry.template !== undefined && Number(entry.template) !== 1) throw new TemplateError(`VM ${vmid} is not a template`);
  // Unknown entries (no template field) and known templates alike: the config is the truth.
  const config = await pve.nodes(entry.node).qemu(vmid).config.get();
  if (Number(config.template) !== 1) throw new TemplateError(`VM ${vmid} is not a template`);
  return { node: entry.node, config };
}
