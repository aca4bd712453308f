// The client's ISO page (modop=custom&a=ISO) and its ClientApi ops: the ISO images of the
// product's ISO storage grouped as the spec says (the part of the file name before the first
// dash; OTHER without one), mounted into the VM's CD-ROM and ejected again. Every op checks the
// owner, the Active status, the isoMount permission, a ready VM and no Proxmox lock (backup,
// snapshot, restore…): the page says why it is unavailable.
import { AppError } from '../../common/errors.ts';
import { getProductSettings } from '../../provisioner/plan/product-settings.ts';
import { getVm, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor, assertClientOwnsService } from './access.ts';
import { upstream } from './pve.ts';
import type { ServiceCall } from './schemas.ts';
import { loadService } from './service.ts';

type Client = import('../../provisioner/proxmox/index.ts').ProxmoxClient;
type Config = Record<string, unknown>;

export interface IsoImage {
  volid: string;
  name: string;
  size: number;
}

/** The spec's grouping: text before the first '-', or OTHER when the name has no dash. */
export function isoGroup(fileName: string): string {
  const dash = fileName.indexOf('-');
  return dash > 0 ? fileName.slice(0, dash) : 'OTHER';
}

/** Groups sorted by name with OTHER last; images sorted by name inside each group. */
export function groupIsos(images: IsoImage[]): Array<{ group: string; images: IsoImage[] }> {
  const groups = new Map<string, IsoImage[]>();
  for (const i of [...images].sort((a, b) => a.name.localeCompare(b.name))) {
    const g = isoGroup(i.name);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === 'OTHER' ? 1 : b === 'OTHER' ? -1 : a.localeCompare(b)))
    .map(([group, list]) => ({ group, images: list }));
}

const CDROM_KEY = /^(ide|sata)\d+$/;
const isCloudinit = (v: string) => /cloudinit/.test(v);
const isCdrom = (v: string) => /(^|,)media=cdrom(,|$)/.test(v);

/** The CD-ROM the client's ISO goes into: the first non-cloud-init CD-ROM, else a free IDE slot. */
export function cdromSlot(config: Config): string {
  const keys = Object.keys(config)
    .filter((k) => CDROM_KEY.test(k))
    .sort();
  const existing = keys.find((k) => isCdrom(String(config[k])) && !isCloudinit(String(config[k])));
  if (existing) return existing;
  const free = ['ide0', 'ide1', 'ide3', 'ide2'].find((k) => config[k] === undefined);
  if (!free) throw new AppError('PVB_CONFLICT', 'The VM has no free CD-ROM slot', undefined, { key: 'iso.error_no_slot' });
  return free;
}

/** The volid of the ISO in the VM's CD-ROM, or null. */
export function mountedIso(config: Config): string | null {
  for (const [k, v] of Object.entries(config)) {
    if (!CDROM_KEY.test(k) || typeof v !== 'string' || isCloudinit(v)) continue;
    const file = v.split(',')[0]!;
    if (/:iso\//.test(file)) return file;
  }
  return null;
}

interface Ready {
  vm: VmRecord & { vmid: number; node: string };
  storage: string;
}

async function assertMay(ctx: GatewayContext, call: ServiceCall): Promise<Ready> {
  if (call.actor.type === 'client') await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid, 'isoMount');
  else assertActor(call.actor, ['admin', 'system']);
  const s = await loadService(ctx.db, call.params.serviceid);
  const vm = await getVm(ctx.db, s.id);
  if (!vm?.vmid || !vm.node || vm.state !== 'ready')
    throw new AppError('PVB_CONFLICT', `ISO images can be mounted once the VM is ready (state ${vm?.state ?? 'none'})`, undefined, {
      key: 'error.vm_busy',
    });
  const storage = (await getProductSettings(ctx.db, s.productId)).isoStorage;
  if (!storage) throw new AppError('PVB_CONFLICT', 'The product has no ISO storage configured', undefined, { key: 'iso.error_no_storage' });
  return { vm: vm as Ready['vm'], storage };
}

async function withVm<R>(ctx: GatewayContext, r: Ready, fn: (pve: Client, config: Config) => Promise<R>): Promise<R> {
  const { proxmoxForServer } = await import('../../provisioner/servers.ts');
  const pve = await proxmoxForServer(ctx.db, ctx.config, r.vm.serverId);
  try {
    const config = (await pve.nodes(r.vm.node).qemu(r.vm.vmid).config.get()) as Config;
    return await fn(pve, config);
  } catch (err) {
    throw upstream(err, `ISO handling of VM ${r.vm.vmid}`);
  } finally {
    await pve.close();
  }
}

/** A held Proxmox lock (backup, snapshot, rollback, migrate…) blocks mounting and ejecting. */
function assertUnlocked(config: Config): void {
  if (config.lock)
    throw new AppError('PVB_CONFLICT', `The VM is locked (${String(config.lock)})`, undefined, {
      key: 'iso.error_locked',
      args: { lock: String(config.lock) },
    });
}

async function listIsos(pve: Client, r: Ready): Promise<IsoImage[]> {
  const items = await pve.nodes(r.vm.node).storage(r.storage).content.get({ content: 'iso' });
  return items.filter((i) => i.content === 'iso').map((i) => ({ volid: i.volid, name: i.volid.replace(/^.*?:iso\//, ''), size: i.size }));
}

async function view(pve: Client, r: Ready, config: Config) {
  const images = await listIsos(pve, r);
  const current = mountedIso(config);
  return {
    serviceId: r.vm.serviceId,
    current,
    currentName: current ? current.replace(/^.*?:iso\//, '') : null,
    locked: config.lock ? String(config.lock) : null,
    groups: groupIsos(images),
  };
}

/** The page's data: the grouped images of the product's ISO storage and the mounted one. */
export async function isoView(ctx: GatewayContext, call: ServiceCall) {
  const r = await assertMay(ctx, call);
  return withVm(ctx, r, (pve, config) => view(pve, r, config));
}

/** Mounts `volid` (one of the listed images, nothing else) into the VM's CD-ROM. */
export async function isoMount(ctx: GatewayContext, call: ServiceCall & { args: { volid: string } }) {
  const r = await assertMay(ctx, call);
  return withVm(ctx, r, async (pve, config) => {
    assertUnlocked(config);
    if (!(await listIsos(pve, r)).some((i) => i.volid === call.args.volid))
      throw new AppError(
        'PVB_VALIDATION',
        `Not an ISO image of storage ${r.storage}`,
        { volid: 'not an image of the ISO storage' },
        {
          key: 'iso.error_unknown',
        },
      );
    const slot = cdromSlot(config);
    await pve
      .nodes(r.vm.node)
      .qemu(r.vm.vmid)
      .config.put({ [slot]: `${call.args.volid},media=cdrom` });
    const after = (await pve.nodes(r.vm.node).qemu(r.vm.vmid).config.get()) as Config;
    return view(pve, r, after);
  });
}

/** Ejects the ISO: the CD-ROM stays, empty. */
export async function isoUnmount(ctx: GatewayContext, call: ServiceCall) {
  const r = await assertMay(ctx, call);
  return withVm(ctx, r, async (pve, config) => {
    assertUnlocked(config);
    const slots = Object.keys(config).filter((k) => CDROM_KEY.test(k) && /:iso\//.test(String(config[k]).split(',')[0]!));
    if (slots.length)
      await pve
        .nodes(r.vm.node)
        .qemu(r.vm.vmid)
        .config.put(Object.fromEntries(slots.map((k) => [k, 'none,media=cdrom'])));
    const after = (await pve.nodes(r.vm.node).qemu(r.vm.vmid).config.get()) as Config;
    return view(pve, r, after);
  });
}
