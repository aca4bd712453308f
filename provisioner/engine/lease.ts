// Leases: one VM is worked by one runner at a time, across processes. A lease is a row claim
// with an expiry on mod_pvebridge_vms (compare-and-set UPDATE, so it is safe on MariaDB with
// several gateways and on SQLite). Node slots bound how many VMs of one Proxmox node are worked
// at once, across every runner, with the same compare-and-set on mod_pvebridge_node_slots.
import type { Db } from '../../common/db/connect.ts';
import { VMS } from '../vm-record.ts';

const SLOTS = 'mod_pvebridge_node_slots';

/** Claims the VM if nobody holds a live lease; optionally only in `states` and only when due. */
export async function claimLease(
  db: Db,
  serviceId: number,
  owner: string,
  ttlMs: number,
  only: { states?: string[]; due?: boolean } = {},
): Promise<boolean> {
  const now = Date.now();
  const q = db(VMS).where({ service_id: serviceId }).andWhere('lease_until', '<', now);
  if (only.states) q.whereIn('state', only.states);
  if (only.due) q.andWhere('next_attempt_at', '<=', now);
  return (await q.update({ lease_owner: owner, lease_until: now + ttlMs, lease_instance: instanceOf(owner) })) === 1;
}

/** The gateway instance of a lease owner (`<instance>#<random>`, see Runner). */
export function instanceOf(owner: string): string {
  const cut = owner.lastIndexOf('#');
  return cut > 0 ? owner.slice(0, cut) : owner;
}

/**
 * A gateway restarted under its stable instance id takes back at once the leases and node slots
 * its previous process held (that process is gone: the id is held by one live process at a time,
 * see stableInstanceId), so its VMs resume within seconds instead of after the lease expiry.
 * Leases of other instances are left to expire. Returns the service ids released.
 */
export async function reclaimInstanceLeases(db: Db, instance: string): Promise<number[]> {
  const rows = (await db(VMS).where({ lease_instance: instance }).whereNotNull('lease_owner').select('service_id')) as Array<{
    service_id: number;
  }>;
  if (!rows.length) return [];
  await db(VMS).where({ lease_instance: instance }).update({ lease_owner: null, lease_until: 0, lease_instance: null, next_attempt_at: 0 });
  await db(SLOTS).where({ instance }).update({ owner: null, service_id: null, until: 0, instance: null });
  return rows.map((r) => Number(r.service_id));
}

/** Extends a lease we hold; false when it was lost (expired and taken by another runner). */
export async function renewLease(db: Db, serviceId: number, owner: string, ttlMs: number): Promise<boolean> {
  const n = await db(VMS)
    .where({ service_id: serviceId, lease_owner: owner })
    .update({ lease_until: Date.now() + ttlMs });
  if (n === 1) return true;
  // MySQL counts changed rows, not matched ones: an update within the same millisecond says 0.
  return (await db(VMS).where({ service_id: serviceId, lease_owner: owner }).first()) !== undefined;
}

export async function releaseLease(db: Db, serviceId: number, owner: string): Promise<void> {
  await db(VMS).where({ service_id: serviceId, lease_owner: owner }).update({ lease_owner: null, lease_until: 0 });
}

/** Admin/CLI recovery: drops every lease and slot held by `owner` (all when omitted). */
export async function clearLeases(db: Db, owner?: string): Promise<number> {
  const q = db(VMS).whereNotNull('lease_owner');
  if (owner) q.andWhere({ lease_owner: owner });
  const n = await q.update({ lease_owner: null, lease_until: 0 });
  const s = db(SLOTS).whereNotNull('owner');
  if (owner) s.andWhere({ owner });
  await s.update({ owner: null, service_id: null, until: 0 });
  return n;
}

const ensured = new WeakMap<Db, Set<string>>();

async function ensureSlots(db: Db, serverId: number, node: string, limit: number): Promise<void> {
  const key = `${serverId}/${node}/${limit}`;
  const seen = ensured.get(db) ?? new Set<string>();
  ensured.set(db, seen);
  if (seen.has(key)) return;
  const rows = Array.from({ length: limit }, (_, slot) => ({ server_id: serverId, node, slot, until: 0 }));
  await db(SLOTS).insert(rows).onConflict(['server_id', 'node', 'slot']).ignore();
  seen.add(key);
}

export interface NodeSlot {
  serverId: number;
  node: string;
  slot: number;
}

/** Claims one of the node's `limit` slots; null when all are held by live claims. */
export async function claimNodeSlot(
  db: Db,
  serverId: number,
  node: string,
  limit: number,
  owner: string,
  serviceId: number,
  ttlMs: number,
): Promise<NodeSlot | null> {
  await ensureSlots(db, serverId, node, limit);
  const now = Date.now();
  const free = (await db(SLOTS)
    .where({ server_id: serverId, node })
    .andWhere('slot', '<', limit)
    .andWhere('until', '<', now)
    .orderBy('slot')
    .select('slot')) as Array<{ slot: number }>;
  for (const { slot } of free) {
    const n = await db(SLOTS)
      .where({ server_id: serverId, node, slot })
      .andWhere('until', '<', now)
      .update({ owner, service_id: serviceId, until: now + ttlMs, instance: instanceOf(owner) });
    if (n === 1) return { serverId, node, slot };
  }
  return null;
}

export async function renewNodeSlot(db: Db, s: NodeSlot, owner: string, ttlMs: number): Promise<void> {
  await db(SLOTS)
    .where({ server_id: s.serverId, node: s.node, slot: s.slot, owner })
    .update({ until: Date.now() + ttlMs });
}

export async function releaseNodeSlot(db: Db, s: NodeSlot, owner: string): Promise<void> {
  await db(SLOTS).where({ server_id: s.serverId, node: s.node, slot: s.slot, owner }).update({ owner: null, service_id: null, until: 0 });
}
