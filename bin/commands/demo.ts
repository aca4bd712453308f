// `pvebridge demo`: the whole stack (bin/stack, the one builder) on a fresh embedded SQLite file,
// the bundled Proxmox simulator and — when php is installed — the dev WHMCS, provisioning one VM
// end to end through a signed module call. Without --keep-running it prints what happens and the
// pages a person would open, and exits 0 (non-zero if the deploy does not reach ready); with it,
// it prints one JSON line (URLs, ports, local secrets, seeded ids, the dev WHMCS logins) and
// stays up until SIGINT/SIGTERM.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../common/log.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { startStack, type Stack as LocalStack } from '../stack/index.ts';

const HELP = `pvebridge demo [--keep-running] [--time-scale N] [--dns powerdns]
  Runs gateway, pipeline runner, vncproxy and the Proxmox simulator on ./data/demo.sqlite
  (recreated), then provisions one VM through a signed CreateAccount and shows every step.
  --time-scale multiplies the simulated Proxmox task durations (default 0.02).
  --dns powerdns starts a local PowerDNS (pdns_server, sqlite3 backend, loopback) with the forward
    and reverse zones, and shows the VM's A/AAAA/PTR answered by dig.
`;

const DEPLOY_TIMEOUT_MS = 60_000;

function phpInstalled(): boolean {
  try {
    execFileSync('php', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freshDemoDb(): string {
  const file = path.resolve('data', 'demo.sqlite');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  return file;
}

async function waitForState(stack: LocalStack, serviceId: number, states: string[]): Promise<string> {
  const until = Date.now() + DEPLOY_TIMEOUT_MS;
  for (;;) {
    const vm = await getVm(stack.db, serviceId);
    if (vm && states.includes(vm.state)) return vm.state;
    if (Date.now() > until) return vm?.state ?? 'missing';
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the WHMCS API was asked to send: the dev WHMCS's tblemails subjects, or the recorder's template names. */
async function sentMails(stack: LocalStack, serviceId: number): Promise<string[]> {
  if (stack.recorder)
    return stack.recorder.calls.filter((c) => c.action === 'SendEmail' && c.id === String(serviceId)).map((c) => `"${c.messagename}"`);
  const svc = await stack.db('tblhosting').where({ id: serviceId }).first('userid');
  const rows = (await stack.db('tblemails').where({ userid: svc.userid }).orderBy('id').select('subject')) as Array<{ subject: string }>;
  return rows.map((r) => `"${r.subject}" (tblemails)`);
}

/** The dev WHMCS block of the JSON line: where to log in, as whom. */
function whmcsInfo(stack: LocalStack): Record<string, unknown> | null {
  if (!stack.devWhmcs || !stack.people) return null;
  const login = (l: typeof stack.people.client) => ({ email: l.email, password: l.password, userId: l.userId, serviceId: l.serviceId });
  return {
    url: stack.devWhmcs.url,
    client: login(stack.people.client),
    otherClient: login(stack.people.otherClient),
    admin: { username: stack.people.admin.username, password: stack.people.admin.password },
    productId: stack.seeded.productId,
  };
}

function sayPages(stack: LocalStack, say: (l: string) => void, keep: boolean): void {
  const w = whmcsInfo(stack) as { url: string; client: { email: string; password: string; serviceId: number; userId: number } } | null;
  if (!w || !stack.people) {
    say('[-] dev WHMCS not started: php is not installed (the pages need it)');
    return;
  }
  const { client, admin } = stack.people;
  say(`[+] dev WHMCS (a development stand-in for WHMCS) on ${w.url}${keep ? '' : ' — open these with --keep-running:'}`);
  say(`    client login   ${w.url}/login.php  (${client.email} / ${client.password})`);
  say(`    the service    ${w.url}/clientarea.php?action=productdetails&id=${client.serviceId}`);
  say(`    admin login    ${w.url}/admin/login.php  (${admin.username} / ${admin.password})`);
  say(`    admin service  ${w.url}/admin/clientsservices.php?userid=${client.userId}&id=${client.serviceId}`);
  say(`    product        ${w.url}/admin/configproducts.php?action=edit&id=${stack.seeded.productId}`);
  say(`    addon page     ${w.url}/admin/addonmodules.php?module=pvebridge_admin`);
}

/** The deployed VM's names, asked of the local PowerDNS with dig. */
async function sayDns(stack: LocalStack, fqdn: string, ips: string[], say: (l: string) => void): Promise<void> {
  const p = stack.dns!.powerdns;
  say(`[+] PowerDNS ${p.url} (DNS 127.0.0.1:${p.dnsPort}) zones ${stack.dns!.zones.join(', ')}:`);
  const show = async (q: string, type: 'A' | 'AAAA' | 'PTR') =>
    say(
      `    dig @127.0.0.1 -p ${p.dnsPort} ${type === 'PTR' ? `-x ${q}` : `${q} ${type}`} → ${(await p.dig(q, type)).join(' ') || '(no answer)'}`,
    );
  await show(fqdn, 'A');
  await show(fqdn, 'AAAA');
  for (const ip of ips) await show(ip, 'PTR');
}

async function provisionOne(stack: LocalStack, say: (l: string) => void): Promise<boolean> {
  const serviceId = stack.seeded.serviceId!;
  const t0 = performance.now();
  const created = await stack.moduleCall('CreateAccount', {
    serviceid: serviceId,
    pid: stack.seeded.productId,
    serverid: stack.seeded.serverId,
  });
  say(
    `[+] CreateAccount (signed module call) → ${JSON.stringify(created.body)} in ${(performance.now() - t0).toFixed(0)} ms; the deploy runs on its own:`,
  );
  if (created.status !== 200) return false;
  const state = await waitForState(stack, serviceId, ['ready', 'error_terminate']);
  if (state !== 'ready') {
    say(`[-] deploy did not reach ready (state ${state})`);
    return false;
  }
  const vm = (await getVm(stack.db, serviceId))!;
  const pve = stack.sim.state.vms.get(vm.vmid!);
  const svc = await stack.db('tblhosting').where({ id: serviceId }).first();
  say(
    `[+] VM ${vm.vmid} "${pve?.config.name}" is ${pve?.status} on ${vm.node}: ${pve?.config.cores} cores, ${pve?.config.memory} MB, scsi0 ${pve?.config.scsi0}`,
  );
  say(`    net0 ${pve?.config.net0}; ipconfig0 ${pve?.config.ipconfig0}`);
  say(`    tblhosting.dedicatedip ${svc.dedicatedip}; assignedips ${JSON.stringify(svc.assignedips)}`);
  if (stack.dns) await sayDns(stack, String(vm.data.fqdn), [svc.dedicatedip, ...String(svc.assignedips).split(/\s+/)].filter(Boolean), say);
  say(`[+] emails through the WHMCS API: ${(await sentMails(stack, serviceId)).join(', ') || 'none'}`);
  if (stack.vnc) {
    const link = await stack.moduleCall('AdminConsole', { serviceid: serviceId }, { type: 'admin', id: 1 });
    const url = (link.body as { url?: string }).url;
    say(`[+] console: ${url ? `one-time noVNC link ${url.replace(/#.*/, '#…')} (valid 10 s)` : JSON.stringify(link.body)}`);
  }
  return true;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'keep-running': { type: 'boolean' }, 'time-scale': { type: 'string' }, dns: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.dns !== undefined && values.dns !== 'powerdns') {
    process.stderr.write(`--dns: only "powerdns" is supported\n`);
    return 2;
  }
  const keep = values['keep-running'] ?? false;
  const say = (line: string) => void (keep ? process.stderr : process.stdout).write(`${line}\n`);
  const dbFile = freshDemoDb();
  const stack = await startStack({
    dbUrl: `sqlite:${dbFile}`,
    timeScale: Number(values['time-scale'] ?? 0.02),
    env: process.env,
    devWhmcs: phpInstalled(),
    log: createLogger(keep ? 'info' : 'silent', process.stderr as never),
    out: (line) => say(`    ${line}`),
    ...(values.dns === 'powerdns' && { dns: 'powerdns' as const }),
  });
  try {
    say('pvebridge demo');
    const { scenario } = stack.sim;
    say(`[+] Proxmox VE ${scenario.pveVersion} simulator on ${stack.sim.url} (${scenario.nodes.map((n) => n.name).join(', ')})`);
    say(`[+] migrations applied on embedded SQLite (${dbFile}): ${stack.migrations.join(', ')}`);
    const s = stack.seeded;
    say(
      `[+] WHMCS fixture seeded: client #${s.clientId}, product #${s.productId}, server #${s.serverId} → simulator, service #${s.serviceId}`,
    );
    const ready = await (await fetch(`${stack.gateway!.url}/readyz`)).json();
    say(`[+] gateway ${stack.gateway!.url} /readyz → ${JSON.stringify(ready)}; vncproxy ${stack.vnc?.url ?? 'off'}`);
    const ok = await provisionOne(stack, say);
    sayPages(stack, say, keep);
    if (!keep) {
      say(ok ? 'Demo finished: one VM provisioned end to end. `npm run demo -- --keep-running` keeps the stack up.' : 'Demo FAILED.');
      return ok ? 0 : 1;
    }
    process.stdout.write(
      `${JSON.stringify({
        gateway: { url: stack.gateway!.url, openapi: `${stack.gateway!.url}/openapi.json` },
        vncproxy: stack.vnc ? { url: stack.vnc.url, port: stack.vnc.port } : null,
        simulator: { url: stack.sim.url, tokenId: stack.sim.tokenId, secret: stack.sim.secret },
        whmcsApi: stack.whmcsApiUrl,
        whmcs: whmcsInfo(stack),
        database: `sqlite:${dbFile}`,
        secrets: stack.secrets,
        seeded: stack.seeded,
        deployed: ok,
        dns: stack.dns
          ? {
              powerdns: stack.dns.powerdns.url,
              apiKey: stack.dns.powerdns.apiKey,
              dnsPort: stack.dns.powerdns.dnsPort,
              zones: stack.dns.zones,
            }
          : null,
      })}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return 0;
  } finally {
    await stack.close();
  }
}
