// Labels that come with the domain data files ({en, es, fr, pt}), shown in the current language.
import i18n from '../i18n.ts';

export type Labels = Record<string, string>;
export const lbl = (l: Labels | undefined, fallback = '') => (l ? (l[i18n.language] ?? l.en ?? fallback) : fallback);

/** The register's scales as /api/plan/scales answers them. */
export type { RegisterScales as Scales } from '../../../src/server/routes/plan-schemas.ts';

/** An entry of a scale or catalogue: a code with its labels. */
export interface Coded {
  code: string;
  labels: Labels;
}

export const labelOf = (list: Coded[] | undefined, code: string) =>
  lbl(list?.find((x) => x.code === code)?.labels, code);
