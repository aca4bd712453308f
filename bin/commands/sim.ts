// `pvebridge sim`: runs the Proxmox VE simulator on loopback until interrupted.
import { parseArgs } from 'node:util';
import { startSimulator } from '../../simulator/index.ts';

const HELP = `pvebridge sim --port P --token 'USER@REALM!ID=SECRET' [--scenario FILE] [--time-scale N] [--tls] [--state FILE] [--host ADDR]
  Serves a simulated Proxmox VE 9.1 API under /api2/json on 127.0.0.1 (default cluster unless
  --scenario; --host 0.0.0.0 only inside a container). --time-scale multiplies task durations; --state keeps the cluster in a JSON file.
  See simulator/README.md.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      scenario: { type: 'string' },
      'time-scale': { type: 'string' },
      tls: { type: 'boolean' },
      state: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.token || !values.port) {
    process.stderr.write(`pvebridge sim: --port and --token are required\n\n${HELP}`);
    return 2;
  }
  let sim;
  try {
    sim = await startSimulator({
      port: Number(values.port),
      host: values.host ?? '127.0.0.1',
      token: values.token,
      scenario: values.scenario,
      timeScale: values['time-scale'] ? Number(values['time-scale']) : 1,
      tls: values.tls ?? false,
      stateFile: values.state,
    });
  } catch (err) {
    process.stderr.write(`pvebridge sim: ${(err as Error).message}\n`);
    return 2;
  }
  const { nodes, storages } = sim.scenario;
  process.stdout.write(
    `pvebridge sim: Proxmox VE ${sim.scenario.pveVersion} simulator on ${sim.baseUrl} (token ${sim.tokenId}; ` +
      `${nodes.length} nodes, ${storages.length} storages, ${sim.state.vms.size} VMs)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
