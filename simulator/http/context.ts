// What an API handler gets: the cluster, the validated parameters and the caller.
import type { ClusterState } from '../model/state.ts';
import type { FaultController } from '../faults.ts';
import type { VncManager } from '../vnc/manager.ts';
import type { ClusterCerts } from '../model/certs.ts';

export class Params {
  constructor(readonly raw: Record<string, unknown>) {}
  has(k: string): boolean {
    return this.raw[k] !== undefined;
  }
  str(k: string): string {
    return String(this.raw[k]);
  }
  optStr(k: string): string | undefined {
    return this.raw[k] === undefined ? undefined : String(this.raw[k]);
  }
  int(k: string): number {
    return Number(this.raw[k]);
  }
  optInt(k: string): number | undefined {
    return this.raw[k] === undefined ? undefined : Number(this.raw[k]);
  }
  bool(k: string): boolean {
    return this.raw[k] === 1 || this.raw[k] === '1' || this.raw[k] === true;
  }
}

export interface SimServices {
  state: ClusterState;
  faults: FaultController;
  vnc: VncManager;
  /** PEM of the certificate the simulator presents (API when TLS, and TLS consoles). */
  cert(): Promise<{ cert: string; key: string }>;
  certs: ClusterCerts;
}

export interface Ctx extends SimServices {
  p: Params;
  /** The authenticated id, e.g. root@pam!ci (what Proxmox puts in UPIDs). */
  user: string;
}

/** A reply with fields next to `data` (e.g. `total` of the task log). */
export class Envelope {
  constructor(
    readonly data: unknown,
    readonly extra: Record<string, unknown>,
  ) {}
}

export type Handler = (ctx: Ctx) => unknown;
export type Routes = Record<string, Handler>;
