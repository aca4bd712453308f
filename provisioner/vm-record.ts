// The VM record (mod_pvebridge_vms): one row per WHMCS service holding the pipeline state, the
// VM's identity, the Proxmox task in flight and the lease. The module API writes it; pipelines
// drive it. Every state change goes through here.
import type { Db } from '../common/db/connect.ts';
import { AppError } from '../common/errors.ts';

export const VMS = 'mod_pvebridge_vms';

export interface VmRecord {
  serviceId: number;
  clientId: number;
  productId: number;
  serverId: number;
  state: string;
  vmid: number | null;
  node: string | null;
  vmName: string | null;
  vmUuid: string | null;
  plan: Record<string, unknown> | null;
  data: Record<string, unknown>;
  pendingUpid: string | null;
  pendingStep: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: number;
  createdAt: number;
  updatedAt: number;
}

type Row = Record<string, unknown>;

function parseJson(v: unknown): Record<string, unknown> | null {
  if (typeof v !== 'string' || v === '') return null;
  try {
    const o = JSON.parse(v) as unknown;
    return o && typeof o === 'object' ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function fromRow(r: Row): VmRecord {
  return {
    serviceId: Number(r.service_id),
    clientId: Number(r.client_id),
    productId: Number(r.product_id),
    serverId: Number(r.server_id),
    state: String(r.state),
    vmid: num(r.vmid),
    node: (r.node as string | null) ?? null,
    vmName: (r.vm_name as string | null) ?? null,
    vmUuid: (r.vm_uuid as string | null) ?? null,
    plan: parseJson(r.plan),
    data: parseJson(r.data) ?? {},
    pendingUpid: (r.pending_upid as string | null) ?? null,
    pendingStep: (r.pending_step as string | null) ?? null,
    attempts: Number(r.attempts ?? 0),
    nextAttemptAt: Number(r.next_attempt_at ?? 0),
    lastError: (r.last_error as string | null) ?? null,
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseUntil: Number(r.lease_until ?? 0),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Columns a caller may patch, in record terms. */
export interface VmPatch {
  vmid?: number | null;
  node?: string | null;
  vmName?: string | null;
  vmUuid?: string | null;
  plan?: Record<string, unknown> | null;
  data?: Record<string, unknown>;
  pendingUpid?: string | null;
  pendingStep?: string | null;
  attempts?: number;
  nextAttemptAt?: number;
  lastError?: string | null;
}

export function toColumns(p: VmPatch): Row {
  const c: Row = {};
  if (p.vmid !== undefined) c.vmid = p.vmid;
  if (p.node !== undefined) c.node = p.node;
  if (p.vmName !== undefined) c.vm_name = p.vmName;
  if (p.vmUuid !== undefined) c.vm_uuid = p.vmUuid;
  if (p.plan !== undefined) c.plan = p.plan === null ? null : JSON.stringify(p.plan);
  if (p.data !== undefined) c.data = JSON.stringify(p.data);
  if (p.pendingUpid !== undefined) c.pending_upid = p.pendingUpid;
  if (p.pendingStep !== undefined) c.pending_step = p.pendingStep;
  if (p.attempts !== undefined) c.attempts = p.attempts;
  if (p.nextAttemptAt !== undefined) c.next_attempt_at = p.nextAttemptAt;
  if (p.lastError !== undefined) c.last_error = p.lastError;
  return c;
}

export async function getVm(db: Db, serviceId: number): Promise<VmRecord | undefined> {
  const r = await db(VMS).where({ service_id: serviceId }).first();
  return r ? fromRow(r) : undefined;
}

export interface NewVm {
  serviceId: number;
  clientId: number;
  productId: number;
  serverId: number;
  state?: string;
  data?: Record<string, unknown>;
}

/** Writes the record of a new service (state `creation` unless given). A second call for the same
 * service fails with PVB_CONFLICT naming the state it is in. */
export async function createVmRecord(db: Db, v: NewVm): Promise<VmRecord> {
  const now = Date.now();
  try {
    await db(VMS).insert({
      service_id: v.serviceId,
      client_id: v.clientId,
      product_id: v.productId,
      server_id: v.serverId,
      state: v.state ?? 'creation',
      data: JSON.stringify(v.data ?? {}),
      attempts: 0,
      next_attempt_at: 0,
      lease_until: 0,
      created_at: now,
      updated_at: now,
    });
  } catch (err) {
    const existing = await getVm(db, v.serviceId);
    if (existing) throw new AppError('PVB_CONFLICT', `Service ${v.serviceId} already has a VM record (state ${existing.state})`);
    throw err;
  }
  return (await getVm(db, v.serviceId))!;
}

/** Fresh-state columns: a new state starts with no task in flight, no error and no backoff. */
const freshState = (state: string, now: number): Row => ({
  state,
  pending_upid: null,
  pending_step: null,
  attempts: 0,
  next_attempt_at: 0,
  last_error: null,
  updated_at: now,
});

/** Sets the state unconditionally (admin reset, module calls). Returns false if no record. */
export async function setState(db: Db, serviceId: number, state: string, patch: VmPatch = {}): Promise<boolean> {
  const n = await db(VMS)
    .where({ service_id: serviceId })
    .update({ ...toColumns(patch), ...freshState(state, Date.now()) });
  return n > 0;
}

/**
 * Queues a pipeline by moving the record to `state`, only from one of `from` (e.g. ChangePackage
 * only from ready). Atomic: of two concurrent callers at most one wins. Returns the state the
 * record was in, and whether the move happened.
 */
export async function queuePipelineState(
  db: Db,
  serviceId: number,
  state: string,
  from: readonly string[],
  patch: VmPatch = {},
): Promise<{ queued: boolean; previous: string | undefined }> {
  const before = await getVm(db, serviceId);
  if (!before) return { queued: false, previous: undefined };
  const n = await db(VMS)
    .where({ service_id: serviceId })
    .whereIn('state', [...from])
    .update({ ...toColumns(patch), ...freshState(state, Date.now()) });
  return { queued: n > 0, previous: n > 0 ? before.state : ((await getVm(db, serviceId))?.state ?? before.state) };
}

/** Patches columns; `data` is merged key by key into the stored JSON (null deletes a key). */
export async function patchVm(db: Db, serviceId: number, patch: VmPatch): Promise<VmRecord> {
  const cols = toColumns({ ...patch, data: undefined });
  if (patch.data) {
    const cur = (await getVm(db, serviceId))?.data ?? {};
    const merged: Record<string, unknown> = { ...cur };
    for (const [k, v] of Object.entries(patch.data)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    cols.data = JSON.stringify(merged);
  }
  cols.updated_at = Date.now();
  await db(VMS).where({ service_id: serviceId }).update(cols);
  return (await getVm(db, serviceId))!;
}

/**
 * Writes a patch of a record the caller holds the lease of, and returns the new record computed
 * locally (one UPDATE, no reads: the lease holder's copy is the current one).
 */
export async function writeLeasedVm(db: Db, current: VmRecord, patch: VmPatch): Promise<VmRecord> {
  const next: VmRecord = { ...current };
  if (patch.data) {
    const merged: Record<string, unknown> = { ...current.data };
    for (const [k, v] of Object.entries(patch.data)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    next.data = merged;
  }
  for (const k of [
    'vmid',
    'node',
    'vmName',
    'vmUuid',
    'plan',
    'pendingUpid',
    'pendingStep',
    'attempts',
    'nextAttemptAt',
    'lastError',
  ] as const) {
    if (patch[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = patch[k];
  }
  next.updatedAt = Date.now();
  const cols = toColumns({ ...patch, data: patch.data ? next.data : undefined });
  cols.updated_at = next.updatedAt;
  await db(VMS).where({ service_id: current.serviceId }).update(cols);
  return next;
}

/** Removes the record (admin "Delete Record"); allowed only in the spec's terminal states. */
export async function deleteVmRecord(
  db: Db,
  serviceId: number,
  allowed: readonly string[] = ['error_terminate', 'remove'],
): Promise<boolean> {
  return (
    (await db(VMS)
      .where({ service_id: serviceId })
      .whereIn('state', [...allowed])
      .delete()) > 0
  );
}
