// /version, /access/permissions and /cluster/* (resources, nextid, tasks).
import { paramError } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { nodeUsage, vmUsage } from '../model/stats.ts';
import { taskListItem } from './tasks.ts';

function nodeItems(ctx: Ctx) {
  return ctx.state.scenario.nodes.map((n) => {
    const down = ctx.state.downNodes.has(n.name);
    return {
      id: `node/${n.name}`,
      type: 'node',
      node: n.name,
      status: down ? 'offline' : 'online',
      level: '',
      'cgroup-mode': 2,
      ...(down ? {} : nodeUsage(ctx.state, n.name)),
    };
  });
}

function storageItems(ctx: Ctx) {
  const { state } = ctx;
  return state.scenario.nodes.flatMap((n) =>
    state.storagesOnNode(n.name).map((s) => ({
      id: `storage/${n.name}/${s.id}`,
      type: 'storage',
      storage: s.id,
      node: n.name,
      status: state.downNodes.has(n.name) ? 'unknown' : 'available',
      plugintype: s.type,
      content: s.content.join(','),
      shared: s.shared ? 1 : 0,
      disk: state.usedBytes(n.name, s.id),
      maxdisk: s.totalGiB * 1024 ** 3,
    })),
  );
}

/**
 * pve-manager PVE/API2Tools.pm extract_vm_stats: everything but id/vmid/node/type comes from the
 * VM's RRD entry; without one (node offline, pvestatd restarting) the entry is
 * `status: unknown` and has no name, template, maxmem, … — Cluster.pm still adds lock and tags.
 */
function vmItems(ctx: Ctx) {
  const noRrd = ctx.state.rrdMissing;
  return [...ctx.state.vms.values()].map((vm) => {
    const c = vm.config;
    const base = { id: `qemu/${vm.vmid}`, type: 'qemu', vmid: vm.vmid, node: vm.node };
    const extra = { ...(c.lock ? { lock: c.lock } : {}), ...(c.tags ? { tags: c.tags } : {}) };
    if (ctx.state.downNodes.has(vm.node) || noRrd.has(vm.vmid)) return { ...base, status: 'unknown', ...extra };
    return {
      ...base,
      name: c.name ?? `VM${vm.vmid}`,
      status: vm.status === 'paused' ? 'running' : vm.status,
      template: c.template === '1' ? 1 : 0,
      ...vmUsage(vm),
      ...extra,
    };
  });
}

export const clusterRoutes: Routes = {
  'GET /version': (ctx) => {
    const v = ctx.state.scenario.pveVersion;
    return { version: v, release: v.split('.').slice(0, 2).join('.'), repoid: 'a1b2c3d4', console: 'html5' };
  },

  'GET /access/permissions': (ctx) => {
    const perms = ctx.state.scenario.permissions;
    const path = ctx.p.optStr('path');
    if (!path) return perms;
    const best = Object.keys(perms)
      .filter((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
      .sort((a, b) => b.length - a.length)[0];
    return { [path]: best ? perms[best] : {} };
  },

  'GET /cluster/resources': (ctx) => {
    const type = ctx.p.optStr('type');
    ctx.state.advance();
    if (type === 'node') return nodeItems(ctx);
    if (type === 'storage') return storageItems(ctx);
    if (type === 'vm') return vmItems(ctx);
    if (type === 'sdn') return [];
    return [...nodeItems(ctx), ...storageItems(ctx), ...vmItems(ctx)];
  },

  // Lowest free VMID from the configured lower bound; reserves nothing (pve-manager Cluster.pm).
  'GET /cluster/nextid': (ctx) => {
    const wanted = ctx.p.optInt('vmid');
    if (wanted !== undefined) {
      if (ctx.state.vms.has(wanted)) paramError({ vmid: `VM ${wanted} already exists` });
      return String(wanted);
    }
    for (let id = ctx.state.scenario.nextIdLower; id < 1_000_000; id++) if (!ctx.state.vms.has(id)) return String(id);
    return paramError({ vmid: 'unable to get any free VMID in range [100, 1000000)' });
  },

  'GET /cluster/tasks': (ctx) =>
    [...ctx.state.tasks.values()]
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, 500)
      .map(taskListItem),
};
