// The whole app as a reader meets it: every page of web/src/pages.ts at a phone (390×844) and a laptop (1366×768)
// in en/es/fr/pt must fit the window's width; axe-core finds no serious or critical violation on any page; the
// keyboard alone reaches Table 4, an operator and back. Screenshots of every page in en and es at both sizes go
// to test-output/screenshots/ux/. One browser, one signed-in page, reused across passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, signIn as signInAs, type Session } from './browser.ts';
import { buildUxWorkspace, UX_PASSWORD, UX_USER } from './ux-fixture.ts';

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1366, height: 768 },
] as const;
const LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;

/** The app's pages, read from its page table (a drill-down page gets the fixture's operator). */
function pagePaths(operator: string): string[] {
  const src = readFileSync(join(import.meta.dirname, '..', '..', 'web', 'src', 'pages.ts'), 'utf8');
  const paths = [...src.matchAll(/\{\s*path: '([^']+)'/g)].map((m) => m[1]);
  return paths.map((p) => p.replace(':id', encodeURIComponent(operator)));
}

let server: RunningServer;
let b: Session;
let paths: string[];
let operator: string;

beforeAll(async () => {
  const dir = tmpDir('cip-ux-');
  ({ operator } = await buildUxWorkspace(dir));
  paths = pagePaths(operator);
  server = await startServer({ workspace: dir, port: 0 });
  b = await openBrowser();
  await signInAs(b.page, server.url, UX_USER, UX_PASSWORD);
}, 180_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

/** In-app navigation (no reload), then wait until the page's API calls have answered and charts drew. */
async function visit(page: Page, path: string): Promise<void> {
  const pending = new Set<unknown>();
  // The jobs event stream stays open for the whole session: it is not a page's call.
  const on = (r: { url: () => string }) =>
    r.url().includes('/api/') && !r.url().includes('/api/jobs/events') && pending.add(r);
  const off = (r: unknown) => pending.delete(r);
  page.on('request', on);
  page.on('requestfinished', off);
  page.on('requestfailed', off);
  try {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
    await page.locator('main h1, main .empty').first().waitFor();
    let quiet = 0;
    for (let i = 0; i < 100 && quiet < 3; i++) {
      await page.waitForTimeout(50);
      quiet = pending.size === 0 ? quiet + 1 : 0;
    }
  } finally {
    page.off('request', on);
    page.off('requestfinished', off);
    page.off('requestfailed', off);
  }
}

/** Two animation frames after a resize: the layout and the charts' resize observers have run. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

async function setLanguage(page: Page, lang: string) {
  await page.getByTestId('language').selectOption(lang);
  await page.waitForFunction(
    (l) => (document.querySelector('[data-testid="language"]') as HTMLSelectElement | null)?.value === l,
    lang,
  );
}

const slug = (p: string) => (p === '/' ? 'overview' : p.slice(1).replace(/[/:]/g, '-').replace(/%/g, ''));

describe('layout, accessibility and keyboard', () => {
  it('lists the pages from the page table', () => {
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(paths).toContain('/');
    expect(paths).toContain(`/operators/${encodeURIComponent(operator)}`);
  });

  it('every page fits the window at 390 and 1366 px in en, es, fr and pt; screenshots in en and es', async () => {
    const { page } = b;
    const wider: string[] = [];
    // Each page is loaded once per language and measured at both sizes (the window is resized in place, as a
    // reader turning a tablet would; the layout and the charts follow the resize).
    for (const lang of LANGUAGES) {
      await setLanguage(page, lang);
      for (const path of paths) {
        await page.setViewportSize({ width: SIZES[1].width, height: SIZES[1].height });
        await visit(page, path);
        for (const size of [SIZES[1], SIZES[0]]) {
          if (size !== SIZES[1]) {
            await page.setViewportSize({ width: size.width, height: size.height });
            await settle(page);
          }
          const { doc, win } = await page.evaluate(() => ({
            doc: document.documentElement.scrollWidth,
            win: document.documentElement.clientWidth,
          }));
          if (doc > win) wider.push(`${lang} ${size.width}px ${path}: document ${doc}px > window ${win}px`);
          if (lang === 'en' || lang === 'es')
            await shot(page, `ux/${size.name}-${lang}-${slug(path)}`, { fullPage: false });
        }
      }
    }
    await setLanguage(page, 'en');
    expect(wider).toEqual([]);
  }, 240_000);

  it('axe-core: no serious or critical violation on any page (phone, English)', async () => {
    const { page } = b;
    const found: string[] = [];
    // The phone is where the folded menu and the scrolling boxes are; colours and labels are the same at both sizes.
    for (const size of [SIZES[0]]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const path of paths) {
        await visit(page, path);
        const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
          found.push(
            `${size.width}px ${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
          );
      }
    }
    expect(found).toEqual([]);
  }, 240_000);

  it('the keyboard alone: skip link, Table 4 row, an operator, and back to the segmentation', async () => {
    const { page } = b;
    await setLanguage(page, 'en');
    await page.setViewportSize({ width: 1366, height: 768 });
    await visit(page, '/segmentation');
    await page.getByTestId('table4').waitFor();
    // Tab until the focus is on an element matching `selector` (at most `max` presses).
    const tabTo = async (selector: string, max = 80, key = 'Tab') => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(key);
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      }
      throw new Error(`no focus on ${selector} after ${max} × ${key}`);
    };
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo('a.skip-link', 3);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');
    // The heat map is reached and moved with the arrows; then the first Table 4 row (large × high) is picked.
    await tabTo('[data-testid="heatmap"]');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('heatmap-active').textContent()).toMatch(/^Large × Medium: /);
    const filtered = page.waitForResponse(
      (r) => r.url().includes('/api/segmentation/operators') && r.url().includes('level=high'),
    );
    await tabTo('[data-testid="table4"] tr.clickable');
    await page.keyboard.press('Enter');
    await filtered;
    await expect
      .poll(() => page.getByTestId('operators').locator('tbody tr td:nth-child(5)').allTextContents())
      .toSatisfy((xs: string[]) => xs.length > 0 && xs.every((x) => x === 'High'));
    // A sortable header is a button: Enter sorts (the first is the TIN; the list starts sorted by GRI, so the
    // sorted answer is awaited — a link focused in the rows it replaces would be gone).
    await tabTo('[data-testid="operators"] th.sortable button');
    const resorted = page.waitForResponse(
      (r) => r.url().includes('/api/segmentation/operators') && r.url().includes('sort=operator_id'),
    );
    await page.keyboard.press('Enter');
    await resorted;
    await expect
      .poll(() => page.locator('[data-testid="operators"] th[aria-sort]').getAttribute('aria-sort'))
      .toBe('descending');
    await tabTo('[data-testid="operators"] tbody a');
    const tin = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Operator ${tin}` }).waitFor();
    // Back through the menu, which says which page is current.
    await tabTo('nav a[href="/segmentation"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Segmentation' }).first().waitFor();
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Segmentation');
  });

  it('an editor takes the focus when it opens and gives it back when it closes', async () => {
    const { page } = b;
    await visit(page, '/register');
    const edit = page.getByTestId('register').getByRole('button', { name: 'Edit' }).first();
    await edit.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('register-editor').waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="register-editor"]') !== null)).toBe(
      true,
    );
    await page.getByTestId('register-editor').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Edit');
  });
});
