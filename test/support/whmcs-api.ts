// A small stand-in for WHMCS's includes/api.php for unit tests: checks the API credential and
// answers DecryptPassword / EncryptPassword with WHMCS's cipher (common/whmcs-crypto.ts) under a
// cc_encryption_hash that only it knows. Records the actions called (never the values).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptWhmcsPassword, encryptWhmcsPassword } from '../../common/whmcs-crypto.ts';

export interface TestWhmcsApi {
  url: string;
  identifier: string;
  secret: string;
  /** Actions received, in order. */
  calls: string[];
  /** Raw request bodies received (to prove what crossed the wire). */
  bodies: string[];
  close(): Promise<void>;
}

export async function startTestWhmcsApi(ccEncryptionHash: string, o: { identifier?: string; secret?: string } = {}): Promise<TestWhmcsApi> {
  const identifier = o.identifier ?? 'api-identifier';
  const secret = o.secret ?? 'api-secret';
  const calls: string[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const p = new URLSearchParams(raw);
      const action = p.get('action') ?? '';
      calls.push(action);
      bodies.push(raw);
      const reply = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url !== '/includes/api.php' || req.method !== 'POST') return reply(404, { result: 'error', message: 'Not found' });
      if (p.get('identifier') !== identifier || p.get('secret') !== secret)
        return reply(403, { result: 'error', message: 'Authentication Failed' });
      const password2 = p.get('password2') ?? '';
      if (action === 'DecryptPassword')
        return reply(200, { result: 'success', password: decryptWhmcsPassword(password2, ccEncryptionHash) });
      if (action === 'EncryptPassword')
        return reply(200, { result: 'success', password: encryptWhmcsPassword(password2, ccEncryptionHash) });
      return reply(200, { result: 'error', message: `Command Not Found: ${action}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/includes/api.php`,
    identifier,
    secret,
    calls,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
