// English left on a page shown in another language. The English catalogue is every text the product carries:
// the web app's locales/en.json and every {en, es, fr, pt} entry of the server's YAML files (messages, indicator and
// KPI catalogues, scales, export labels). A text on screen is English when it is such an entry (placeholders
// matching anything) or contains a sentence of one, unless the target language says the same thing the same way.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
type Lang = 'es' | 'fr' | 'pt';
interface Entry {
  en: string;
  es: string;
  fr: string;
  pt: string;
}

function webEntries(): Entry[] {
  const load = (l: string) =>
    JSON.parse(readFileSync(join(ROOT, 'web', 'src', 'locales', `${l}.json`), 'utf8')) as Record<string, unknown>;
  const [en, es, fr, pt] = ['en', 'es', 'fr', 'pt'].map(load);
  const out: Entry[] = [];
  const walk = (e: unknown, path: string[]) => {
    if (typeof e === 'string') {
      const at = (o: Record<string, unknown>) => path.reduce<unknown>((x, k) => (x as Record<string, unknown>)?.[k], o);
      out.push({ en: e, es: String(at(es) ?? ''), fr: String(at(fr) ?? ''), pt: String(at(pt) ?? '') });
    } else if (e && typeof e === 'object')
      for (const [k, v] of Object.entries(e as Record<string, unknown>)) walk(v, [...path, k]);
  };
  walk(en, []);
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

function serverEntries(): Entry[] {
  const out: Entry[] = [];
  const walk = (e: unknown) => {
    if (Array.isArray(e)) e.forEach(walk);
    else if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      if (['en', 'es', 'fr', 'pt'].every((l) => typeof o[l] === 'string')) out.push(o as unknown as Entry);
      else Object.values(o).forEach(walk);
    }
  };
  for (const f of yamlFiles(join(ROOT, 'src'))) walk(parse(readFileSync(f, 'utf8')));
  return out;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
const PLACEHOLDER = /\{\{?\s*[\w.]+\s*(?:,[^}]*)?\}\}?/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Finding {
  text: string;
  english: string;
}

/** The English texts to look for on a page in `lang`, and that language's own texts (never reported). */
export class EnglishCatalogue {
  private readonly whole: { re: RegExp; en: string }[] = [];
  private readonly sentences: { frag: string; en: string }[] = [];
  private readonly own = new Set<string>();
  constructor(
    readonly lang: Lang,
    allow: string[],
  ) {
    const allowed = new Set(allow.map(norm));
    const entries = [...webEntries(), ...serverEntries()];
    for (const e of entries) this.own.add(norm(e[lang]));
    for (const e of entries) {
      const en = norm(e.en);
      if (!/[a-z]{2}/.test(en.replace(PLACEHOLDER, '')) || en === norm(e[lang]) || allowed.has(en)) continue;
      const parts = en.split(PLACEHOLDER);
      this.whole.push({ re: new RegExp(`^${parts.map(escape).join('.+?')}$`, 's'), en: e.en });
      // Sentences of three words or more are looked for inside longer texts too.
      for (const p of parts) {
        const frag = p.trim().replace(/^[^a-z]+|[^a-z]+$/g, '');
        if (frag.split(' ').length >= 3 && !allowed.has(frag) && !this.inOwn(frag))
          this.sentences.push({ frag, en: e.en });
      }
    }
  }

  private inOwn(frag: string): boolean {
    for (const o of this.own) if (o.includes(frag)) return true;
    return false;
  }

  /** The English among a page's texts. */
  check(texts: string[]): Finding[] {
    const out: Finding[] = [];
    for (const raw of new Set(texts)) {
      const t = norm(raw);
      if (!/[a-z]{2}/.test(t) || this.own.has(t)) continue;
      const hit =
        this.whole.find((w) => w.re.test(t))?.en ?? this.sentences.find((s) => t.includes(s.frag))?.en ?? null;
      if (hit !== null) out.push({ text: raw.trim(), english: hit });
    }
    return out;
  }
}

/** Every text a reader sees: each element's own text (with its inline children), placeholders, titles, labels. */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const all = document.body.querySelectorAll('*');
    for (const el of Array.from(all)) {
      const h = el as HTMLElement;
      if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(h.tagName)) continue;
      const own = Array.from(h.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (own) {
        const style = getComputedStyle(h);
        if (style.display !== 'none' && style.visibility !== 'hidden') out.push(h.innerText ?? h.textContent ?? '');
        for (const n of Array.from(h.childNodes))
          if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) out.push(n.textContent!);
      }
      for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
        const v = h.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out.filter((s) => s.trim() !== '');
  });
}
