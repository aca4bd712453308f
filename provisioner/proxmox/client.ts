// The typed Proxmox client: the API's path tree as objects, e.g.
//   pve.nodes('pve1').qemu(100).clone.send({ newid: 101 })  → UPID
//   pve.tasks.wait(upid)                                     → TaskResult
import { CallFactory, seg, type Call, type TaskCall } from './calls.ts';
import { Transport, type Params, type TransportOptions } from './transport.ts';
import { nodeOfUpid, waitTask, type WaitOptions } from './tasks.ts';
import type * as T from './types.ts';

export interface ProxmoxClientOptions extends TransportOptions {
  retries?: number;
  retryDelayMs?: number;
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
}

const fw = (f: CallFactory, base: string) => ({
  options: {
    get: f.call<Params, Record<string, string | number>>('GET', `${base}/options`),
    put: f.call<Params, null>('PUT', `${base}/options`),
  },
  rules: Object.assign(
    (pos: number) => ({
      get: f.call<Params, T.FirewallRule>('GET', `${base}/rules/${pos}`),
      put: f.call<Params, null>('PUT', `${base}/rules/${pos}`),
      delete: f.call<Params, null>('DELETE', `${base}/rules/${pos}`),
    }),
    {
      get: f.call<Params, T.FirewallRule[]>('GET', `${base}/rules`),
      post: f.call<Params & { type: string; action: string }, null>('POST', `${base}/rules`),
    },
  ),
  ipset: Object.assign(
    (name: string) => ({
      get: f.call<Params, T.IpsetEntry[]>('GET', `${base}/ipset/${seg(name)}`),
      post: f.call<Params & { cidr: string }, null>('POST', `${base}/ipset/${seg(name)}`),
      delete: f.call<Params, null>('DELETE', `${base}/ipset/${seg(name)}`),
      cidr: (cidr: string) => ({
        get: f.call<Params, T.IpsetEntry>('GET', `${base}/ipset/${seg(name)}/${seg(cidr)}`),
        put: f.call<Params, null>('PUT', `${base}/ipset/${seg(name)}/${seg(cidr)}`),
        delete: f.call<Params, null>('DELETE', `${base}/ipset/${seg(name)}/${seg(cidr)}`),
      }),
    }),
    {
      get: f.call<Params, Array<{ name: string; comment?: string; digest: string }>>('GET', `${base}/ipset`),
      post: f.call<Params & { name: string }, null>('POST', `${base}/ipset`),
    },
  ),
});

function qemuVm(f: CallFactory, node: string, vmid: number) {
  const base = `/nodes/${seg(node)}/qemu/${vmid}`;
  const task = <P extends Params = Params>(method: 'POST' | 'PUT' | 'DELETE', path: string, heavy = false): TaskCall<P> =>
    f.task<P>(method, `${base}${path}`, node, heavy);
  const snapshot = (name: string) => ({
    delete: task('DELETE', `/snapshot/${seg(name)}`),
    rollback: task<Params & { start?: boolean }>('POST', `/snapshot/${seg(name)}/rollback`),
    config: {
      get: f.call<Params, T.VmConfig>('GET', `${base}/snapshot/${seg(name)}/config`),
      put: f.call<Params, null>('PUT', `${base}/snapshot/${seg(name)}/config`),
    },
  });
  return {
    destroy: task<Params & { purge?: boolean; 'destroy-unreferenced-disks'?: boolean }>('DELETE', ''),
    config: {
      get: f.call<Params & { current?: boolean; snapshot?: string }, T.VmConfig>('GET', `${base}/config`),
      /** Synchronous update (PUT); returns null. */
      put: f.call<T.ConfigParams, null>('PUT', `${base}/config`),
      /** Asynchronous update (POST): a qmconfig task. */
      ...task<T.ConfigParams>('POST', '/config'),
    },
    pending: { get: f.call<Params, T.PendingItem[]>('GET', `${base}/pending`) },
    unlink: { put: f.call<Params & { idlist: string; force?: boolean }, null>('PUT', `${base}/unlink`) },
    cloudinit: { put: f.call<Params, null>('PUT', `${base}/cloudinit`) },
    status: {
      current: { get: f.call<Params, T.VmStatus>('GET', `${base}/status/current`) },
      start: task('POST', '/status/start'),
      stop: task('POST', '/status/stop'),
      shutdown: task<Params & { timeout?: number; forceStop?: boolean }>('POST', '/status/shutdown'),
      reboot: task('POST', '/status/reboot'),
      reset: task('POST', '/status/reset'),
      suspend: task<Params & { todisk?: boolean }>('POST', '/status/suspend'),
      resume: task('POST', '/status/resume'),
    },
    resize: task<T.ResizeParams>('PUT', '/resize'),
    migrate: task<T.MigrateParams>('POST', '/migrate', true),
    clone: task<T.CloneParams>('POST', '/clone', true),
    template: task('POST', '/template'),
    snapshot: Object.assign(snapshot, {
      get: f.call<Params, T.SnapshotItem[]>('GET', `${base}/snapshot`),
      ...task<Params & { snapname: string; description?: string; vmstate?: boolean }>('POST', '/snapshot'),
    }),
    firewall: fw(f, `${base}/firewall`),
    rrddata: {
      get: f.call<Params & { timeframe: 'hour' | 'day' | 'week' | 'month' | 'year'; cf?: 'AVERAGE' | 'MAX' }, T.RrdPoint[]>(
        'GET',
        `${base}/rrddata`,
        true,
      ),
    },
    vncproxy: { post: f.call<Params & { websocket?: boolean; 'generate-password'?: boolean }, T.VncProxy>('POST', `${base}/vncproxy`) },
    agent: {
      ping: { post: f.call<Params, { result: unknown }>('POST', `${base}/agent/ping`) },
      setUserPassword: {
        post: f.call<Params & { username: string; password: string; crypted?: boolean }, { result: unknown }>(
          'POST',
          `${base}/agent/set-user-password`,
        ),
      },
      networkGetInterfaces: { get: f.call<Params, { result: unknown[] }>('GET', `${base}/agent/network-get-interfaces`) },
    },
  };
}

function nodeApi(f: CallFactory, node: string) {
  const base = `/nodes/${seg(node)}`;
  const storage = (sid: string) => ({
    status: { get: f.call<Params, T.StorageStatus>('GET', `${base}/storage/${seg(sid)}/status`) },
    content: Object.assign(
      (volume: string) => ({
        get: f.call<Params, Record<string, unknown>>('GET', `${base}/storage/${seg(sid)}/content/${seg(volume)}`),
        put: f.call<Params & { notes?: string; protected?: boolean }, null>('PUT', `${base}/storage/${seg(sid)}/content/${seg(volume)}`),
        delete: f.task('DELETE', `${base}/storage/${seg(sid)}/content/${seg(volume)}`, node),
      }),
      {
        get: f.call<Params & { content?: string; vmid?: number }, T.StorageContentItem[]>(
          'GET',
          `${base}/storage/${seg(sid)}/content`,
          true,
        ),
      },
    ),
  });
  return {
    status: { get: f.call<Params, Record<string, unknown>>('GET', `${base}/status`) },
    /** pve-manager Certificates.pm `info`: pve-root-ca.pem, pve-ssl.pem and pveproxy-ssl.pem if installed. */
    certificates: { info: { get: f.call<Params, T.CertificateInfo[]>('GET', `${base}/certificates/info`) } },
    storage: Object.assign(storage, {
      get: f.call<Params & { content?: string; storage?: string }, T.StorageStatus[]>('GET', `${base}/storage`),
    }),
    tasks: Object.assign(
      (upid: string) => ({
        status: { get: f.call<Params, T.TaskStatus>('GET', `${base}/tasks/${seg(upid)}/status`) },
        log: {
          get: f.call<Params & { start?: number; limit?: number }, Array<{ n: number; t: string }>>(
            'GET',
            `${base}/tasks/${seg(upid)}/log`,
          ),
        },
      }),
      { get: f.call<Params, T.TaskStatus[]>('GET', `${base}/tasks`) },
    ),
    vzdump: f.task<T.VzdumpParams>('POST', `${base}/vzdump`, node, true),
    qemu: Object.assign((vmid: number) => qemuVm(f, node, vmid), {
      get: f.call<Params, Array<T.VmStatus & { name: string }>>('GET', `${base}/qemu`),
      /** POST /nodes/{node}/qemu: create, or restore with `archive` (+ `force`). */
      create: f.task<
        T.ConfigParams & { vmid: number; archive?: string; force?: boolean; storage?: string; unique?: boolean; start?: boolean }
      >('POST', `${base}/qemu`, node, true),
    }),
  };
}

export function createProxmoxClient(opts: ProxmoxClientOptions) {
  const transport = new Transport(opts);
  const wait: WaitOptions = { pollIntervalMs: opts.pollIntervalMs ?? 1000, timeoutMs: opts.waitTimeoutMs ?? 30 * 60_000 };
  const f = new CallFactory(transport, { retries: opts.retries ?? 3, retryDelayMs: opts.retryDelayMs ?? 500, wait });
  const waitFor = (nodeOrUpid: string, upidOrOpts?: string | WaitOptions, maybeOpts?: WaitOptions) => {
    const upid = typeof upidOrOpts === 'string' ? upidOrOpts : nodeOrUpid;
    const node = typeof upidOrOpts === 'string' ? nodeOrUpid : nodeOfUpid(upid);
    const o = typeof upidOrOpts === 'object' ? upidOrOpts : maybeOpts;
    return waitTask(transport, node, upid, { ...wait, ...o });
  };
  return {
    version: { get: f.call<Params, T.VersionInfo>('GET', '/version') },
    access: {
      permissions: {
        get: f.call<Params & { path?: string; userid?: string }, Record<string, Record<string, number>>>('GET', '/access/permissions'),
      },
    },
    cluster: {
      resources: { get: f.call<Params & { type?: 'vm' | 'storage' | 'node' | 'sdn' }, T.ClusterResource[]>('GET', '/cluster/resources') },
      nextid: { get: async (p?: { vmid?: number }) => Number(await f.call<Params, string | number>('GET', '/cluster/nextid')(p)) },
      tasks: { get: f.call<Params, T.TaskStatus[]>('GET', '/cluster/tasks') },
    },
    nodes: Object.assign((node: string) => nodeApi(f, node), { get: f.call<Params, T.NodeListItem[]>('GET', '/nodes') }),
    tasks: {
      /** wait(upid) or wait(node, upid): polls until the task stops; never re-sends it. */
      wait: waitFor as {
        (upid: T.Upid, opts?: WaitOptions): Promise<T.TaskResult>;
        (node: string, upid: T.Upid, opts?: WaitOptions): Promise<T.TaskResult>;
      },
    },
    waitTask: (upid: T.Upid, o?: WaitOptions) => waitFor(upid, o),
    close: () => transport.close(),
  };
}

export type ProxmoxClient = ReturnType<typeof createProxmoxClient>;
export type { Call, TaskCall };
