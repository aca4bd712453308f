// One chaos run: N services driven through the signed module API of two `pvebridge serve`
// processes on MariaDB, the way WHMCS's module queue drives them (a call without a reply is
// repeated): deploy all; then a quarter each stays, changes package, is reinstalled, or is
// terminated. With faults on, the simulator injects 5xx, hangs (timeouts), failing tasks and lock
// conflicts, a proxy drops replies after the work was done, and a supervisor kills -9 one
// gateway every few seconds. Figures are read where the truth lands: our tables, the
// simulator's VMs, the requests Proxmox received and the emails WHMCS was asked to send.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signRequest } from '../../gateway/auth/signature.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import type { Faults } from '../../simulator/model/types.ts';
import { deployStack, SHARED_SECRET, type Stack } from '../../test/provisioner/harness.ts';
import { startDropProxy, type DropProxy } from './drop-proxy.ts';
import { gatewayProcess, superviseKills, type GatewayProcess } from './gateways.ts';
import { countFigures, type ChaosFigures } from './figures.ts';

export interface ChaosOptions {
  n: number;
  faults: boolean;
  killEveryMs: number;
  maxMs: number;
  timeScale?: number;
  log?: (line: string) => void;
}

export type Plan = 'stay' | 'change_package' | 'reinstall' | 'terminate';
export const PLANS: Plan[] = ['stay', 'change_package', 'reinstall', 'terminate'];
export const finalOf = (p: Plan) => (p === 'terminate' ? 'remove' : 'ready');

/** Faults of the simulator (seeded, so a run is reproducible) and of the drop proxy. */
export const chaosFaults: Faults = {
  seed: 18,
  errors: [
    { path: '/cluster/resources$', rate: 0.05, status: 503, message: 'service unavailable (fault injection)' },
    { path: '/status/current$', rate: 0.04, status: 500 },
    {
      path: '/qemu/\\d+/config$',
      method: 'PUT',
      rate: 0.04,
      status: 500,
      message: "can't lock file '/var/lock/qemu-server/lock.conf' - got timeout",
    },
    { path: '/qemu/\\d+/config$', method: 'GET', rate: 0.03, status: 500 },
  ],
  hang: [{ path: '/tasks/[^/]+/status$', rate: 0.02, ms: 1500 }],
  taskFailures: [
    { type: 'qmstart', rate: 0.05 },
    { type: 'resize', rate: 0.03 },
  ],
};
const DROPS = [{ method: 'POST', path: /\/(clone|migrate|resize|status\/(start|stop|shutdown))$/, rate: 0.1 }];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A module call as WHMCS's queue makes it: repeated until a gateway answers (a 5xx or no reply). */
async function moduleCall(gws: GatewayProcess[], fn: string, body: unknown, until: number): Promise<{ status: number; text: string }> {
  const p = `/v1/whmcs/${fn}`;
  const raw = JSON.stringify(body);
  while (Date.now() < until) {
    const alive = gws.filter((g) => g.alive);
    const g = alive[Math.floor(Math.random() * alive.length)];
    if (!g) {
      await sleep(200);
      continue;
    }
    try {
      const r = await fetch(`${g.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(SHARED_SECRET, { method: 'POST', path: p, body: raw }) },
        body: raw,
        signal: AbortSignal.timeout(5000),
      });
      const text = await r.text();
      if (r.status < 500) return { status: r.status, text };
    } catch {
      // killed mid-call or timed out: the queue tries again
    }
    await sleep(300);
  }
  return { status: 0, text: 'gave up' };
}

async function stateOf(s: Stack, sid: number): Promise<string> {
  return (await getVm(s.t.db, sid))?.state ?? 'none';
}

async function waitState(s: Stack, sid: number, want: string, until: number): Promise<boolean> {
  while (Date.now() < until) {
    if ((await stateOf(s, sid)) === want) return true;
    await sleep(250);
  }
  return false;
}

/** Calls `fn` until accepted; a 409 (e.g. "must be stopped") is retried too, other refusals end it. */
async function until200(gws: GatewayProcess[], fn: string, sid: number, until: number): Promise<boolean> {
  while (Date.now() < until) {
    const r = await moduleCall(gws, fn, { actor: { type: 'admin', id: 1 }, params: { serviceid: sid } }, until);
    if (r.status === 200) return true;
    if (r.status !== 409) return false;
    await sleep(500);
  }
  return false;
}

async function lifecycle(s: Stack, gws: GatewayProcess[], sid: number, plan: Plan, until: number): Promise<void> {
  if (!(await until200(gws, 'CreateAccount', sid, until))) return;
  if (!(await waitState(s, sid, 'ready', until))) return;
  if (plan === 'change_package') {
    // The accepted call wrote change_package before answering: `ready` again means it ran through.
    if (await until200(gws, 'ChangePackage', sid, until)) await waitState(s, sid, 'ready', until);
  } else if (plan === 'reinstall') {
    await until200(gws, 'Stop', sid, until);
    if (await until200(gws, 'Reinstall', sid, until)) await waitState(s, sid, 'ready', until);
  } else if (plan === 'terminate') {
    // error_terminate waits for an admin (spec): the admin repeats Terminate, counted as a figure.
    for (let tries = 0; tries < 5 && (await until200(gws, 'TerminateAccount', sid, until)); tries++) {
      if (tries) adminRetries.count++;
      while (Date.now() < until && !['remove', 'error_terminate'].includes(await stateOf(s, sid))) await sleep(250);
      if ((await stateOf(s, sid)) !== 'error_terminate') break;
    }
  }
}

/** Terminations that stopped in error_terminate and were repeated, as an admin would. */
const adminRetries = { count: 0 };

export interface ChaosResult extends ChaosFigures {
  n: number;
  faults: boolean;
  seconds: number;
  kills: number;
  adminTerminateRetries: number;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const say = o.log ?? (() => {});
  const s = await deployStack('mysql', { timeScale: o.timeScale ?? 0.02 });
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-chaos-logs-'));
  let proxy: DropProxy | undefined;
  const gws: GatewayProcess[] = [];
  try {
    const baselineVms = new Set(s.sim.state.vms.keys());
    proxy = await startDropProxy(s.sim.url, { rules: o.faults ? DROPS : [] });
    await s.t.db('tblservers').where({ id: s.seeded.serverId }).update({ port: proxy.port });
    const services: number[] = [s.seeded.serviceId!];
    while (services.length < o.n) services.push(await s.newService());
    await s.t.db('tblhosting').whereIn('id', services).update({ domainstatus: 'Active' });
    const env: Record<string, string> = {
      PVEBRIDGE_DB_URL: s.t.url,
      PVEBRIDGE_SHARED_SECRET: SHARED_SECRET,
      PVEBRIDGE_WHMCS_API_URL: s.whmcs.url,
      PVEBRIDGE_WHMCS_API_IDENTIFIER: 'api-id',
      PVEBRIDGE_WHMCS_API_SECRET: 'api-secret',
      PVEBRIDGE_WHMCS_CC_ENCRYPTION_HASH: s.hash,
      PVEBRIDGE_LOG_LEVEL: 'warn',
      PVEBRIDGE_CRON: 'on',
    };
    for (const name of ['chaos-a', 'chaos-b']) gws.push(await gatewayProcess(name, env, logDir));
    for (const g of gws) await g.start();
    if (o.faults) s.sim.faults.set(chaosFaults);
    say(`chaos: ${o.n} services, faults ${o.faults ? 'on' : 'off'}, gateways ${gws.map((g) => g.url).join(' ')}, logs ${logDir}`);
    adminRetries.count = 0;
    const t0 = Date.now();
    const until = t0 + o.maxMs;
    const killer = o.faults && o.killEveryMs > 0 ? superviseKills(gws, o.killEveryMs) : undefined;
    const plans = new Map(services.map((sid, i) => [sid, PLANS[i % PLANS.length]!]));
    await Promise.all(services.map((sid) => lifecycle(s, gws, sid, plans.get(sid)!, until)));
    const seconds = (Date.now() - t0) / 1000;
    await killer?.stop();
    s.sim.faults.set({});
    const figures = await countFigures({ s, proxy, plans, baselineVms });
    return {
      n: o.n,
      faults: o.faults,
      seconds,
      kills: gws.reduce((k, g) => k + g.kills, 0),
      adminTerminateRetries: adminRetries.count,
      ...figures,
    };
  } finally {
    for (const g of gws) await g.stop().catch(() => {});
    await proxy?.close();
    await s.close();
    if (!process.env.PVEBRIDGE_CHAOS_KEEP_LOGS) fs.rmSync(logDir, { recursive: true, force: true });
  }
}
