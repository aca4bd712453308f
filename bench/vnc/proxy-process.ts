// pvebridge's console proxy as the bench runs it: its own process, the production code path
// (ticket verification, one-time consume, allowlist, relay), limits raised only where a single
// loopback client would hit them (per-IP upgrade rate, session caps). Prints {"port":P}.
import { parseTicketKeys } from '../../common/console-ticket.ts';
import { buildAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy } from '../../vncproxy/server.ts';

const secret = process.env.BENCH_TICKET_SECRET;
if (!secret) throw new Error('BENCH_TICKET_SECRET missing');
const proxy = await startVncProxy({
  port: Number(process.env.BENCH_PROXY_PORT ?? 0),
  ticketKeys: parseTicketKeys(secret),
  allowlist: await buildAllowlist([{ id: 1, ipaddress: '127.0.0.1' }]),
  allowedOrigins: ['http://bench.invalid'],
  limits: { upgradeRate: { perSecond: 1e6, burst: 1e6 }, maxSessions: 12_000, maxSessionsPerService: 12_000 },
});
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
// The bench asks for a full GC before it reads memory, so earlier phases' garbage is not
// counted against (or credited to) idle sessions (needs --expose-gc).
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => gc?.());
process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
