// Every page in es, fr and pt, with something on each so that server-made text is on screen (see translated-seed.ts):
// fails on any text of the English catalogue (web locales and the server's YAML texts) left on screen. Codes and
// proper names that read the same in every language are allowed in untranslated-allow.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, type Session } from './browser.ts';
import { seedTranslatedWorkspace } from './translated-seed.ts';
import { EnglishCatalogue, visibleTexts, type Finding } from './untranslated.ts';

const PASSWORD = 'e2e-password-1';
const ALLOW = JSON.parse(readFileSync(join(import.meta.dirname, 'untranslated-allow.json'), 'utf8')) as {
  texts: Record<string, string>;
};
const OUT = join(import.meta.dirname, '..', '..', 'test-output');
let server: RunningServer;
let b: Session;
let paths: string[];

beforeAll(async () => {
  const dir = tmpDir('cip-e2e-i18n-');
  await seedTranslatedWorkspace(dir, PASSWORD);
  const ws = await Workspace.open(dir);
  const flagged = await ws.scalar<string>(
    `SELECT operator_id FROM operator_indicator_flags GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  const meeting = await ws.scalar<string>('SELECT ref FROM gov_meetings ORDER BY ref LIMIT 1');
  ws.close();
  paths = [
    '/',
    '/imports',
    '/data',
    '/segmentation',
    `/operators/${flagged}`,
    '/gri',
    '/gri/operators',
    '/hs',
    '/treatments',
    '/register',
    '/measures',
    '/kpis',
    '/effect',
    '/backtest',
    `/governance?ref=${meeting}`,
    '/exports',
    '/jobs',
    '/history',
    '/users',
    '/account',
  ];
  server = await startServer({ workspace: dir, port: 0 });
  b = await openBrowser();
}, 180_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

/** Waits until no API request is in flight (the job event stream aside) and nothing shows "loading". */
async function settled(page: Page, inFlight: Set<unknown>): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 300 && quiet < 3; i++) {
    await page.waitForTimeout(100);
    const loading = await page.locator('.loading').count();
    quiet = inFlight.size === 0 && loading === 0 ? quiet + 1 : 0;
  }
}

async function walk(lang: 'es' | 'fr' | 'pt'): Promise<string[]> {
  const { page } = b;
  const inFlight = new Set<unknown>();
  const track = (r: { url: () => string }) => r.url().includes('/api/') && !r.url().includes('/events');
  page.on('request', (r) => track(r) && inFlight.add(r));
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  await page.goto(server.url + '/');
  await page.locator('input[name=username]').fill(`user_${lang}`);
  await page.locator('input[type=password]').fill(PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.getByTestId('language').waitFor();
  const catalogue = new EnglishCatalogue(lang, Object.keys(ALLOW.texts));
  const found: string[] = [];
  const seen: string[] = [];
  for (const p of paths) {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, p);
    await settled(page, inFlight);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    const texts = await visibleTexts(page);
    seen.push(`== ${p}`, ...new Set(texts.map((x) => x.trim())));
    const english = catalogue.check(texts);
    found.push(...english.map((f: Finding) => `${p}: "${f.text}" (en: "${f.english}")`));
  }
  await page.evaluate(() => fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined));
  await page.context().clearCookies();
  // What was read, page by page, for whoever checks a failure (test-output/, not committed).
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `screen-texts-${lang}.txt`), seen.join('\n') + '\n');
  return found;
}

describe('no English left on screen', () => {
  for (const lang of ['es', 'fr', 'pt'] as const)
    it(`every page in ${lang}`, async () => {
      const found = await walk(lang);
      mkdirSync(OUT, { recursive: true });
      writeFileSync(join(OUT, `untranslated-${lang}.txt`), found.join('\n') + '\n');
      expect(found).toEqual([]);
    });
});
