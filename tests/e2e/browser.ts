// Debian's chromium driven by playwright-core (never a downloaded browser), against a real `startServer`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Session {
  browser: Browser | null;
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

export async function openBrowser(downloads?: string): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'cip-chromium-'));
  // A fresh profile directory each run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    downloadsPath: downloads,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    locale: 'en-GB',
  });
  const browser = context.browser();
  // Nothing may leave the machine: any request to another host fails the test run.
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (
      url.hostname !== '127.0.0.1' &&
      url.hostname !== 'localhost' &&
      url.protocol !== 'data:' &&
      url.protocol !== 'blob:'
    ) {
      external.push(url.href);
      return route.abort();
    }
    return route.continue();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    browser,
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (external.length) throw new Error(`external requests attempted: ${external.join(', ')}`);
    },
  };
}

/** A screenshot into test-output/screenshots/; `fullPage: false` keeps only the window (cheaper for page sweeps). */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(dirname(join(SCREENSHOTS, `${name}.png`)), { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Signs in through the form with a fresh session (cookies cleared) and waits for the landing page's heading. */
export async function signIn(page: Page, url: string, user: string, password: string, heading = 'Overview') {
  await page.context().clearCookies();
  await page.goto(url + '/');
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}
