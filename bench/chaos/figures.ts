// The figures of a chaos run, each counted where the truth lands: our tables (states, IP
// allocations, VMIDs), the simulator's VMs (orphans: a VM no record of ours points at), the POSTs
// Proxmox received (a task sent again after its reply was lost), and the emails WHMCS was asked
// to send (per service and template).
import { ALLOCATIONS } from '../../provisioner/ipam/allocate.ts';
import type { Stack } from '../../test/provisioner/harness.ts';
import type { DropProxy } from './drop-proxy.ts';
import { finalOf, type Plan } from './run.ts';

export interface ChaosFigures {
  final: number;
  notFinal: Array<{ serviceId: number; plan: Plan; state: string; lastError: string | null }>;
  duplicateIps: number;
  duplicateVmids: number;
  orphanVms: number;
  tasksSentTwice: number;
  lostEmails: number;
  duplicateEmails: number;
  droppedReplies: number;
  /** What was sent twice, for the report. */
  resent: string[];
}

/** Emails a service of each plan gets in a run without faults. */
const EXPECTED_EMAILS: Record<Plan, number> = { stay: 1, change_package: 1, reinstall: 2, terminate: 1 };
const READY_EMAIL = 'puqProxmoxKVM VM is ready';
/** Within this time an identical task POST after a lost reply is that task sent again. */
const RESEND_WINDOW_MS = 30_000;

export async function countFigures(o: {
  s: Stack;
  proxy: DropProxy;
  plans: Map<number, Plan>;
  baselineVms: Set<number>;
}): Promise<ChaosFigures> {
  const { s, proxy, plans } = o;
  const rows = (await s.t
    .db('mod_pvebridge_vms')
    .whereIn('service_id', [...plans.keys()])
    .select()) as Array<Record<string, unknown>>;
  const byService = new Map(rows.map((r) => [Number(r.service_id), r]));
  const notFinal: ChaosFigures['notFinal'] = [];
  for (const [sid, plan] of plans) {
    const r = byService.get(sid);
    if (r?.state !== finalOf(plan))
      notFinal.push({ serviceId: sid, plan, state: String(r?.state ?? 'none'), lastError: (r?.last_error as string | null) ?? null });
  }

  const ipRows = (await s.t.db(ALLOCATIONS).select('address', 'service_id')) as Array<{ address: string; service_id: number }>;
  const holders = new Map<string, Set<number>>();
  for (const r of ipRows) holders.set(r.address, (holders.get(r.address) ?? new Set()).add(Number(r.service_id)));
  const duplicateIps = [...holders.values()].filter((h) => h.size > 1).length;

  const live = rows.filter((r) => r.vmid !== null && r.state !== 'remove');
  const vmids = live.map((r) => `${r.server_id}/${r.vmid}`);
  const duplicateVmids = vmids.length - new Set(vmids).size;

  const ours = new Set(live.map((r) => Number(r.vmid)));
  const orphanVms = [...s.sim.state.vms.values()].filter(
    (v) => !o.baselineVms.has(v.vmid) && v.config.template !== '1' && !ours.has(v.vmid),
  ).length;

  const ok = proxy.posts.filter((p) => p.status === 200);
  const resent: string[] = [];
  for (const lost of ok.filter((p) => p.dropped && p.method === 'POST')) {
    const again = ok.find(
      (p) => p !== lost && p.time > lost.time && p.time - lost.time < RESEND_WINDOW_MS && p.path === lost.path && p.body === lost.body,
    );
    if (again) resent.push(`${lost.path} ${lost.body}`);
  }
  // A clone into a VMID that was not destroyed in between: the same VM cloned twice.
  const lastClone = new Map<string, number>();
  for (const p of ok) {
    const destroyed = p.method === 'DELETE' && /\/qemu\/(\d+)$/.exec(p.path)?.[1];
    if (destroyed) lastClone.delete(destroyed);
    if (p.method !== 'POST' || !p.path.endsWith('/clone')) continue;
    const id = new URLSearchParams(p.body).get('newid') ?? '?';
    if (lastClone.has(id) && !resent.some((r) => r.includes(`newid=${id}&`))) resent.push(`clone newid=${id} twice`);
    lastClone.set(id, p.time);
  }
  const tasksSentTwice = resent.length;

  let lostEmails = 0;
  let duplicateEmails = 0;
  for (const [sid, plan] of plans) {
    const sent = s.whmcs.calls.filter((c) => c.action === 'SendEmail' && c.id === String(sid) && c.messagename === READY_EMAIL).length;
    lostEmails += Math.max(0, EXPECTED_EMAILS[plan] - sent);
    duplicateEmails += Math.max(0, sent - EXPECTED_EMAILS[plan]);
  }
  return {
    final: plans.size - notFinal.length,
    notFinal,
    duplicateIps,
    duplicateVmids,
    orphanVms,
    tasksSentTwice,
    lostEmails,
    duplicateEmails,
    droppedReplies: proxy.dropped.filter((d) => d.status === 200).length,
    resent,
  };
}
