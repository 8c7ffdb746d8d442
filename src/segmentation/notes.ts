// The sentences a GRI run carries for people (messages.yaml, in the configuration's language): which weighting
// and why, and which indicators weigh nothing because they flag no operator or lack their data.
import { MessageCatalogue, type Message } from '../i18n/messages.ts';
import type { GriConfig } from './config.ts';
import type { ActiveIndicator } from './indicators.ts';
import type { Scoring } from './scoring.ts';
import { CHOICE_METHODS, type WeightChoice } from './weight-choice.ts';

/** The segmentation context's sentences (messages.yaml); the API re-renders them in the reader's language. */
export const SEGMENTATION_TEXT = new MessageCatalogue(new URL('./messages.yaml', import.meta.url));
const TEXT = SEGMENTATION_TEXT;

export function runNotes(
  cfg: GriConfig,
  inds: ActiveIndicator[],
  scoring: Scoring,
  choice: WeightChoice | undefined,
): Message[] {
  const lang = cfg.language;
  const notes: Message[] = [];
  if (cfg.weights.method !== 'auto') notes.push(TEXT.message('weights.configured', { method: scoring.method }, lang));
  else if (!choice || choice.basis === 'no_history')
    notes.push(
      TEXT.message(
        'weights.no_history',
        { months: cfg.weights.learned.horizonMonths, end: choice?.heldOut?.end ?? cfg.window.end ?? '-' },
        lang,
      ),
    );
  else if (choice.basis === 'no_outcomes')
    notes.push(
      TEXT.message('weights.no_outcomes', { train_end: choice.heldOut!.trainEnd, end: choice.heldOut!.end }, lang),
    );
  else {
    // Numbers, so each reader gets their decimal separator; three decimals, as the choice compares them.
    const aucs = Object.fromEntries(
      CHOICE_METHODS.map((m) => {
        const auc = choice.candidates.find((c) => c.method === m)?.auc ?? null;
        return [`auc_${m}`, auc === null ? '-' : Math.round(auc * 1000) / 1000];
      }),
    );
    notes.push(
      TEXT.message(
        'weights.held_out_cv',
        {
          method: choice.method,
          train_end: choice.heldOut!.trainEnd,
          end: choice.heldOut!.end,
          operators: choice.heldOut!.operators,
          positives: choice.heldOut!.positives,
          ...aucs,
        },
        lang,
      ),
    );
  }
  const silent = inds.filter((i) => i.available && (i.flagged ?? 0) === 0).map((i) => i.code);
  if (silent.length) notes.push(TEXT.message('indicators.silent', { codes: silent.join(', ') }, lang));
  const missing = inds.filter((i) => !i.available);
  if (missing.length)
    notes.push(
      TEXT.message(
        'indicators.unavailable',
        {
          codes: missing.map((i) => i.code).join(', '),
          missing: [...new Set(missing.flatMap((i) => i.missing))].join(', '),
        },
        lang,
      ),
    );
  return notes;
}
