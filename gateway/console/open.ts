// Opening a console: after the caller's access check, ask Proxmox for a console of the VM
// (POST …/vncproxy), then mint the one-time ticket that lets the vncproxy dial exactly that
// listener, and build the link. The VNC password travels in the link's fragment only.
import {
  caToClaim,
  fingerprintToClaim,
  mintTicket,
  parseTicketKeys,
  type ConsoleMode,
  type TicketInput,
} from '../../common/console-ticket.ts';
import { AppError } from '../../common/errors.ts';
import type { ProxmoxClient, VncProxy } from '../../provisioner/proxmox/index.ts';
import { getVm, type VmRecord } from '../../provisioner/vm-record.ts';
import type { GatewayContext } from '../context.ts';
import { consoleLimiter } from './limits.ts';

export const NOT_RUNNING = 'The VM must be running to open a console';

export interface ConsoleLink {
  url: string;
  expiresAt: number;
  mode: ConsoleMode;
  /** The admin area opens the link in a window of this size. */
  window: { width: number; height: number };
}

/** Where the VM's node listens: `node=address` lines of the server's Assigned IPs, else its host. */
export function nodeAddress(
  server: { hostname?: string | null; ipaddress?: string | null; assignedips?: string | null },
  node: string,
): string {
  for (const line of String(server.assignedips ?? '').split(/[\s,;]+/)) {
    const [name, addr] = line.split('=');
    if (addr && name === node) return addr;
  }
  const host = String(server.hostname || server.ipaddress || '').trim();
  if (!host) throw new AppError('PVB_VALIDATION', 'The server has neither a hostname nor an IP address');
  return host;
}

/** tls/tcp from what Proxmox answered (≥ 9.1.7 returns a password and listens with TLS). */
function upstreamOf(reply: VncProxy, wantWebsocket: boolean): { mode: ConsoleMode; vncPassword: string } {
  if (wantWebsocket) return { mode: 'pve-websocket', vncPassword: reply.password ?? reply.ticket };
  return reply.password ? { mode: 'tls', vncPassword: reply.password } : { mode: 'tcp', vncPassword: reply.ticket };
}

/**
 * The TLS console listener presents the node's pveproxy certificate — a custom or ACME one when
 * the operator installed it, not signed by the cluster CA that vncproxy returns as `cert`. Proxmox
 * lists the node's certificates with their SHA-256 fingerprints (Certificates.pm `info`), read here
 * over our verified API connection: the proxy accepts the cluster CA chain or one of these pins.
 */
async function nodeCertificatePins(pve: ProxmoxClient, node: string): Promise<string[]> {
  try {
    const certs = await pve.nodes(node).certificates.info.get();
    return certs
      .filter((c) => c.filename === 'pveproxy-ssl.pem' || c.filename === 'pve-ssl.pem')
      .map((c) => fingerprintToClaim(c.fingerprint ?? ''))
      .filter((c): c is string => Boolean(c));
  } catch {
    return []; // older API or a fault: the cluster CA alone still serves nodes without their own certificate
  }
}

/**
 * `requester` ('client:7', 'admin:1'; the module API's console routes): the same requester asking
 * again within seconds gets the same unused link; opens are limited per service and per client
 * (limits.ts).
 */
export async function openConsole(ctx: GatewayContext, serviceId: number, opts: { requester?: string } = {}): Promise<ConsoleLink> {
  if (!ctx.config.ticketSecret)
    throw new AppError('PVB_UNAVAILABLE', 'The console is not configured on this gateway (PVEBRIDGE_TICKET_SECRET)');
  const vm = await getVm(ctx.db, serviceId);
  if (!vm?.vmid || !vm.node) throw new AppError('PVB_CONFLICT', 'The VM does not exist on Proxmox yet');
  const ready = vm as VmRecord & { vmid: number; node: string };
  const requester = opts.requester;
  if (!requester) return (await mintConsole(ctx, ready)).link; // internal callers: no limits, no reuse
  return consoleLimiter<ConsoleLink>(ctx).open(
    ctx.db,
    { serviceId, clientId: requester.startsWith('client:') ? vm.clientId : undefined, requester },
    () => mintConsole(ctx, ready),
  );
}

async function mintConsole(
  ctx: GatewayContext,
  vm: VmRecord & { vmid: number; node: string },
): Promise<{ link: ConsoleLink; jti: string }> {
  const serviceId = vm.serviceId;
  const server = await ctx.db('tblservers').where({ id: vm.serverId }).first();
  if (!server) throw new AppError('PVB_NOT_FOUND', `Server #${vm.serverId} does not exist`);
  const viaApi = ctx.config.vncUpstream === 'pve-websocket';
  const { proxmoxForServer } = await import('../../provisioner/servers.ts');
  const pve = await proxmoxForServer(ctx.db, ctx.config, vm.serverId);
  let reply: VncProxy;
  let pins: string[] = [];
  try {
    const qemu = pve.nodes(vm.node).qemu(vm.vmid);
    if ((await qemu.status.current.get()).status !== 'running')
      throw new AppError('PVB_CONFLICT', NOT_RUNNING, undefined, { key: 'error.vm_not_running' });
    if (!viaApi) pins = await nodeCertificatePins(pve, vm.node);
    reply = await qemu.vncproxy.post(viaApi ? { websocket: true } : {});
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (/not running/i.test((err as Error).message))
      throw new AppError('PVB_CONFLICT', NOT_RUNNING, undefined, { key: 'error.vm_not_running' });
    throw new AppError('PVB_UPSTREAM', `Proxmox did not open a console: ${(err as Error).message}`);
  } finally {
    await pve.close();
  }
  const { mode, vncPassword } = upstreamOf(reply, viaApi);
  const input: TicketInput = {
    sid: serviceId,
    srv: vm.serverId,
    vmid: vm.vmid,
    node: vm.node,
    host: viaApi ? String(server.hostname || server.ipaddress) : nodeAddress(server, vm.node),
    port: Number(reply.port),
    mode,
    ...(mode === 'tls' && { ca: caToClaim(reply.cert), ...(pins.length && { fp: pins }) }),
    ...(mode === 'pve-websocket' && { apiPort: Number(server.port) || 8006, vncticket: reply.ticket }),
  };
  const { ticket, claims } = mintTicket(parseTicketKeys(ctx.config.ticketSecret!), input);
  ctx.log.info({ service: serviceId, vmid: vm.vmid, node: vm.node, mode }, 'console ticket minted');
  const fragment = new URLSearchParams({ password: vncPassword, ticket });
  const link = {
    url: `${ctx.config.vncPublicUrl}/console/${serviceId}#&${fragment}`,
    expiresAt: claims.exp,
    mode,
    window: { width: 800, height: 600 },
  };
  return { link, jti: claims.jti };
}
