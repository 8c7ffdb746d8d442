// Numbers in the reader's language (Intl): the locales of the four languages, as the web app's format.ts uses them.
// Server-made sentences (messages.ts), operator evidence and the exports format numbers here, never by hand.

export const LOCALES = { en: 'en-GB', es: 'es-ES', fr: 'fr-FR', pt: 'pt-PT' } as const;

const locale = (lang: string) => LOCALES[lang as keyof typeof LOCALES] ?? LOCALES.en;
const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: string, kind: 'num' | 'int' | 'pct' | 'pct0'): Intl.NumberFormat {
  const k = `${lang}:${kind}`;
  let f = cache.get(k);
  if (!f) {
    const opts: Intl.NumberFormatOptions =
      kind === 'num'
        ? { maximumFractionDigits: 3 }
        : kind === 'int'
          ? { maximumFractionDigits: 0 }
          : { style: 'percent', maximumFractionDigits: kind === 'pct' ? 1 : 0 };
    cache.set(k, (f = new Intl.NumberFormat(locale(lang), opts)));
  }
  return f;
}

/** A number with the reader's separators (up to three decimals): 1234.5 → '1,234.5' (en), '1234,5' (es). */
export const formatNumber = (x: number, lang: string) => nf(lang, 'num').format(x);
/** A whole number with the reader's thousands separator. */
export const formatInt = (x: number, lang: string) => nf(lang, 'int').format(x);
/** A share given as a fraction, as a percentage in the reader's convention: 0.184 → '18.4%' (en), '18,4 %' (fr). */
export const formatPercent = (x: number, lang: string, digits: 0 | 1 = 1) =>
  nf(lang, digits === 1 ? 'pct' : 'pct0').format(x);
