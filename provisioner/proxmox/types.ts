// Shapes of the Proxmox replies pvebridge reads (a subset of each; Proxmox sends more).
import type { Params } from './transport.ts';

export type Upid = string;

export interface TaskStatus {
  upid: Upid;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export interface TaskResult {
  upid: Upid;
  node: string;
  type: string;
  id: string;
  exitstatus: string;
  /** exitstatus "OK" or "WARNINGS: n". */
  ok: boolean;
}

export interface ClusterResource {
  id: string;
  type: 'node' | 'storage' | 'qemu' | 'lxc' | 'pool' | 'sdn' | 'network';
  node?: string;
  status?: string;
  vmid?: number;
  name?: string;
  template?: number;
  storage?: string;
  content?: string;
  shared?: number;
  plugintype?: string;
  maxcpu?: number;
  cpu?: number;
  maxmem?: number;
  mem?: number;
  maxdisk?: number;
  disk?: number;
  uptime?: number;
  lock?: string;
  tags?: string;
}

export interface NodeListItem {
  node: string;
  status: 'online' | 'offline' | 'unknown';
  maxcpu?: number;
  cpu?: number;
  maxmem?: number;
  mem?: number;
}

export interface StorageStatus {
  storage: string;
  type: string;
  content: string;
  active?: number;
  enabled?: number;
  shared?: number;
  total?: number;
  used?: number;
  avail?: number;
}

export interface StorageContentItem {
  volid: string;
  content: string;
  format: string;
  size: number;
  ctime?: number;
  vmid?: number;
  notes?: string;
  protected?: number;
  parent?: string;
}

export interface VmStatus {
  vmid: number;
  name?: string;
  status: 'running' | 'stopped';
  qmpstatus?: string;
  lock?: string;
  template?: number;
  agent?: number;
  cpus?: number;
  maxmem?: number;
  mem?: number;
  maxdisk?: number;
  uptime?: number;
}

export type VmConfig = Record<string, string | number> & { digest: string };

export interface PendingItem {
  key: string;
  value?: string | number;
  pending?: string | number;
  delete?: number;
}

export interface SnapshotItem {
  name: string;
  description?: string;
  snaptime?: number;
  vmstate?: number;
  parent?: string;
  running?: number;
}

export interface FirewallRule {
  pos: number;
  type: string;
  action: string;
  enable?: number;
  source?: string;
  dest?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  macro?: string;
  iface?: string;
  comment?: string;
  digest?: string;
}

export interface IpsetEntry {
  cidr: string;
  comment?: string;
  nomatch?: number;
}

export interface RrdPoint {
  time: number;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  netin?: number;
  netout?: number;
  diskread?: number;
  diskwrite?: number;
  [key: string]: number | undefined;
}

/** pve-common `pve-certificate-info` (every field optional in the schema). */
export interface CertificateInfo {
  filename?: string;
  /** SHA-256, upper-case hex pairs joined by ':'. */
  fingerprint?: string;
  pem?: string;
  subject?: string;
  issuer?: string;
  san?: string[];
  notbefore?: number;
  notafter?: number;
}

export interface VncProxy {
  user: string;
  ticket: string;
  port: number;
  upid: Upid;
  cert: string;
  password?: string;
}

export interface VersionInfo {
  version: string;
  release: string;
  repoid: string;
}

/** VM config keys as Proxmox names them (net0, scsi0, ipconfig0, …) plus the documented ones. */
export type ConfigParams = Params & {
  name?: string;
  cores?: number;
  sockets?: number;
  memory?: string | number;
  description?: string;
  tags?: string;
  /** Must already be URL-encoded: use encodeSshKeys(). */
  sshkeys?: string;
  ciuser?: string;
  cipassword?: string;
  delete?: string;
  digest?: string;
};

export interface CloneParams extends Params {
  newid: number;
  name?: string;
  target?: string;
  full?: boolean;
  storage?: string;
  format?: 'raw' | 'qcow2' | 'vmdk';
  pool?: string;
  snapname?: string;
  description?: string;
  bwlimit?: number;
}

export interface MigrateParams extends Params {
  target: string;
  online?: boolean;
  targetstorage?: string;
  'with-local-disks'?: boolean;
}

export interface ResizeParams extends Params {
  disk: string;
  /** "+10G" grows by, "40G" sets the absolute size. */
  size: string;
  digest?: string;
}

export interface VzdumpParams extends Params {
  vmid: string | number;
  storage?: string;
  mode?: 'snapshot' | 'suspend' | 'stop';
  compress?: '0' | '1' | 'gzip' | 'lzo' | 'zstd';
  'notes-template'?: string;
  protected?: boolean;
  remove?: boolean;
}
