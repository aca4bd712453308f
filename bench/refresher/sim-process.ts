// One simulated Proxmox server in its own process (Proxmox is another machine: its CPU must not
// compete with the gateway's), bulk-seeded with --vms VMs. Prints one JSON line — its URL, token
// and VMs — then serves until killed. Loopback only.
import { seedBulkVms } from '../../simulator/model/bulk.ts';
import { startSimulator } from '../../simulator/index.ts';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const sim = await startSimulator({ token: arg('token', ''), timeScale: 0.01, host: '127.0.0.1' });
const ids = seedBulkVms(sim.state, Number(arg('vms', '1000')), { firstVmid: 1000 });
const vms = ids.map((vmid) => ({ vmid, node: sim.state.vms.get(vmid)!.node, name: sim.state.vms.get(vmid)!.config.name! }));
process.stdout.write(`${JSON.stringify({ url: sim.url, tokenId: sim.tokenId, secret: sim.secret, vms })}\n`);
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
