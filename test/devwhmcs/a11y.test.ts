// Every control on every dev WHMCS page has an accessible name (button text, <label for>,
// aria-label/labelledby, title), the module's controls included: what tests and screen readers
// find controls by. Checked in Chromium on the rendered DOM, with every tab panel shown.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminLogin, browserTier, clientLogin, launch, pageStack, type PageStack } from './support.ts';

interface MiniElement {
  tagName: string;
  id: string;
  textContent: string | null;
  hidden: boolean;
  labels?: ArrayLike<{ textContent: string | null }> | null;
  getAttribute(name: string): string | null;
  outerHTML: string;
}
interface MiniDocument {
  querySelectorAll(sel: string): ArrayLike<MiniElement>;
  getElementById(id: string): MiniElement | null;
}

/** Controls without a name (serialized by playwright; the project has no DOM lib types). */
function unnamedControls(): string[] {
  const doc = (globalThis as unknown as { document: MiniDocument }).document;
  const out: string[] = [];
  const controls = Array.from(doc.querySelectorAll('button, select, textarea, input, a[href], [role=tab]'));
  for (const el of controls) {
    if (el.tagName === 'INPUT' && el.getAttribute('type') === 'hidden') continue;
    const byId = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => doc.getElementById(id)?.textContent ?? '')
        .join(' ');
    const name = [
      el.getAttribute('aria-label'),
      byId(el.getAttribute('aria-labelledby')),
      ...Array.from(el.labels ?? []).map((l) => l.textContent),
      el.tagName === 'BUTTON' || el.tagName === 'A' || el.getAttribute('role') === 'tab' ? el.textContent : '',
      el.getAttribute('title'),
      el.tagName === 'INPUT' && ['submit', 'button'].includes(el.getAttribute('type') ?? '') ? el.getAttribute('value') : '',
    ]
      .join(' ')
      .trim();
    if (!name) out.push(el.outerHTML.slice(0, 160));
  }
  return out;
}

function showAllPanels(): void {
  const doc = (globalThis as unknown as { document: MiniDocument }).document;
  for (const p of Array.from(doc.querySelectorAll('[role=tabpanel]'))) p.hidden = false;
}

describe.runIf(browserTier())('accessible names on every dev WHMCS page', () => {
  let s: PageStack;
  let browser: Browser;
  beforeAll(async () => {
    s = await pageStack();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const check = async (page: Page, path: string): Promise<string[]> => {
    await page.goto(`${s.url}${path}`);
    await page.evaluate(showAllPanels);
    return (await page.evaluate(unnamedControls)).map((c) => `${path}: ${c}`);
  };

  it('client pages', async () => {
    const context = await browser.newContext();
    try {
      const login = await context.newPage();
      const unnamed = await check(login, '/login.php');
      const c = s.stack.people!.client;
      const page = await clientLogin(context, s.url, c);
      for (const p of ['/clientarea.php', `/clientarea.php?action=productdetails&id=${c.serviceId}`])
        unnamed.push(...(await check(page, p)));
      expect(unnamed).toEqual([]);
      // The checker itself sees a nameless control.
      await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { body: { insertAdjacentHTML(w: string, h: string): void } } }).document;
        doc.body.insertAdjacentHTML('beforeend', '<input type="text" name="probe"><button type="button"></button>');
      });
      expect(await page.evaluate(unnamedControls)).toHaveLength(2);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('admin pages', async () => {
    const context = await browser.newContext();
    try {
      const c = s.stack.people!.client;
      const page = await adminLogin(context, s.url, s.stack.people!.admin);
      const unnamed: string[] = [];
      for (const p of [
        '/admin/index.php',
        `/admin/clientsservices.php?userid=${c.userId}&id=${c.serviceId}`,
        `/admin/configproducts.php?action=edit&id=${s.stack.seeded.productId}`,
        '/admin/addonmodules.php?module=pvebridge_admin',
        '/admin/configaddonmods.php',
        '/admin/configservers.php',
        `/admin/configservers.php?action=manage&id=${s.stack.seeded.serverId}`,
        `/admin/configservers.php?action=sync&id=${s.stack.seeded.serverId}`,
      ])
        unnamed.push(...(await check(page, p)));
      expect(unnamed).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
