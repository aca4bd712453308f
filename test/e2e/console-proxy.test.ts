// Real noVNC in Debian's Chromium, through the console proxy, to a real Xvnc with a password:
// plain TCP (PVE < 9.1.7) and TLS verified against a pinned CA (PVE ≥ 9.1.7). Tickets are
// minted here; test/e2e/console.test.ts runs the same path from the gateway endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAllowlist } from '../../vncproxy/allowlist.ts';
import { startVncProxy, type RunningVncProxy } from '../../vncproxy/server.ts';
import { has } from '../support/tools.ts';
import { launchChromium } from '../vncproxy/browser.ts';
import { viewConsole } from '../vncproxy/browser.ts';
import { freePort, keys, ticketFor } from '../vncproxy/support.ts';
import { nodeCert, selfsignedCa, startTlsBridge } from '../vncproxy/tls-support.ts';
import { startXvnc, type RunningXvnc } from '../vncproxy/xvnc.ts';

const PASSWORD = 'p&w#=x1!'; // fragment encoding must survive &, # and =
const COLOUR = '#2060a0';

describe.skipIf(!has('chromium') || !has('xvnc'))('noVNC in Chromium through the console proxy to Xvnc', () => {
  let xvnc: RunningXvnc;
  let proxy: RunningVncProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let tlsBridge: Awaited<ReturnType<typeof startTlsBridge>>;
  let ca: Awaited<ReturnType<typeof selfsignedCa>>;

  beforeAll(async () => {
    xvnc = await startXvnc({ password: PASSWORD, colour: COLOUR });
    ca = await selfsignedCa();
    tlsBridge = await startTlsBridge(await nodeCert(ca, 'pve1'), { host: '127.0.0.1', port: xvnc.port });
    const port = await freePort();
    proxy = await startVncProxy({
      port,
      ticketKeys: keys,
      allowlist: await buildAllowlist([{ id: 1, ipaddress: '127.0.0.1' }]),
      allowedOrigins: [`http://127.0.0.1:${port}`],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await tlsBridge?.close();
    await xvnc?.stop();
  });

  const link = (ticket: string, service = 7) =>
    `${proxy.url}/console/${service}#&password=${encodeURIComponent(PASSWORD)}&ticket=${encodeURIComponent(ticket)}`;

  it('connects over plain TCP and paints the desktop colour', async () => {
    const view = await viewConsole(browser.context, link(ticketFor({ host: '127.0.0.1', port: xvnc.port })), '2060a0');
    expect(view.status).toMatch(/^Connected/);
    expect(view.width).toBe(800);
    expect(view.pixel).toBe('2060a0');
    // Neither the password nor the ticket ever left the browser in a URL it requested.
    expect(view.requests.join('\n')).not.toContain('password');
    expect(view.requests.filter((u) => u.includes('ticket'))).toEqual([]);
    expect(view.addressBar).toBe(`${proxy.url}/console/7`);
  });

  it('connects over TLS verified against the pinned CA and paints the desktop colour', async () => {
    const ticket = ticketFor({ host: '127.0.0.1', port: tlsBridge.port }, { mode: 'tls', ca: ca.claim });
    const view = await viewConsole(browser.context, link(ticket), '2060a0');
    expect(view.status).toMatch(/^Connected/);
    expect(view.pixel).toBe('2060a0');
    expect(tlsBridge.connections).toBe(1);
  });

  it('refuses TLS to a node whose certificate another CA signed', async () => {
    const other = await selfsignedCa('Another cluster');
    const before = tlsBridge.connections;
    const view = await viewConsole(
      browser.context,
      link(ticketFor({ host: '127.0.0.1', port: tlsBridge.port }, { mode: 'tls', ca: other.claim })),
    );
    expect(view.status).not.toMatch(/^Connected/);
    expect(tlsBridge.connections).toBe(before); // no TLS session was established
    expect(await proxy.metrics.register.getSingleMetricAsString('pvebridge_vnc_upgrade_refusals_total')).toMatch(
      /reason="upstream_tls"\} 1/,
    );
  });

  it('shows the failure when the same link is opened twice', async () => {
    const url = link(ticketFor({ host: '127.0.0.1', port: xvnc.port }));
    expect((await viewConsole(browser.context, url, '2060a0')).status).toMatch(/^Connected/);
    expect((await viewConsole(browser.context, url)).status).toMatch(/^Something went wrong/);
  });
});
