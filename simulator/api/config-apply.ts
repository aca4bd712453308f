// Applying config changes (qemu-server update_vm_api / vmconfig_hotplug_pending): disk
// allocation from "<storage>:<GiB>", cloud-init drives, volume checks, hashed cipassword, and
// the hot-plug rule — on a running VM what cannot be hot-plugged goes to `pending`.
import { createHash } from 'node:crypto';
import { validSshKeyLines } from '../model/ssh-keys.ts';
import { die } from '../http/errors.ts';
import { DISK_KEY, formatSize, GiB, isCdrom, isCloudinit, parseDrive, printDrive, UNUSED_KEY } from '../model/disks.ts';
import type { ClusterState } from '../model/state.ts';
import type { Vm } from '../model/types.ts';

/** Request parameters that are not config keys. */
export const CONTROL_KEYS = new Set([
  'node',
  'vmid',
  'digest',
  'skiplock',
  'delete',
  'revert',
  'background_delay',
  'force',
  'archive',
  'bwlimit',
  'live-restore',
  'pool',
  'start',
  'storage',
  'unique',
  'import-working-storage',
  'ha-managed',
]);

const FAST_PLUG = new Set([
  'name',
  'description',
  'onboot',
  'protection',
  'tags',
  'startup',
  'shares',
  'hookscript',
  'migrate_downtime',
  'migrate_speed',
  'vmstatestorage',
  'lock',
]);
const CLOUDINIT = /^(ciuser|cipassword|citype|ciupgrade|cicustom|sshkeys|nameserver|searchdomain|ipconfig\d+)$/;
function hotplugFeatures(value: string | undefined): Set<string> {
  if (value === undefined || value === '1') return new Set(['network', 'disk', 'usb']);
  if (value === '0') return new Set();
  return new Set(value.split(','));
}

export function hotpluggable(vm: Vm, key: string): boolean {
  if (FAST_PLUG.has(key) || CLOUDINIT.test(key)) return true;
  const hp = hotplugFeatures(vm.config.hotplug);
  if (/^net\d+$/.test(key)) return hp.has('network');
  if (DISK_KEY.test(key) || UNUSED_KEY.test(key)) return hp.has('disk');
  if (/^usb\d+$/.test(key)) return hp.has('usb');
  if (key === 'memory') return hp.has('memory');
  if (key === 'vcpus') return hp.has('cpu');
  return key === 'balloon';
}

function isWindows(config: Record<string, string>): boolean {
  return /^(win|w2k)/.test(config.ostype ?? '');
}

function prepareDisk(state: ClusterState, vm: Vm, key: string, value: string): string {
  const drive = parseDrive(key, value);
  const file = drive.file;
  if (file === 'none' || file === 'cdrom' || file.startsWith('/')) return value;
  const storageId = file.split(':')[0]!;
  const rest = file.slice(storageId.length + 1);
  if (rest === 'cloudinit') {
    const vol = state.allocDisk(vm.node, vm.vmid, storageId, 4 * 1024 * 1024, 'cloudinit');
    return printDrive({ ...drive, file: vol.volid, media: 'cdrom' });
  }
  if (/^\d+(\.\d+)?$/.test(rest) && !state.volume(vm.node, file)) {
    const size = Math.round(Number(rest) * GiB);
    const vol = state.allocDisk(vm.node, vm.vmid, storageId, size);
    if (drive.format) vol.format = drive.format;
    return printDrive({ ...drive, file: vol.volid, size: formatSize(size) });
  }
  if (!state.storageOnNode(vm.node, storageId)) die(`storage '${storageId}' does not exist`);
  const vol = state.volume(vm.node, file);
  if (!vol) return die(`volume '${file}' does not exist`);
  if (isCdrom(drive) || vol.content === 'iso') return value;
  return drive.size ? value : printDrive({ ...drive, size: formatSize(vol.size) });
}

/** Turns a requested value into what the config stores (allocating volumes where asked). */
export function prepareValue(state: ClusterState, vm: Vm, key: string, value: string): string {
  if (DISK_KEY.test(key)) return prepareDisk(state, vm, key, value);
  if (key === 'sshkeys') {
    // Proxmox decodes and checks every line with ssh-keygen before forking (update_vm_api).
    if (!validSshKeyLines(decodeURIComponent(value))) die('SSH public key validation error');
    return value;
  }
  if (key === 'cipassword' && !isWindows(vm.config)) return `$5$sim$${createHash('sha256').update(value).digest('base64')}`;
  if (/^net\d+$/.test(key) && !/[0-9A-F]{2}(:[0-9A-F]{2}){5}/i.test(value))
    return value.replace(/^(model=)?([a-z0-9_-]+)/, (_m, _k, model: string) => `${model}=${state.macAddress()}`);
  return value;
}

/** Removes a disk: real disks become unusedN (or are destroyed with force); cloud-init volumes go. */
export function removeKey(state: ClusterState, vm: Vm, key: string, force: boolean): void {
  const value = vm.config[key];
  delete vm.config[key];
  if (value === undefined || !(DISK_KEY.test(key) || UNUSED_KEY.test(key))) return;
  const drive = parseDrive(DISK_KEY.test(key) ? key : 'scsi0', value);
  const vol = state.volume(vm.node, drive.file);
  if (!vol || vol.content === 'iso') return;
  if (force || UNUSED_KEY.test(key) || isCloudinit(drive.file)) {
    state.removeVolume(vol);
    return;
  }
  let n = 0;
  while (vm.config[`unused${n}`] !== undefined) n++;
  vm.config[`unused${n}`] = drive.file;
}

export interface ConfigChange {
  set: Record<string, string>;
  del: string[];
  revert: string[];
  force: boolean;
}

export function changesFrom(raw: Record<string, unknown>): ConfigChange {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!CONTROL_KEYS.has(k)) set[k === 'cdrom' ? 'ide2' : k] = String(v);
  const list = (k: string) =>
    raw[k] === undefined
      ? []
      : String(raw[k])
          .split(/[,;\s]+/)
          .filter(Boolean);
  return { set, del: list('delete'), revert: list('revert'), force: raw.force === 1 };
}

/** Applies a change set; non-hot-pluggable keys of a running VM go to pending. */
export function applyChanges(state: ClusterState, vm: Vm, change: ConfigChange): void {
  const running = vm.status !== 'stopped';
  for (const key of change.revert) {
    delete vm.pending[key];
    vm.pendingDelete = vm.pendingDelete.filter((k) => k !== key);
  }
  for (const key of change.del) {
    if (running && !hotpluggable(vm, key)) {
      if (!vm.pendingDelete.includes(key)) vm.pendingDelete.push(key);
    } else removeKey(state, vm, key, change.force);
  }
  for (const [key, raw] of Object.entries(change.set)) {
    const value = prepareValue(state, vm, key, raw);
    if (running && !hotpluggable(vm, key)) {
      vm.pending[key] = value;
      continue;
    }
    if (DISK_KEY.test(key) && vm.config[key] !== undefined && parseDrive(key, vm.config[key]!).file !== parseDrive(key, value).file)
      removeKey(state, vm, key, false);
    vm.config[key] = value;
    delete vm.pending[key];
  }
}

/** At start/reboot Proxmox applies everything pending. */
export function applyPending(state: ClusterState, vm: Vm): void {
  for (const key of vm.pendingDelete) removeKey(state, vm, key, false);
  for (const [key, value] of Object.entries(vm.pending)) vm.config[key] = value;
  vm.pending = {};
  vm.pendingDelete = [];
}
