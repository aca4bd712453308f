// The deploy pipeline (spec §Deploy Process): creation → set_ip → clone → set_dns → migrated →
// set_cpu_ram → set_system_disk_size → set_system_disk_bandwidth → set_created_additional_disk →
// set_additional_disk_size → set_additional_disk_bandwidth → set_network → set_firewall →
// set_cloudinit → starting → ready. A state names the last completed step. Each step does one
// small, idempotent piece: it checks what Proxmox already has and skips when nothing changes.
import { done, type Pipeline, type Step } from '../engine/types.ts';
import type { VmRecord } from '../vm-record.ts';
import { allocate } from './deploy-allocate.ts';
import { clone, migrate, setDns } from './deploy-clone.ts';
import { cloudinit, cpuRam, createAdditionalDisk, firewall, ioLimits, network, resize, start, verifyAndEmail } from './deploy-configure.ts';
import { data, plan, type Ctx, type DeployData, type DeployEnv } from './deploy-shared.ts';

export { DEPLOY_STATES, qemu, taskOpts, type DeployEnv } from './deploy-shared.ts';

const step = (from: string, to: string, label: string, run: (ctx: Ctx) => Promise<ReturnType<typeof done>>): Step<DeployEnv> => ({
  from,
  to,
  label,
  run,
});

export const deployPipeline: Pipeline<DeployEnv> = {
  action: 'deploy',
  title: 'Deploy',
  final: 'ready',
  nodeOf: (vm: VmRecord) => vm.node ?? (vm.data as Partial<DeployData>).placement?.target ?? null,
  steps: [
    step('creation', 'set_ip', 'Allocate IP', allocate),
    step('set_ip', 'clone', 'Clone VM', clone),
    step('clone', 'set_dns', 'Configure DNS records', setDns),
    step('set_dns', 'migrated', 'Migrate to target node', migrate),
    step('migrated', 'set_cpu_ram', 'Set CPU & RAM', cpuRam),
    step('set_cpu_ram', 'set_system_disk_size', 'Resize system disk', (c) =>
      resize(c, data(c).systemDiskKey, plan(c).systemDisk.sizeGb, 'system disk'),
    ),
    step('set_system_disk_size', 'set_system_disk_bandwidth', 'Set system disk I/O', (c) =>
      ioLimits(c, data(c).systemDiskKey, plan(c).systemDisk, 'system disk'),
    ),
    step('set_system_disk_bandwidth', 'set_created_additional_disk', 'Create additional disk', createAdditionalDisk),
    step('set_created_additional_disk', 'set_additional_disk_size', 'Resize additional disk', (c) =>
      resize(
        c,
        plan(c).additionalDisk.sizeGb > 0 ? data(c).additionalDiskKey : undefined,
        plan(c).additionalDisk.sizeGb,
        'additional disk',
      ),
    ),
    step('set_additional_disk_size', 'set_additional_disk_bandwidth', 'Set additional disk I/O', (c) =>
      ioLimits(c, plan(c).additionalDisk.sizeGb > 0 ? data(c).additionalDiskKey : undefined, plan(c).additionalDisk, 'additional disk'),
    ),
    step('set_additional_disk_bandwidth', 'set_network', 'Configure network', network),
    step('set_network', 'set_firewall', 'Configure firewall', firewall),
    step('set_firewall', 'set_cloudinit', 'Configure cloud-init', cloudinit),
    step('set_cloudinit', 'starting', 'Start VM', start),
    step('starting', 'ready', 'Verify running + Email', verifyAndEmail),
  ],
};
