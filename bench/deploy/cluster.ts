// The simulated cluster of bench (b) and the task-time accounting both benches compare against.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { defaultDurations, defaultScenario } from '../../simulator/model/default-scenario.ts';
import type { ScenarioInput, Simulator } from '../../simulator/index.ts';

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
