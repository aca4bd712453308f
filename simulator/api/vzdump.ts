// POST /nodes/{node}/vzdump: backup archives with notes on a backup storage (pve-manager VZDump).
import { die } from '../http/errors.ts';
import type { Routes } from '../http/context.ts';
import { registerEffect } from '../model/state.ts';
import { GiB } from '../model/disks.ts';

const pad = (n: number) => String(n).padStart(2, '0');

function archiveName(vmid: number, date: Date, compress: string): string {
  const stamp = `${date.getFullYear()}_${pad(date.getMonth() + 1)}_${pad(date.getDate())}-${pad(date.getHours())}_${pad(date.getMinutes())}_${pad(date.getSeconds())}`;
  const ext = { '0': '', '1': '.lzo', gzip: '.gz', lzo: '.lzo', zstd: '.zst' }[compress] ?? '';
  return `vzdump-qemu-${vmid}-${stamp}.vma${ext}`;
}

registerEffect('vzdump', {
  apply({ state, args, task }) {
    const storage = state.storage(String(args.storage))!;
    for (const vmid of args.vmids as number[]) {
      const vm = state.vms.get(vmid);
      if (!vm) throw new Error(`unable to find VM ${vmid}`);
      const name = archiveName(vmid, new Date(), String(args.compress));
      const notes = String(args.notesTemplate ?? '')
        .replace(/\{\{cluster\}\}/g, state.scenario.clusterName)
        .replace(/\{\{guestname\}\}/g, vm.config.name ?? `VM ${vmid}`)
        .replace(/\{\{node\}\}/g, vm.node)
        .replace(/\{\{vmid\}\}/g, String(vmid));
      const config = { ...vm.config };
      delete config.lock;
      state.addVolume({
        volid: `${storage.id}:backup/${name}`,
        storage: storage.id,
        node: storage.shared ? null : vm.node,
        content: 'backup',
        format: name.replace(/^.*?\.vma/, 'vma'),
        size: Math.max(1, Math.round(state.diskBytes(vm) * 0.4)),
        ctime: state.now(),
        vmid,
        notes,
        protected: args.protected ? 1 : 0,
        archivedConfig: config,
      });
      task.log.push(`INFO: creating vzdump archive '${name}'`, `INFO: Finished Backup of VM ${vmid}`);
      state.unlock(vmid);
    }
  },
  cleanup({ state, args }) {
    if (args.locked) for (const vmid of args.vmids as number[]) state.unlock(vmid);
  },
});

export const vzdumpRoutes: Routes = {
  'POST /nodes/{node}/vzdump': (ctx) => {
    const node = ctx.p.str('node');
    const vmids = (ctx.p.optStr('vmid') ?? '')
      .split(/[,;\s]+/)
      .filter(Boolean)
      .map(Number);
    if (!vmids.length && !ctx.p.bool('all')) die('no guests specified');
    const storageId = ctx.p.optStr('storage') ?? 'local';
    const storage = ctx.state.storageOnNode(node, storageId) ?? die(`storage '${storageId}' does not exist`);
    if (!storage.content.includes('backup')) die(`storage '${storageId}' does not support backups`);
    const vms = vmids.map((id) => ctx.state.vms.get(id));
    const missing = vmids.find((id, i) => !vms[i] || vms[i]!.node !== node);
    const locked = vms.find((vm) => vm?.config.lock);
    const gib = vms.reduce((s, vm) => s + (vm ? ctx.state.diskBytes(vm) / GiB : 0), 0);
    const error = missing ? `guest '${missing}' is not on node '${node}'` : locked ? `VM is locked (${locked.config.lock})` : undefined;
    if (!error) for (const vm of vms) vm!.config.lock = 'backup';
    return ctx.state.startTask({
      node,
      type: 'vzdump',
      id: vmids.length === 1 ? vmids[0]! : '',
      user: ctx.user,
      seconds: ctx.state.scenario.durations.vzdumpPerGiB * gib,
      error,
      log: vmids.map((id) => `INFO: Starting Backup of VM ${id} (qemu)`),
      effect: {
        kind: 'vzdump',
        args: {
          vmids,
          locked: !error,
          storage: storageId,
          compress: ctx.p.optStr('compress') ?? '0',
          notesTemplate: ctx.p.optStr('notes-template'),
          protected: ctx.p.bool('protected'),
        },
      },
    }).upid;
  },
};
