// All API handlers, keyed "METHOD /template". Every endpoint of the vendored schema must have
// one (checked at start-up), so the schema and the simulator cannot drift apart silently.
import type { Routes } from '../http/context.ts';
import { allTemplates } from '../validate/schema.ts';
import { clusterRoutes } from './cluster.ts';
import { nodeRoutes } from './nodes.ts';
import { taskRoutes } from './tasks.ts';
import { vzdumpRoutes } from './vzdump.ts';
import { qemuLifecycleRoutes } from './qemu-lifecycle.ts';
import { qemuConfigRoutes } from './qemu-config.ts';
import { qemuStatusRoutes } from './qemu-status.ts';
import { qemuCloneRoutes } from './qemu-clone.ts';
import { qemuDiskRoutes } from './qemu-disk.ts';
import { qemuSnapshotRoutes } from './qemu-snapshot.ts';
import { qemuFirewallRoutes } from './qemu-firewall.ts';
import { qemuAgentRoutes } from './qemu-agent.ts';
import { qemuRrdRoutes } from './qemu-rrd.ts';
import { qemuVncRoutes } from './qemu-vnc.ts';
import { qemuCloudinitRoutes } from './qemu-cloudinit.ts';

export const routes: Routes = {
  ...clusterRoutes,
  ...nodeRoutes,
  ...taskRoutes,
  ...vzdumpRoutes,
  ...qemuLifecycleRoutes,
  ...qemuConfigRoutes,
  ...qemuStatusRoutes,
  ...qemuCloneRoutes,
  ...qemuDiskRoutes,
  ...qemuSnapshotRoutes,
  ...qemuFirewallRoutes,
  ...qemuAgentRoutes,
  ...qemuRrdRoutes,
  ...qemuVncRoutes,
  ...qemuCloudinitRoutes,
};

const missing = allTemplates().filter((k) => !routes[k]);
if (missing.length) throw new Error(`simulator: no handler for ${missing.join(', ')}`);
