// startSimulator(): a Proxmox VE 9.1 API simulator on loopback, for tests (in-process) and for
// `pvebridge sim`. See simulator/README.md for the scenario format, faults and control API.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { routes } from './api/index.ts';
import { createHandler, type RequestLogEntry } from './http/server.ts';
import { FaultController } from './faults.ts';
import { ClusterState } from './model/state.ts';
import { loadScenario, type ScenarioInput } from './model/scenario.ts';
import { loadState, saveState } from './model/persist.ts';
import { VncManager } from './vnc/manager.ts';
import { ClusterCerts } from './model/certs.ts';
import type { Scenario } from './model/types.ts';

export type { Scenario, RequestLogEntry, ScenarioInput };
export { ClusterState, FaultController, ClusterCerts };

export interface SimulatorOptions {
  port?: number;
  /** Listen address; loopback unless a container needs to publish it. */
  host?: string;
  /** USER@REALM!ID=SECRET */
  token: string;
  scenario?: ScenarioInput | string;
  /** Multiplies every task duration (tests use e.g. 0.01). Default 1. */
  timeScale?: number;
  tls?: boolean;
  /** Keep the cluster state in this JSON file (loaded at start if present, saved on change). */
  stateFile?: string;
}

export interface Simulator {
  url: string;
  baseUrl: string;
  token: string;
  tokenId: string;
  secret: string;
  ca?: string;
  /** Cluster CA, node certificates and the operator CA that issues nodes' custom certificates. */
  certs: ClusterCerts;
  state: ClusterState;
  scenario: Scenario;
  requestLog: RequestLogEntry[];
  faults: FaultController;
  close(): Promise<void>;
}

function splitToken(token: string): { tokenId: string; secret: string } {
  const cut = token.lastIndexOf('=');
  const tokenId = token.slice(0, cut);
  if (cut < 0 || !/^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/.test(tokenId))
    throw new Error(`token must look like USER@REALM!ID=SECRET, got '${token.slice(0, 40)}'`);
  return { tokenId, secret: token.slice(cut + 1) };
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const { tokenId, secret } = splitToken(opts.token);
  const scenario = loadScenario(opts.scenario);
  const timeScale = opts.timeScale ?? 1;
  const state = new ClusterState(scenario, timeScale);
  state.seed();
  if (opts.stateFile) loadState(state, opts.stateFile);
  const faults = new FaultController(state);
  faults.set(scenario.faults);
  const certs = new ClusterCerts(() => new Set(scenario.nodes.filter((n) => n.certificate === 'custom').map((n) => n.name)));
  // The API listener presents the cluster CA itself (a self-signed CA with SAN 127.0.0.1), so a
  // client can trust it by `ca` or pin its fingerprint; nodes' own certificates live in `certs`.
  const cert = () => certs.clusterCa();
  const vnc = new VncManager(state, certs);
  const requestLog: RequestLogEntry[] = [];
  let saveTimer: NodeJS.Timeout | undefined;
  if (opts.stateFile) {
    const file = opts.stateFile;
    state.onChange = () => {
      saveTimer ??= setTimeout(() => {
        saveTimer = undefined;
        saveState(state, file);
      }, 20);
    };
  }
  const handler = createHandler({
    services: { state, faults, vnc, cert, certs },
    routes,
    tokenId,
    secret,
    requestLog,
    authFailDelayMs: Math.min(3000, 3000 * timeScale),
  });
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void handler(req, res);
  const server = opts.tls ? https.createServer(await cert(), listener) : http.createServer(listener);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/api2/json`,
    token: opts.token,
    tokenId,
    secret,
    ...(opts.tls ? { ca: (await cert()).cert } : {}),
    certs,
    state,
    scenario,
    requestLog,
    faults,
    async close() {
      vnc.close();
      if (saveTimer) {
        clearTimeout(saveTimer);
        saveTimer = undefined;
      }
      if (opts.stateFile) saveState(state, opts.stateFile);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
