// IPv4/IPv6 count changes of a live VM (change package). Unlike a first allocation, the
// addresses the VM already has are kept: more → the shortfall is added from the pools of the
// VM's bridge/VLAN; fewer → the excess is marked `releasing` (still held, so nobody else gets
// it) and leaves tblhosting at once; `finishIpRelease` hands it back to the pool once the VM's
// cloud-init and IP set no longer carry it.
import { dialect, type Db } from '../../common/db/connect.ts';
import {
  ALLOCATIONS,
  PoolExhausted,
  canonical,
  fromBigInt,
  listPools,
  parseLegacyLines,
  toBigInt,
  type Family,
  type IpEntry,
  type NetAssignment,
  type Pool,
} from '../ipam/index.ts';
import { diffIpCount } from './ip-count.ts';

const LOCKS = 'mod_pvebridge_ipam_locks';

export interface IpResizeRequest {
  serviceId: number;
  serverId: number;
  ipv4Count: number;
  ipv6Count: number;
}

export interface IpResize {
  added: string[];
  releasing: string[];
}

interface AllocRow {
  address: string;
  family: Family;
  pool_id: number | null;
  position: number;
  status: string;
}

async function candidatePools(trx: Db, serverId: number, mine: AllocRow[]): Promise<Pool[]> {
  const server = await trx('tblservers').where({ id: serverId }).first('assignedips');
  const all = [...(await listPools(trx, serverId)), ...parseLegacyLines(serverId, String(server?.assignedips ?? '')).pools];
  const home = all.find((p) => mine.some((m) => (m.pool_id !== null ? p.id === Number(m.pool_id) : p.start === m.address)));
  return home ? all.filter((p) => p.bridge === home.bridge && p.vlan === home.vlan) : all;
}

async function takenOnServer(trx: Db, serverId: number, serviceId: number): Promise<Set<string>> {
  const taken = new Set(
    ((await trx(ALLOCATIONS).where({ server_id: serverId }).select('address')) as Array<{ address: string }>).map((r) => r.address),
  );
  const held = (await trx('tblhosting')
    .where({ server: serverId })
    .whereNot({ id: serviceId })
    .whereNotIn('domainstatus', ['Terminated', 'Cancelled', 'Fraud'])
    .select('dedicatedip', 'assignedips')) as Array<{ dedicatedip: string | null; assignedips: string | null }>;
  for (const r of held) {
    for (const a of [r.dedicatedip ?? '', ...(r.assignedips ?? '').split(/[\s,]+/)]) {
      try {
        if (a.trim()) taken.add(canonical(a.trim()));
      } catch {
        // not an address
      }
    }
  }
  return taken;
}

function freeAddresses(pools: Pool[], family: Family, taken: Set<string>, need: number): Array<{ address: string; pool: Pool }> {
  const out: Array<{ address: string; pool: Pool }> = [];
  for (const pool of pools.filter((p) => p.type === family)) {
    for (let n = toBigInt(pool.start); n <= toBigInt(pool.stop) && out.length < need; n++) {
      const address = fromBigInt(family, n);
      if (!taken.has(address) && address !== pool.gateway) out.push({ address, pool });
    }
  }
  return out;
}

/** tblhosting mirrors the assigned addresses: first IPv4 (else IPv6) dedicated, the rest listed. */
export async function writeServiceIpsToWhmcs(db: Db, serviceId: number): Promise<string[]> {
  const rows = (await db(ALLOCATIONS).where({ service_id: serviceId, status: 'assigned' }).orderBy('position')) as AllocRow[];
  const ordered = [...rows.filter((r) => r.family === 'ipv4'), ...rows.filter((r) => r.family === 'ipv6')].map((r) => r.address);
  await db('tblhosting')
    .where({ id: serviceId })
    .update({ dedicatedip: ordered[0] ?? '', assignedips: ordered.slice(1).join('\n') });
  return ordered;
}

export async function resizeServiceIps(db: Db, r: IpResizeRequest): Promise<IpResize> {
  await db(LOCKS).insert({ server_id: r.serverId }).onConflict('server_id').ignore();
  return db.transaction(async (trx) => {
    if (dialect(db) === 'mysql') await trx(LOCKS).where({ server_id: r.serverId }).forUpdate().first();
    const mine = (await trx(ALLOCATIONS).where({ service_id: r.serviceId, status: 'assigned' }).orderBy('position')) as AllocRow[];
    const out: IpResize = { added: [], releasing: [] };
    let pools: Pool[] | undefined;
    let taken: Set<string> | undefined;
    let position = Math.max(
      -1,
      ...((await trx(ALLOCATIONS).where({ service_id: r.serviceId }).select('position')) as AllocRow[]).map((x) => Number(x.position)),
    );
    for (const [family, wanted] of [['ipv4', r.ipv4Count] as const, ['ipv6', r.ipv6Count] as const]) {
      const have = mine.filter((m) => m.family === family).map((m) => m.address);
      const change = diffIpCount(have, wanted);
      if (change.kind === 'release') {
        await trx(ALLOCATIONS).where({ service_id: r.serviceId }).whereIn('address', change.ips).update({ status: 'releasing' });
        out.releasing.push(...change.ips);
      } else if (change.kind === 'allocate') {
        pools ??= await candidatePools(trx, r.serverId, mine);
        taken ??= await takenOnServer(trx, r.serverId, r.serviceId);
        const got = freeAddresses(pools, family, taken, change.count);
        if (got.length < change.count)
          throw new PoolExhausted(`need ${change.count} more ${family} for service ${r.serviceId}; free: ${got.length}`);
        const now = Date.now();
        await trx(ALLOCATIONS).insert(
          got.map((g) => ({
            server_id: r.serverId,
            address: g.address,
            family,
            pool_id: g.pool.id,
            service_id: r.serviceId,
            position: ++position,
            status: 'assigned',
            created_at: now,
          })),
        );
        for (const g of got) taken.add(g.address);
        out.added.push(...got.map((g) => g.address));
      }
    }
    await writeServiceIpsToWhmcs(trx, r.serviceId);
    return out;
  });
}

/** Hands `releasing` addresses back to the pool; call once the VM no longer carries them. */
export async function finishIpRelease(db: Db, serviceId: number): Promise<number> {
  return db(ALLOCATIONS).where({ service_id: serviceId, status: 'releasing' }).delete();
}

/** The service's assigned addresses as the deploy's NetAssignment (for ipconfig0, IP set, DNS). */
export async function currentNetAssignment(
  db: Db,
  serverId: number,
  serviceId: number,
  fallback: { bridge: string; vlan: number },
): Promise<NetAssignment> {
  const rows = (await db(ALLOCATIONS).where({ service_id: serviceId, status: 'assigned' }).orderBy('position')) as AllocRow[];
  const server = await db('tblservers').where({ id: serverId }).first('assignedips');
  const pools = [...(await listPools(db, serverId)), ...parseLegacyLines(serverId, String(server?.assignedips ?? '')).pools];
  const poolOf = (r: AllocRow) => {
    const n = toBigInt(r.address);
    return pools.find(
      (p) => p.type === r.family && (r.pool_id === null || p.id === Number(r.pool_id)) && toBigInt(p.start) <= n && n <= toBigInt(p.stop),
    );
  };
  const entry = (r: AllocRow): IpEntry => {
    const pool = poolOf(r);
    return {
      address: r.address,
      family: r.family,
      prefix: pool?.mask ?? (r.family === 'ipv4' ? 32 : 128),
      gateway: pool?.gateway ?? '',
      dns: pool?.dns ?? [],
      poolId: pool?.id ?? null,
    };
  };
  const entries = rows.map(entry);
  const home = rows[0] ? poolOf(rows[0]) : undefined;
  return {
    bridge: home?.bridge ?? fallback.bridge,
    vlan: home?.vlan ?? fallback.vlan,
    ipv4: entries.filter((e) => e.family === 'ipv4'),
    ipv6: entries.filter((e) => e.family === 'ipv6'),
  };
}
