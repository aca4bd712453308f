// The simulated cluster of bench (b) and the task-time accounting both benches compare against.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { defaultDurations, defaultScenario } from '../../simulator/model/default-scenario.ts';
import type { ScenarioInput, Simulator } from '../../simulator/index.ts';
import type { Dialect } from '../../common/db/connect.ts';
import { createPool } from '../../provisioner/ipam/index.ts';
import { saveGlobalSettings } from '../../provisioner/plan/global-settings.ts';
import { deployStack, TOKEN, type Stack } from '../../test/provisioner/harness.ts';

/** Task seconds of one deploy from the shared-storage template (linked clone, resize, start). */
export const manyTaskSeconds = (scale: number) => (defaultDurations.linkedClone + defaultDurations.resize + defaultDurations.start) * scale;

/**
 * The simulator in its own process (`pvebridge sim`), as Proxmox is another machine: its CPU
 * does not compete with the gateway's. Stopped by its pid.
 */
export async function externalSim(
  scenario: ScenarioInput,
  token: string,
  timeScale: number,
): Promise<{ port: number; child: ChildProcess; stop(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-bench-'));
  const file = path.join(dir, 'scenario.json');
  fs.writeFileSync(file, JSON.stringify(scenario));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(
    process.execPath,
    ['bin/pvebridge.js', 'sim', `--port=${port}`, `--token=${token}`, `--scenario=${file}`, `--time-scale=${timeScale}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator did not start within 30 s')), 30_000);
    lines.on('line', (l) => l.includes('/api2/json') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return {
    port,
    child,
    stop() {
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** N nodes with room for thousands of small VMs; the shared-storage template 9001 clones to any node. */
export function clusterScenario(nodes: number): ScenarioInput {
  const base = defaultScenario();
  return {
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `pve${i + 1}`, cpus: 128, memoryGiB: 4096, bridges: ['vmbr0', 'vmbr1'] })),
    storages: base.storages.map((s) => ({ ...s, totalGiB: s.shared ? 1_000_000 : 100_000 })),
    vms: base.vms.filter((v) => v.vmid >= 9000),
  };
}

/** Seconds of simulated task time per VM (clone counted for the new VM, not the template). */
export function taskSecondsByVm(sim: Simulator): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of sim.state.tasks.values()) {
    const vmid = t.type === 'qmclone' ? Number((t.effect?.args as { newid?: number } | undefined)?.newid) : Number(t.id);
    if (!Number.isFinite(vmid) || !Number.isFinite(t.endMs)) continue;
    out.set(vmid, (out.get(vmid) ?? 0) + (t.endMs - t.startMs) / 1000);
  }
  return out;
}

/**
 * The stack of bench (b), from the one builder: the WHMCS server row points at the out-of-process
 * simulator, small VMs from the shared template, a /16 pool, per-node concurrency.
 */
export async function clusterStack(
  dialect: Dialect,
  o: { nodes: number; timeScale: number; perNode: number },
): Promise<{ s: Stack; stopSim(): void }> {
  const sim = await externalSim(clusterScenario(o.nodes), TOKEN, o.timeScale);
  const s = await deployStack(dialect, {
    timeScale: o.timeScale,
    settings: { osTemplate: 9001, targetNode: 'automatically', additionalDiskSize: 0, systemDiskSize: 30, ram: 1, ipv6Count: 0 },
    v4Pool: ['192.0.2.1', '192.0.2.1'],
    proxmoxPort: sim.port,
  });
  await createPool(s.t.db, {
    serverId: s.seeded.serverId,
    type: 'ipv4',
    bridge: 'vmbr1',
    vlan: 10,
    gateway: '10.20.0.1',
    mask: 16,
    start: '10.20.0.2',
    stop: '10.20.255.254',
  });
  await saveGlobalSettings(s.t.db, { nodeConcurrency: o.perNode, runnerConcurrency: o.nodes * o.perNode * 2, runBudgetSeconds: 300 });
  return { s, stopSim: sim.stop };
}
