// Debian's Chromium driven by playwright-core (never a downloaded browser), with a fresh
// profile per launch, opening a console link and reporting what noVNC shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// Browser-side functions (serialized by playwright; the page's CSP forbids string eval). The
// project type-checks without the DOM library, hence the small structural types.
interface MiniCanvas {
  width: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}
interface MiniDocument {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(sel: string): MiniCanvas | null;
}

function statusSettled(): boolean {
  const doc = (globalThis as unknown as { document: MiniDocument }).document;
  return /^(Connected|Something went wrong|Authentication failed|Disconnected|This console)/.test(
    doc.getElementById('status')?.textContent ?? '',
  );
}

function readPixel(): { pixel: string | undefined; width: number } {
  const doc = (globalThis as unknown as { document: MiniDocument }).document;
  const c = doc.querySelector('#screen canvas');
  if (!c || !c.width) return { pixel: undefined, width: 0 };
  const d = c.getContext('2d').getImageData(10, 10, 1, 1).data;
  return { pixel: [d[0]!, d[1]!, d[2]!].map((v) => v.toString(16).padStart(2, '0')).join(''), width: c.width };
}

export interface ConsoleView {
  status: string;
  /** Hex colour of the canvas pixel at (10, 10), e.g. "2060a0". */
  pixel: string | undefined;
  width: number;
  addressBar: string;
  requests: string[];
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pvebridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url`, waits for "Connected" (or a failure) and for the framebuffer's first paint. */
export async function viewConsole(context: BrowserContext, url: string, expectColour?: string): Promise<ConsoleView> {
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto(url);
    await page.waitForFunction(statusSettled, null, { timeout: 15_000 });
    const status = (await page.textContent('#status')) ?? '';
    let shot = await page.evaluate(readPixel);
    // The first framebuffer update lands shortly after "Connected".
    for (let i = 0; status.startsWith('Connected') && i < 50 && shot.pixel !== expectColour; i++) {
      await page.waitForTimeout(100);
      shot = await page.evaluate(readPixel);
    }
    return { status, ...shot, addressBar: page.url(), requests };
  } finally {
    await page.close();
  }
}
