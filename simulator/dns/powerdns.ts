// A real PowerDNS Authoritative 4.7 for tests and the demo: its own config dir, the sqlite3
// backend created from the schema the Debian package ships, DNS and API on loopback high ports
// (reference dns-providers.md §2.9, verified recipe). Stopped by its PID; nothing else is touched.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';

const run = promisify(execFile);
export const PDNS_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export interface PowerDns {
  /** Base URL for the zone's `url` setting (the API is under /api/v1). */
  url: string;
  apiKey: string;
  dnsPort: number;
  dir: string;
  /** Creates a Native zone (name with or without the trailing dot). */
  createZone(name: string): Promise<void>;
  /** `dig +short` against this server: A/AAAA by name, PTR by address (`-x`). */
  dig(name: string, type: 'A' | 'AAAA' | 'PTR'): Promise<string[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startPowerDns(o: { pdnsServer?: string; apiKey?: string; timeoutMs?: number } = {}): Promise<PowerDns> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-pdns-'));
  const apiKey = o.apiKey ?? `pdns-${Math.random().toString(36).slice(2)}`;
  const [dnsPort, apiPort] = [await freePort(), await freePort()];
  const db = new Database(path.join(dir, 'pdns.sqlite3'));
  db.exec(fs.readFileSync(PDNS_SCHEMA, 'utf8'));
  db.close();
  fs.writeFileSync(
    path.join(dir, 'pdns.conf'),
    [
      'launch=gsqlite3',
      `gsqlite3-database=${dir}/pdns.sqlite3`,
      'local-address=127.0.0.1',
      `local-port=${dnsPort}`,
      'api=yes',
      `api-key=${apiKey}`,
      'webserver=yes',
      'webserver-address=127.0.0.1',
      `webserver-port=${apiPort}`,
      'webserver-allow-from=127.0.0.1/32',
      'default-soa-content=ns1.example.test. hostmaster.@ 0 10800 3600 604800 3600',
      'security-poll-suffix=',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    o.pdnsServer ?? 'pdns_server',
    [`--config-dir=${dir}`, '--daemon=no', '--guardian=no', '--disable-syslog', `--socket-dir=${dir}`],
    { stdio: ['ignore', fs.openSync(path.join(dir, 'pdns.log'), 'a'), fs.openSync(path.join(dir, 'pdns.log'), 'a')] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${apiPort}`;
  const api = `${url}/api/v1/servers/localhost`;
  const headers = { 'X-API-Key': apiKey, 'Content-Type': 'application/json' };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    const up = await fetch(api, { headers, signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = fs.existsSync(path.join(dir, 'pdns.log')) ? fs.readFileSync(path.join(dir, 'pdns.log'), 'utf8').slice(-800) : '';
      await stop();
      throw new Error(`pdns_server did not come up on 127.0.0.1:${apiPort}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    apiKey,
    dnsPort,
    dir,
    async createZone(name) {
      const zone = `${name.replace(/\.+$/, '')}.`;
      const r = await fetch(`${api}/zones`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: zone, kind: 'Native', nameservers: ['ns1.example.test.'], soa_edit_api: 'DEFAULT' }),
      });
      if (r.status !== 201) throw new Error(`create zone ${zone}: HTTP ${r.status} ${await r.text()}`);
    },
    async dig(name, type) {
      const q = type === 'PTR' ? ['-x', name] : [name, type];
      const { stdout } = await run('dig', [`@127.0.0.1`, '-p', String(dnsPort), ...q, '+short', '+norec', '+time=2', '+tries=1']);
      return stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .sort();
    },
    stop,
  };
}
