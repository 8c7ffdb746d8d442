// The note of a weighting chosen from the data carries each candidate's AUC as a number: every reader gets their own
// decimal separator when the note is rendered in their language.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/segmentation/config.ts';
import { runNotes, SEGMENTATION_TEXT } from '../../src/segmentation/notes.ts';
import type { Scoring } from '../../src/segmentation/scoring.ts';
import type { WeightChoice } from '../../src/segmentation/weight-choice.ts';

const choice: WeightChoice = {
  method: 'frequency',
  basis: 'held_out',
  heldOut: { trainEnd: '2023-12-31', end: '2024-12-31', operators: 1200, positives: 140 },
  candidates: [
    { method: 'equal', auc: 0.59812 },
    { method: 'frequency', auc: 0.6121 },
    { method: 'learned', auc: null },
  ],
};

describe('weights chosen from the data', () => {
  it("names each candidate's AUC with the reader's decimal separator", () => {
    const cfg = defaultConfig();
    const [note] = runNotes(cfg, [], { method: cfg.weights.method } as Scoring, choice);
    expect(note.key).toBe('weights.held_out_cv');
    expect(note.params).toMatchObject({ auc_equal: 0.598, auc_frequency: 0.612, auc_learned: '-' });
    expect(note.text).toContain('cross-validated AUC: equal 0.598, frequency 0.612, learned -.');
    expect(SEGMENTATION_TEXT.render(note, 'es').text).toContain(
      'AUC con validación cruzada: equal 0,598, frequency 0,612, learned -.',
    );
    expect(SEGMENTATION_TEXT.render(note, 'fr').text).toContain(
      'AUC en validation croisée : equal 0,598, frequency 0,612, learned -.',
    );
    expect(SEGMENTATION_TEXT.render(note, 'pt').text).toContain(
      'AUC com validação cruzada: equal 0,598, frequency 0,612, learned -.',
    );
    expect(SEGMENTATION_TEXT.render(note, 'fr').text).toContain('ont classé ses 1\u202f200 opérateurs');
  });
});
