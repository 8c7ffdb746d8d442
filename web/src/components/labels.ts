// Labels that come with the domain data files ({en, es, fr, pt}), shown in the current language.
import i18n from '../i18n.ts';

export type Labels = Record<string, string>;
export const lbl = (l: Labels | undefined, fallback = '') => (l ? (l[i18n.language] ?? l.en ?? fallback) : fallback);

export interface Coded {
  code: string;
  labels: Labels;
  colour?: string;
  points?: number;
  short?: string;
}

export interface Scales {
  effect_scale: Coded[];
  objectives: Coded[];
  institutional_risks: Coded[];
  compliance_risks: Coded[];
  priority_bands: { basis: string; bands: (Coded & { min: number })[] };
  probability_bands: { basis: string; bands: (Coded & { min: number })[] };
}

export const labelOf = (list: Coded[] | undefined, code: string) =>
  lbl(list?.find((x) => x.code === code)?.labels, code);
