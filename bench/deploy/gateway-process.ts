// A second gateway for `bench:deploy --gateways=2`: its own process (its own event loop and
// core, as a second gateway host would be) on the same database and Proxmox. It finds work the
// way a gateway finds VMs another one queued: the runner's drain (due VMs, lease claimed
// atomically), in a loop until SIGTERM, then prints its CPU time as one JSON line.
import type { Config } from '../../common/config.ts';
import { openDb } from '../../common/db/connect.ts';
import { silentLogger } from '../../common/log.ts';
import { createRunner } from '../../provisioner/pipelines/runtime.ts';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const db = openDb(process.env.BENCH_DB_URL ?? '');
const runner = await createRunner({
  db,
  config: { ...config, instanceId: 'bench-gateway-2' },
  log: silentLogger,
  pollIntervalMs: 100,
  engine: { backoffBaseMs: 200, backoffMaxMs: 2000, waitDelayMs: 50 },
});
let stopping = false;
let processed = 0;
const cpu0 = process.cpuUsage();
process.on('SIGTERM', () => (stopping = true));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
while (!stopping) {
  const r = await runner.drain({ maxMs: 1000 });
  processed += r.outcomes.filter((o) => o.state === 'ready').length;
  if (!r.outcomes.length) await new Promise((res) => setTimeout(res, 50));
}
await runner.stop();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, readyRuns: processed })}\n`);
await db.destroy();
process.exit(0);
