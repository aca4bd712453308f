// A stable gateway instance id: leases name their holder's instance (migration 008), so a gateway
// restarted under the same id takes its own VMs back at once. The id comes from
// PVEBRIDGE_INSTANCE_ID, or from PVEBRIDGE_DATA_DIR/instance-id (created once). The file is held
// with a lockfile while the process lives: a second live process on the same data folder cannot
// take the id (it would steal the first one's leases) and gets a one-off id instead.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export interface InstanceId {
  id: string;
  /** True when the id survives restarts (reclaiming our own leases is safe). */
  stable: boolean;
  release(): Promise<void>;
}

const ID = /^[\w.:-]{1,64}$/;

export async function stableInstanceId(o: { explicit?: string; dataDir: string; staleMs?: number }): Promise<InstanceId> {
  if (o.explicit) return { id: o.explicit, stable: true, release: async () => {} };
  fs.mkdirSync(o.dataDir, { recursive: true });
  const file = path.join(o.dataDir, 'instance-id');
  let id = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!ID.test(id)) {
    id = `${
      os
        .hostname()
        .replace(/[^\w.-]/g, '')
        .slice(0, 40) || 'gw'
    }-${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(file, `${id}\n`);
  }
  const staleMs = o.staleMs ?? 5000;
  try {
    // A lock left by a killed process goes stale after staleMs: wait that long at most.
    const release = await lockfile.lock(file, {
      stale: staleMs,
      update: staleMs / 2,
      retries: { retries: Math.ceil(staleMs / 500), minTimeout: 500, maxTimeout: 500 },
      // A stalled event loop can miss an mtime update: keep running (the default would throw).
      onCompromised: () => {},
    });
    return { id, stable: true, release };
  } catch {
    return { id: `${id}-${process.pid}`, stable: false, release: async () => {} };
  }
}
