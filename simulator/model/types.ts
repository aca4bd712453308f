// The cluster model the simulator keeps (and may persist to a JSON file).

export interface NodeSpec {
  name: string;
  cpus: number;
  memoryGiB: number;
  bridges: string[];
  cpuModel?: string;
  /** 'custom': the node has its own pveproxy-ssl.pem (uploaded or ACME), not signed by the cluster CA. */
  certificate?: 'cluster' | 'custom';
}

export interface StorageSpec {
  id: string;
  type: 'dir' | 'lvmthin' | 'nfs' | 'rbd' | 'zfspool' | 'cifs';
  shared: boolean;
  content: string[];
  totalGiB: number;
  /** Nodes that have this storage; all nodes when unset. */
  nodes?: string[];
  /** Directory of a file storage; cicustom snippets are read from <path>/snippets/ (Cloudinit.pm). */
  path?: string;
}

export interface IsoSpec {
  storage: string;
  file: string;
  sizeMiB: number;
}

export interface VmSpec {
  vmid: number;
  node: string;
  status?: 'running' | 'stopped';
  /** Proxmox config keys as strings; disk volumes are registered from their `size=`. */
  config: Record<string, string | number>;
}

/** Task durations in seconds (before timeScale). */
export interface Durations {
  create: number;
  restorePerGiB: number;
  fullClonePerGiB: number;
  linkedClone: number;
  migrate: number;
  migratePerGiB: number;
  resize: number;
  vzdumpPerGiB: number;
  start: number;
  stop: number;
  shutdown: number;
  reboot: number;
  suspend: number;
  resume: number;
  reset: number;
  destroy: number;
  snapshot: number;
  rollback: number;
  template: number;
  config: number;
  imgdel: number;
}

export interface VncSpec {
  /** host:port of the VNC server the console listener bridges to. */
  backend?: string;
  /** Port range the listener binds on 127.0.0.1 (Proxmox: 5900–5999); [0, 0] = any free port. */
  ports: [number, number];
  acceptTimeoutSec: number;
  /** Use this VNC password instead of a random one (for a real Xvnc backend with a fixed password). */
  fixedPassword?: string;
}

export interface FaultRule {
  /** Regular expression matched against the path below /api2/json. */
  path: string;
  method?: string;
  /** 0..1; applied with the seeded RNG. */
  rate?: number;
  /** Stop after this many hits (bounded faults). */
  times?: number;
}

export interface Faults {
  seed?: number;
  errors?: Array<FaultRule & { status?: number; message?: string }>;
  latency?: Array<FaultRule & { ms: number }>;
  /** Requests that get no answer; the socket is closed after `ms` (default 30 s). */
  hang?: Array<FaultRule & { ms?: number }>;
  /** Tasks (by UPID type, e.g. qmclone; any when unset) that end in an error. */
  taskFailures?: Array<{ type?: string; rate?: number; times?: number; message?: string }>;
  nodesDown?: string[];
  /** VMs without RRD data (pvestatd restarting): /cluster/resources lists them as status unknown. */
  rrdMissing?: number[];
  /** Locks set on VMs that no task clears. */
  stuckLocks?: Array<{ vmid: number; lock: string }>;
}

export interface Scenario {
  pveVersion: string;
  clusterName: string;
  seed: number;
  nextIdLower: number;
  nodes: NodeSpec[];
  storages: StorageSpec[];
  isos: IsoSpec[];
  vms: VmSpec[];
  durations: Durations;
  vnc: VncSpec;
  faults: Faults;
  /** What GET /access/permissions answers for the token: path → privilege → propagate. */
  permissions: Record<string, Record<string, number>>;
}

export interface Volume {
  volid: string;
  storage: string;
  /** Owning node for local storages; null on shared storages. */
  node: string | null;
  content: string;
  format: string;
  size: number;
  ctime: number;
  vmid?: number;
  notes?: string;
  protected?: number;
  parent?: string;
  /** vzdump archives keep the guest config for restores. */
  archivedConfig?: Record<string, string>;
}

export interface Snapshot {
  name: string;
  description: string;
  snaptime: number;
  vmstate: number;
  parent?: string;
  config: Record<string, string>;
}

export interface FirewallRule {
  type: string;
  action: string;
  enable?: number;
  [key: string]: string | number | undefined;
}

export interface Firewall {
  options: Record<string, string | number>;
  rules: FirewallRule[];
  ipsets: Record<string, { comment?: string; entries: Array<{ cidr: string; comment?: string; nomatch?: number }> }>;
}

export interface Vm {
  vmid: number;
  node: string;
  config: Record<string, string>;
  pending: Record<string, string>;
  pendingDelete: string[];
  status: 'running' | 'stopped' | 'paused';
  startedAt?: number;
  snapshots: Record<string, Snapshot>;
  firewall: Firewall;
  /** A lock no task clears (fault injection). */
  stuckLock?: boolean;
  agentPasswords?: string[];
}

export interface TaskEffect {
  kind: string;
  args: Record<string, unknown>;
}

export interface Task {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  pid: number;
  pstart: number;
  starttime: number;
  startMs: number;
  /** Infinity for tasks that end explicitly (vncproxy). */
  endMs: number;
  done: boolean;
  /** Set at start by in-task checks or at the end by the effect. */
  error?: string;
  exitstatus?: string;
  log: string[];
  effect?: TaskEffect;
}
