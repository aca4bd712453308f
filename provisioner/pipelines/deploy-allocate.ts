// Deploy step creation → set_ip: plan, template, node, names, addresses.
import crypto from 'node:crypto';
import type { Db } from '../../common/db/connect.ts';
import { done } from '../engine/types.ts';
import { allocateServiceIps, withServerLock } from '../ipam/allocate.ts';
import { choosePlacement, templateVolumes } from '../placement.ts';
import { vmNames } from '../plan/naming.ts';
import { getProductSettings } from '../plan/product-settings.ts';
import { locateTemplate } from '../plan/template.ts';
import { netbiosName, windowsAdmin, windowsEdition } from '../plan/windows.ts';
import { loadServiceOptions, resolvePlan } from '../plan/resolve.ts';
import { ProxmoxError, type ProxmoxClient, type VmConfig } from '../proxmox/index.ts';
import { VMS } from '../vm-record.ts';
import { customerSshKeys } from './guest-config.ts';
import * as cfg from './vm-config.ts';
import { DEPLOY_STATES, isWindows, pveOf, type Ctx } from './deploy-shared.ts';

async function reservedMemory(db: Db, serverId: number): Promise<Record<string, number>> {
  const rows = (await db(VMS)
    .where({ server_id: serverId })
    .whereIn('state', DEPLOY_STATES.slice(0, -2) as unknown as string[])
    .whereNotNull('placed_node')
    .groupBy('placed_node')
    .select('placed_node')
    .sum({ mb: 'placed_memory_mb' })) as Array<{ placed_node: string; mb: number | string }>;
  return Object.fromEntries(rows.map((r) => [r.placed_node, Number(r.mb)]));
}

// --- creation → set_ip: plan, template, node, names, addresses (VMNexor: validate before cloning)

/** Where each template lives, so a burst of deploys does not list every VM of the cluster each. */
const templateNodes = new Map<string, string>();

async function findTemplate(pve: ProxmoxClient, serverId: number, vmid: number): Promise<{ node: string; config: VmConfig }> {
  const key = `${serverId}/${vmid}`;
  const cached = templateNodes.get(key);
  if (cached) {
    try {
      const config = await pve.nodes(cached).qemu(vmid).config.get();
      if (Number(config.template) === 1) return { node: cached, config };
    } catch (err) {
      if (!(err instanceof ProxmoxError && err.kind === 'not_found')) throw err;
    }
    templateNodes.delete(key); // moved or gone: look it up again
  }
  const found = await locateTemplate(pve, vmid); // status-unknown entries: the config decides
  templateNodes.set(key, found.node);
  return found;
}

export async function allocate(ctx: Ctx) {
  const { db } = ctx;
  const p = resolvePlan(await getProductSettings(db, ctx.vm.productId), await loadServiceOptions(db, ctx.vm.serviceId));
  const pve = await pveOf(ctx);
  const [nodes, storages] = await Promise.all([
    pve.cluster.resources.get({ type: 'node' }),
    pve.cluster.resources.get({ type: 'storage' }),
  ]);
  const resources = [...nodes, ...storages];
  const { node: templateNode, config: tconfig } = await findTemplate(pve, ctx.vm.serverId, p.templateVmid);
  const diskKey = cfg.systemDiskKey(tconfig);
  if (!diskKey) throw new Error(`template ${p.templateVmid} has no system disk`);
  const settings = await ctx.env.settings();
  // One placement at a time per server, so a burst of deploys sees each other's reservations.
  const placement = await withServerLock(db, ctx.vm.serverId, async (trx) => {
    const chosen = choosePlacement({
      resources,
      template: { node: templateNode, storage: cfg.volumeStorage(String(tconfig[diskKey])), volumes: templateVolumes(tconfig) },
      pinned: p.targetNode,
      storage: p.systemDisk.storage,
      cloneType: p.cloneType,
      memoryMb: p.memoryMb,
      migrationEnabled: settings.migrationEnabled,
      reservedMb: await reservedMemory(trx, ctx.vm.serverId),
    });
    await trx(VMS).where({ service_id: ctx.vm.serviceId }).update({ placed_node: chosen.target, placed_memory_mb: p.memoryMb });
    return chosen;
  });
  const names = vmNames(p.vmNameRule, { clientId: ctx.vm.clientId, serviceId: ctx.vm.serviceId }, p.mainDomain);
  const net = await allocateServiceIps(db, {
    serviceId: ctx.vm.serviceId,
    serverId: ctx.vm.serverId,
    ipv4Count: p.network.dhcpIpv4 ? 0 : p.network.ipv4Count,
    ipv6Count: p.network.dhcpIpv6 ? 0 : p.network.ipv6Count,
    bridge: p.network.bridge,
    vlan: p.network.vlan,
    autoBridgeVlan: p.network.autoBridgeVlan,
  });
  const ostype = String(tconfig.ostype ?? 'l26');
  // Proxmox rejects the whole config call on one bad key line; say which line, before cloning.
  await customerSshKeys(db, ctx.vm.serviceId, ctx.vm.productId, ostype);
  const windows = isWindows(ostype);
  // Windows: the admin account by edition; computer names are NetBIOS names (≤ 15 characters).
  const username = windows
    ? windowsAdmin(windowsEdition(String(tconfig.name ?? ''), ostype), p.osUsername)
    : p.osUsername || `u${crypto.randomBytes(4).toString('hex')}`;
  if (windows) Object.assign(names, { vmName: netbiosName(names.vmName), hostname: netbiosName(names.hostname) });
  const svc = await db('tblhosting').where({ id: ctx.vm.serviceId }).first('username');
  await db('tblhosting')
    .where({ id: ctx.vm.serviceId })
    .update({ domain: names.fqdn, ...(!windows && !p.osUsername && svc?.username ? {} : { username }) });
  await ctx.patch({
    plan: p as unknown as Record<string, unknown>,
    vmName: names.vmName,
    data: {
      templateNode,
      templateStorage: cfg.volumeStorage(String(tconfig[diskKey])),
      ostype,
      systemDiskKey: diskKey,
      placement,
      hostname: names.hostname,
      fqdn: names.fqdn,
      net,
    } as unknown as Record<string, unknown>,
  });
  const ips = [...net.ipv4, ...net.ipv6].map((e) => e.address);
  return done(`${ips.length ? ips.join(', ') : 'DHCP'} on ${net.bridge}${net.vlan ? `/${net.vlan}` : ''}; ${placement.note}`);
}
