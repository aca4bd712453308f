// Deploy steps set_ip → clone → set_dns → migrated.
import { StepWait } from '../engine/engine.ts';
import { done, skip, type TaskRecovery } from '../engine/types.ts';
import { dnsStepResult, dnsTargetOf } from '../dns/index.ts';
import { reserveVmid } from '../plan/naming.ts';
import { ProxmoxError, type ProxmoxClient, type VmConfig } from '../proxmox/index.ts';
import { data, plan, pveOf, qemu, taskOpts, type Ctx } from './deploy-shared.ts';

/**
 * The VMID of this deploy: reserved in our DB (unique per server), then checked free in Proxmox
 * (/cluster/nextid?vmid=N; it reserves nothing). An id Proxmox already uses is skipped; after a
 * few, the cluster's VM list is read once to skip them all.
 */
async function reserveFreeVmid(ctx: Ctx, pve: ProxmoxClient, first: number): Promise<number> {
  // A clone sent (even one whose reply was lost: pendingStep without UPID) keeps its VMID.
  const started =
    ctx.vm.pendingUpid || ctx.vm.pendingStep === CLONE_TAG || (ctx.vm.data._tasks as Record<string, string> | undefined)?.[CLONE_TAG];
  if (ctx.vm.vmid !== null && started) return ctx.vm.vmid;
  const taken = new Set<number>();
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = ctx.vm.vmid ?? (await reserveVmid(ctx.db, ctx.vm.serviceId, ctx.vm.serverId, first, taken));
    if (ctx.vm.vmid === null) await ctx.patch({ vmid: id });
    try {
      await pve.cluster.nextid.get({ vmid: id });
      return id;
    } catch (err) {
      if (!(err instanceof ProxmoxError && err.kind === 'parameter')) throw err;
    }
    taken.add(id);
    await ctx.patch({ vmid: null });
    if (attempt === 2) for (const r of await pve.cluster.resources.get({ type: 'vm' })) if (r.vmid) taken.add(Number(r.vmid));
  }
  throw new Error(`no free VMID from ${first} after 20 attempts`);
}

const CLONE_TAG = 'set_ip:clone';

/**
 * A clone whose reply was lost, found by its VMID (reserved for us before the send): our VM,
 * locked while the clone runs, then with our name and description. A VM under that id that is
 * not ours means the send never created it: the reservation moves on (and the clone is sent).
 */
async function findClone(ctx: Ctx, pve: ProxmoxClient, node: string, description: string): Promise<TaskRecovery> {
  const id = ctx.vm.vmid!;
  let conf: VmConfig;
  try {
    conf = await pve.nodes(node).qemu(id).config.get();
  } catch (err) {
    if (err instanceof ProxmoxError && err.kind === 'not_found') return 'absent';
    throw err;
  }
  if (conf.lock === 'clone') return 'running';
  if (conf.name === (ctx.vm.vmName ?? undefined) && String(conf.description ?? '').includes(description)) return 'done';
  await ctx.patch({ vmid: null, pendingStep: null, data: { _intent: null } });
  throw new StepWait(`VMID ${id} is used by a VM that is not ours: reserving another`);
}

export async function clone(ctx: Ctx) {
  const p = plan(ctx);
  const d = data(ctx);
  const pve = await pveOf(ctx);
  const description = `pvebridge service=${ctx.vm.serviceId}`;
  const id = await reserveFreeVmid(ctx, pve, p.firstVmId);
  const pl = d.placement;
  const cloneOpts = {
    ...(await taskOpts(ctx, 'clone')),
    recover: () => findClone(ctx, pve, pl.cloneTarget ?? d.templateNode, description),
  };
  await ctx.task(
    'clone',
    () =>
      pve
        .nodes(d.templateNode)
        .qemu(p.templateVmid)
        .clone.send({
          newid: id,
          name: ctx.vm.vmName ?? undefined,
          description,
          full: pl.full,
          ...(pl.cloneTarget && { target: pl.cloneTarget }),
          ...(pl.full && p.systemDisk.storage && !pl.migrate && { storage: p.systemDisk.storage }),
        }),
    cloneOpts,
  );
  const node = pl.cloneTarget ?? d.templateNode;
  const conf = await pve.nodes(node).qemu(id).config.get();
  const uuid = /uuid=([0-9a-f-]{36})/i.exec(String(conf.smbios1 ?? ''))?.[1] ?? null;
  await ctx.patch({ node, vmUuid: uuid });
  return done(`VM ${id} on ${node} (${pl.full ? 'full' : 'linked'} clone of ${p.templateVmid})`);
}

// --- clone → set_dns: forward/reverse records; DNS errors never block (invariant 6)

export async function setDns(ctx: Ctx) {
  return dnsStepResult(await ctx.env.dns.sync(await dnsTargetOf(ctx.db, ctx.vm), ctx.say));
}

// --- set_dns → migrated

export async function migrate(ctx: Ctx) {
  const pl = data(ctx).placement;
  if (!pl.migrate || ctx.vm.node === pl.target) return skip(pl.note);
  const s = await ctx.env.settings();
  if (!s.migrationEnabled) return skip(`post-clone migration is disabled: staying on ${ctx.vm.node}`);
  const from = ctx.vm.node!;
  const vm = await qemu(ctx);
  // Proxmox aborts a migration that finds an ISO on local storage in a CD-ROM: empty those first
  // (not when resuming a migration already sent: the VM may have left this node by now).
  const sent = ctx.vm.pendingUpid || (ctx.vm.data._tasks as Record<string, string> | undefined)?.['set_dns:migrate'];
  if (pl.ejectCdroms?.length && !sent) {
    const c = await vm.config.get();
    const eject = pl.ejectCdroms.filter((k) => /:iso\//.test(String(c[k] ?? '')));
    if (eject.length) await vm.config.put(Object.fromEntries(eject.map((k) => [k, 'none,media=cdrom'])));
  }
  await ctx.task(
    'migrate',
    () => vm.migrate.send({ target: pl.target, targetstorage: pl.targetStorage }),
    await taskOpts(ctx, 'migration', s.migrationTimeout * 1000),
  );
  await ctx.patch({ node: pl.target });
  return done(`${from} → ${pl.target}`);
}
