// Shared set-up for simulator tests: an in-process simulator with short task durations and a
// raw HTTP helper (so tests see exactly what Proxmox clients see: status, reason, envelope).
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';

export const TOKEN = 'root@pam!ci=00000000-0000-0000-0000-000000000001';

export function startTestSimulator(opts: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return startSimulator({ token: TOKEN, timeScale: 0.01, ...opts });
}

export interface Reply<T = unknown> {
  status: number;
  reason: string;
  body: { data: T; errors?: Record<string, string>; message?: string; total?: number };
}

export type Api = <T = unknown>(
  method: string,
  path: string,
  params?: Record<string, string | number>,
  opts?: { json?: boolean; auth?: string | null },
) => Promise<Reply<T>>;

export function apiFor(sim: Simulator): Api {
  return async (method, path, params = {}, opts = {}) => {
    const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const hasBody = method === 'POST' || method === 'PUT';
    const url = `${sim.baseUrl}${path}${!hasBody && form.size ? `?${form}` : ''}`;
    const auth = opts.auth === undefined ? `PVEAPIToken=${sim.token}` : opts.auth;
    const res = await fetch(url, {
      method,
      headers: {
        ...(auth ? { Authorization: auth } : {}),
        ...(hasBody ? { 'Content-Type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
      },
      ...(hasBody ? { body: opts.json ? JSON.stringify(params) : form.toString() } : {}),
    });
    const text = await res.text();
    return { status: res.status, reason: res.statusText, body: text ? JSON.parse(text) : { data: null } };
  };
}

/** Polls a task until it stops (test helper; the product uses the client's wait). */
export async function waitTask(api: Api, upid: string): Promise<{ exitstatus: string; log: string[] }> {
  const node = upid.split(':')[1]!;
  for (let i = 0; i < 500; i++) {
    const s = await api<{ status: string; exitstatus?: string }>('GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`);
    if (s.body.data.status === 'stopped') {
      const log = await api<Array<{ n: number; t: string }>>('GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`, { limit: 0 });
      return { exitstatus: s.body.data.exitstatus!, log: log.body.data.map((l) => l.t) };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${upid} did not stop`);
}
