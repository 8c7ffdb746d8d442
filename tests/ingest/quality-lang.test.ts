// Data-quality examples in the reader's language: English keeps the sentence stored at import, other languages get
// the same sentence with the same details (stored with the reject as key and parameters); rejects stored without
// them get the sentence of the problem's code with its column and value.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFile } from '../../src/ingest/importer.ts';
import { localiseIssues, qualityReport, type QualityIssue } from '../../src/ingest/quality.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { tmpDir } from '../helpers/tmp.ts';

const issue = (code: string): QualityIssue => ({
  code,
  severity: 'error',
  file: 'lines.csv',
  column: 'channel',
  count: 1,
  examples: [{ file: 'lines.csv', row: 4, column: 'channel', value: 'purple', message: 'channel: expected a channel' }],
});

describe('localiseIssues', () => {
  it('keeps English, renders es/fr/pt from the code, falls back to a generic sentence for an unknown code', () => {
    expect(localiseIssues([issue('unknown_channel')], 'en')[0].examples[0].message).toBe('channel: expected a channel');
    expect(localiseIssues([issue('unknown_channel')], 'es')[0].examples[0].message).toBe(
      'channel: «purple» no es un canal (verde, amarillo, rojo o azul); dele un significado en map: de la correspondencia',
    );
    expect(localiseIssues([issue('something_new')], 'pt')[0].examples[0].message).toBe(
      'channel: «purple» foi rejeitado (something_new)',
    );
    expect(localiseIssues([issue('unknown_channel')], 'fr')[0].examples[0]).toMatchObject({ row: 4, value: 'purple' });
  });
});

describe('the quality report in Spanish', () => {
  it('keeps the details of every rejected row: formats expected, limits, the first row of a duplicate', async () => {
    const dir = tmpDir();
    const ws = await Workspace.open(join(dir, 'ws'), { create: true });
    try {
      const file = join(dir, 'lines.csv');
      writeFileSync(
        file,
        [
          'decl,item,fecha,tin,hs,cif',
          'D1,1,31/12/2024,OP1,847130,100',
          'D2,1,2024-13-45,OP1,847130,100',
          'D1,1,01/01/2024,OP1,847130,5',
          'D3,1,02/01/2024,OP1,847130,-5',
          'D4,1,02/01/2024,OP1,847130,1e15',
        ].join('\n') + '\n',
      );
      const mapping = {
        fields: {
          declaration_id: 'decl',
          line_no: 'item',
          date: { column: 'fecha', format: 'dd/mm/yyyy' },
          operator_id: 'tin',
          hs_code: 'hs',
          value: 'cif',
        },
      };
      const r = await importFile(ws, 'declarations', file, { mapping });
      expect(r.summary).toEqual({ read: 5, imported: 1, rejected: 4, duplicates: 0 });
      const byRow = (rep: Awaited<ReturnType<typeof qualityReport>>) =>
        Object.fromEntries(
          rep.errors.flatMap((i) => i.examples.map((e) => [e.row, [e.file, e.column, e.value, e.message]])),
        );
      expect(byRow(await qualityReport(ws, 'es'))).toEqual({
        2: ['lines.csv', 'fecha', '2024-13-45', 'date: se esperaba una fecha con el formato dd/mm/yyyy'],
        3: ['lines.csv', 'declaration_id+line_no', 'D1|1', 'declaration_id+line_no ya figura en la fila 1'],
        4: ['lines.csv', 'cif', '-5', 'value no puede ser negativo'],
        5: [
          'lines.csv',
          'cif',
          '1e15',
          'value: se esperaba un número finito de como máximo 10.000.000.000.000 (quality-rules.yaml limits.amount_max)',
        ],
      });
      expect(byRow(await qualityReport(ws, 'en'))[2]).toEqual([
        'lines.csv',
        'fecha',
        '2024-13-45',
        'date: expected a date as dd/mm/yyyy',
      ]);
    } finally {
      await ws.close();
    }
  });
});
