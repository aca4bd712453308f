// WHMCS 8 ships Smarty 3.1: the client overview and the noVNC page render the same with Debian's
// smarty3 as with smarty4 (pages.test.ts), in a real browser.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTier, clientLogin, launch, pageStack, rowValue, type PageStack } from './support.ts';

describe.runIf(browserTier())('dev WHMCS with Smarty 3.1', () => {
  let s: PageStack;
  let browser: Browser;
  beforeAll(async () => {
    s = await pageStack({ smarty: 3 });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('renders the client overview with Smarty 3.1, power running', async () => {
    const context = await browser.newContext();
    try {
      const c = s.stack.people!.client;
      const page = await clientLogin(context, s.url, c);
      await page.goto(`${s.url}/clientarea.php?action=productdetails&id=${c.serviceId}`);
      expect(await page.getAttribute('meta[name=generator]', 'content')).toMatch(/Smarty 3\.1\./);
      await expect.poll(() => rowValue(page, /^Power/), { timeout: 15_000 }).toBe('Running');
    } finally {
      await context.close();
    }
  }, 60_000);
});
