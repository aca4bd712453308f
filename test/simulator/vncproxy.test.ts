import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, waitTask, type Api } from './harness.ts';

type Vnc = { user: string; ticket: string; port: number; upid: string; cert: string; password?: string };

// A stand-in VNC server: greets like RFB, then echoes.
let backend: net.Server;
let backendPort: number;
beforeAll(async () => {
  backend = net.createServer((s) => {
    s.write('RFB 003.008\n');
    s.pipe(s);
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  backendPort = (backend.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => backend.close(() => r())));

function roundTrip(socket: net.Socket, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    socket.on('data', (b: Buffer) => {
      got += b.toString();
      if (got.endsWith(payload)) resolve(got);
    });
    socket.on('error', reject);
    socket.write(payload);
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

async function taskState(api: Api, upid: string) {
  return (await api<{ status: string; exitstatus?: string }>('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`)).body.data;
}

describe('vncproxy on PVE ≥ 9.1.7: TLS listener with a random password', () => {
  let sim: Simulator;
  let api: Api;
  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: { vnc: { backend: `127.0.0.1:${backendPort}` } } });
    api = apiFor(sim);
  });
  afterAll(() => sim.close());

  it('returns port, password-prefixed ticket, cert and upid, and bridges one TLS connection to the backend', async () => {
    const r = await api<Vnc>('POST', '/nodes/pve1/qemu/100/vncproxy');
    const v = r.body.data;
    expect(v.port).toBeGreaterThanOrEqual(5900);
    expect(v.port).toBeLessThanOrEqual(5999);
    expect(v.password).toMatch(/^[!-`]{8}$/);
    expect(v.ticket.startsWith(`${v.password}:PVEVNC:`)).toBe(true);
    expect(v.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(v.user).toBe('root@pam!ci');
    expect(v.upid.split(':')[5]).toBe('vncproxy');
    const socket = tls.connect({ host: '127.0.0.1', port: v.port, ca: v.cert });
    await new Promise((res) => socket.once('secureConnect', res));
    expect(socket.authorized).toBe(true);
    const echoed = await roundTrip(socket, 'hello-vnc');
    expect(echoed).toBe('RFB 003.008\nhello-vnc');
    expect(await refused(v.port)).toBe(true);
    expect((await taskState(api, v.upid)).status).toBe('running');
    socket.end();
    expect((await waitTask(api, v.upid)).exitstatus).toBe('OK');
  });

  it('refuses a console for a stopped VM with Proxmox text', async () => {
    const r = await api('POST', '/nodes/pve2/qemu/101/vncproxy');
    expect([r.status, r.reason]).toEqual([500, 'VM 101 not running']);
  });

  it('listens in plain TCP with websocket=1', async () => {
    const v = (await api<Vnc>('POST', '/nodes/pve1/qemu/100/vncproxy', { websocket: 1 })).body.data;
    expect(v.ticket.startsWith(`${v.password}:PVEVNC:`)).toBe(true);
    const socket = net.connect(v.port, '127.0.0.1');
    expect(await roundTrip(socket, 'x')).toBe('RFB 003.008\nx');
    socket.destroy();
  });
});

describe('vncproxy below PVE 9.1.7: plain TCP, ticket as password', () => {
  let sim: Simulator;
  let api: Api;
  beforeAll(async () => {
    sim = await startTestSimulator({
      scenario: { pveVersion: '9.1.6', vnc: { backend: `127.0.0.1:${backendPort}`, acceptTimeoutSec: 0.3 } },
    });
    api = apiFor(sim);
  });
  afterAll(() => sim.close());

  it('returns no password unless asked and bridges plain TCP', async () => {
    const v = (await api<Vnc>('POST', '/nodes/pve1/qemu/100/vncproxy')).body.data;
    expect(v.password).toBeUndefined();
    expect(v.ticket).toMatch(/^PVEVNC:[0-9A-F]{8}::/);
    const socket = net.connect(v.port, '127.0.0.1');
    expect(await roundTrip(socket, 'plain')).toBe('RFB 003.008\nplain');
    socket.destroy();
    expect((await api<Vnc>('POST', '/nodes/pve1/qemu/100/vncproxy', { 'generate-password': 1 })).body.data.password).toMatch(/^.{8}$/);
  });

  it('closes the listener when nobody connects in time and fails the task', async () => {
    const v = (await api<Vnc>('POST', '/nodes/pve1/qemu/100/vncproxy')).body.data;
    await new Promise((r) => setTimeout(r, 450));
    expect(await refused(v.port)).toBe(true);
    expect((await taskState(api, v.upid)).exitstatus).toBe('connection timed out');
  });
});
