// The simulator's own control API (same token as the Proxmox API), for tests and dry runs:
//   GET|PUT|POST /__sim/faults   read or replace the active faults (JSON body, see Faults)
//   DELETE /__sim/faults         clear all faults
//   GET /__sim/requests          the request log; DELETE clears it
//   GET /__sim/state             counts of VMs, volumes and running tasks
//   GET /__sim/cloudinit/<vmid>  the cloud-init drive Proxmox would generate now (format, label, files)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimServices } from './context.ts';
import type { RequestLogEntry } from './server.ts';
import type { Faults } from '../model/types.ts';
import { renderCloudinit } from '../model/cloudinit.ts';

type Send = (res: ServerResponse, status: number, body: unknown, message?: string) => void;

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  services: SimServices,
  requestLog: RequestLogEntry[],
  readBody: (req: IncomingMessage) => Promise<string>,
  send: Send,
): Promise<void> {
  const key = `${req.method} ${url.pathname}`;
  try {
    const ci = /^GET \/__sim\/cloudinit\/(\d+)$/.exec(key);
    if (ci) {
      services.state.advance();
      const vm = services.state.vms.get(Number(ci[1]));
      if (!vm) return send(res, 404, { data: null, message: 'no such VM\n' }, 'no such VM');
      return send(res, 200, { data: renderCloudinit(services.state, vm) });
    }
    switch (key) {
      case 'GET /__sim/faults':
        return send(res, 200, { data: services.faults.current });
      case 'POST /__sim/faults':
      case 'PUT /__sim/faults':
        services.faults.set(JSON.parse((await readBody(req)) || '{}') as Faults);
        return send(res, 200, { data: services.faults.current });
      case 'DELETE /__sim/faults':
        services.faults.set({});
        return send(res, 200, { data: null });
      case 'GET /__sim/requests':
        return send(res, 200, { data: requestLog });
      case 'DELETE /__sim/requests':
        requestLog.length = 0;
        return send(res, 200, { data: null });
      case 'GET /__sim/state':
        services.state.advance();
        return send(res, 200, {
          data: { vms: services.state.vms.size, volumes: services.state.volumes.size, runningTasks: services.state.running.length },
        });
      default:
        return send(res, 404, { data: null, message: 'unknown control endpoint\n' }, 'unknown control endpoint');
    }
  } catch (err) {
    return send(res, 400, { data: null, message: `${(err as Error).message}\n` }, (err as Error).message);
  }
}
