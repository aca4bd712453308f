// /nodes, /nodes/{node}/status and the storage subtree (pve-storage API2/Storage/*).
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import { nodeUsage } from '../model/stats.ts';
import { registerEffect } from '../model/state.ts';
import type { StorageSpec, Volume } from '../model/types.ts';

const GiB = 1024 ** 3;

function storageStatus(ctx: Ctx, node: string, s: StorageSpec) {
  const total = s.totalGiB * GiB;
  const used = ctx.state.usedBytes(node, s.id);
  return {
    storage: s.id,
    type: s.type,
    content: s.content.join(','),
    active: 1,
    enabled: 1,
    shared: s.shared ? 1 : 0,
    total,
    used,
    avail: Math.max(0, total - used),
    used_fraction: used / total,
  };
}

function storageOr500(ctx: Ctx): StorageSpec {
  const node = ctx.p.str('node');
  const id = ctx.p.str('storage');
  return ctx.state.storageOnNode(node, id) ?? die(`storage '${id}' does not exist`);
}

function volidOf(ctx: Ctx): string {
  const volume = ctx.p.str('volume');
  return volume.includes(':') ? volume : `${ctx.p.str('storage')}:${volume}`;
}

function volumeOr500(ctx: Ctx): Volume {
  const volid = volidOf(ctx);
  return ctx.state.volume(ctx.p.str('node'), volid) ?? die(`volume '${volid}' does not exist`);
}

export function contentItem(v: Volume) {
  return {
    volid: v.volid,
    content: v.content,
    format: v.format,
    size: v.size,
    ctime: v.ctime,
    ...(v.vmid !== undefined ? { vmid: v.vmid } : {}),
    ...(v.content === 'images' ? { used: v.size } : {}),
    ...(v.content === 'backup' ? { subtype: 'qemu', notes: v.notes ?? '', protected: v.protected ?? 0 } : {}),
    ...(v.parent ? { parent: v.parent } : {}),
  };
}

registerEffect('imgdel', {
  apply({ state, args }) {
    const v = state.volume(String(args.node), String(args.volid));
    if (!v) throw new Error(`volume '${String(args.volid)}' does not exist`);
    if (v.protected) throw new Error(`cannot remove protected volume '${v.volid.split(':')[1]}' on '${v.storage}'`);
    state.removeVolume(v);
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const nodeRoutes: Routes = {
  // pve-manager PVE/API2/Certificates.pm `info`: root CA, pve-ssl.pem, pveproxy-ssl.pem if present.
  'GET /nodes/{node}/certificates/info': (ctx) => ctx.certs.info(ctx.p.str('node')),
  'GET /nodes': (ctx) =>
    ctx.state.scenario.nodes.map((n) => {
      const down = ctx.state.downNodes.has(n.name);
      return {
        node: n.name,
        id: `node/${n.name}`,
        type: 'node',
        status: down ? 'offline' : 'online',
        level: '',
        ...(down ? {} : nodeUsage(ctx.state, n.name)),
      };
    }),

  'GET /nodes/{node}/status': (ctx) => {
    const node = ctx.p.str('node');
    const spec = ctx.state.scenario.nodes.find((n) => n.name === node)!;
    const u = nodeUsage(ctx.state, node);
    return {
      uptime: u.uptime,
      cpu: u.cpu,
      wait: 0.001,
      loadavg: [(u.cpu * spec.cpus).toFixed(2), '0.50', '0.40'],
      cpuinfo: {
        cpus: spec.cpus,
        cores: spec.cpus / 2,
        sockets: 1,
        model: spec.cpuModel ?? 'AMD EPYC 7443P 24-Core Processor',
        mhz: '2850.000',
        hvm: '1',
        flags: 'fpu vme',
      },
      memory: { total: u.maxmem, used: u.mem, free: u.maxmem - u.mem, available: u.maxmem - u.mem },
      swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
      rootfs: { total: u.maxdisk, used: u.disk, free: u.maxdisk - u.disk, avail: u.maxdisk - u.disk },
      ksm: { shared: 0 },
      kversion: 'Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1',
      pveversion: `pve-manager/${ctx.state.scenario.pveVersion}/a1b2c3d4e5f60789`,
      'current-kernel': { sysname: 'Linux', release: '6.17.2-1-pve', machine: 'x86_64', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1' },
      'boot-info': { mode: 'efi', secureboot: 0 },
      idle: 0,
    };
  },

  'GET /nodes/{node}/storage': (ctx) => {
    const node = ctx.p.str('node');
    const content = ctx.p.optStr('content')?.split(',');
    const only = ctx.p.optStr('storage');
    return ctx.state
      .storagesOnNode(node)
      .filter((s) => (!content || content.some((c) => s.content.includes(c))) && (!only || s.id === only))
      .map((s) => storageStatus(ctx, node, s));
  },

  'GET /nodes/{node}/storage/{storage}/status': (ctx) => storageStatus(ctx, ctx.p.str('node'), storageOr500(ctx)),

  'GET /nodes/{node}/storage/{storage}/content': (ctx) => {
    const s = storageOr500(ctx);
    const content = ctx.p.optStr('content');
    const vmid = ctx.p.optInt('vmid');
    return ctx.state
      .volumesOn(ctx.p.str('node'), s.id)
      .filter((v) => (!content || v.content === content) && (vmid === undefined || v.vmid === vmid))
      .sort((a, b) => (a.volid < b.volid ? -1 : 1))
      .map(contentItem);
  },

  'GET /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    const v = volumeOr500(ctx);
    return {
      path: `/mnt/pve/${v.storage}/${v.volid.split(':')[1]}`,
      size: v.size,
      used: v.size,
      format: v.format,
      notes: v.notes,
      protected: v.protected ?? 0,
    };
  },

  'PUT /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    const v = volumeOr500(ctx);
    if (ctx.p.has('notes')) v.notes = ctx.p.str('notes');
    if (ctx.p.has('protected')) v.protected = ctx.p.bool('protected') ? 1 : 0;
    return null;
  },

  // Returns a UPID (type imgdel); with delay=N waits up to N s and returns null if it ended OK.
  'DELETE /nodes/{node}/storage/{storage}/content/{volume}': async (ctx) => {
    const node = ctx.p.str('node');
    const v = volumeOr500(ctx);
    const task = ctx.state.startTask({
      node,
      type: 'imgdel',
      id: `${v.vmid ?? ''}@${v.storage}`,
      user: ctx.user,
      seconds: ctx.state.scenario.durations.imgdel,
      log: [`Removed volume '${v.volid}'`],
      effect: { kind: 'imgdel', args: { node, volid: v.volid } },
    });
    const delay = ctx.p.optInt('delay');
    if (!delay) return task.upid;
    const until = Date.now() + delay * 1000;
    while (!task.done && Date.now() < until) {
      await sleep(Math.min(20, until - Date.now()));
      ctx.state.advance();
    }
    if (!task.done) return task.upid;
    if (task.error) die(`${task.error}`);
    return null;
  },
};
