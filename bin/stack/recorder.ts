// An in-process stand-in for WHMCS's includes/api.php that records every call and answers
// success, or fails the next N calls with WHMCS's "Email Template not found". Only for tests that
// inject faults (`failNext`) or assert the exact calls; everything else talks to the dev WHMCS.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WhmcsApiRecorder {
  url: string;
  calls: Array<Record<string, string>>;
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function whmcsApiRecorder(): Promise<WhmcsApiRecorder> {
  const calls: Array<Record<string, string>> = [];
  let failures = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (failures > 0) {
        failures--;
        res.end(JSON.stringify({ result: 'error', message: 'Email Template not found' }));
        return;
      }
      calls.push(Object.fromEntries(new URLSearchParams(body)));
      res.end(JSON.stringify({ result: 'success' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/includes/api.php`,
    calls,
    failNext: (n) => void (failures = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
