import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateMapping, MappingError } from '../../src/ingest/mapping.ts';
import { shapeOf, suggestMapping, nameScore } from '../../src/ingest/suggest.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { importInProcess, KCS_DIR } from './snapshot.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const KCS = KCS_DIR;

function mappingError(raw: unknown): string {
  try {
    validateMapping(raw, 'declarations', 'm.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return (err as Error).message;
  }
  throw new Error('expected a MappingError');
}

const base = { declaration_id: 'D', date: 'F', operator_id: 'T', hs_code: 'H', value: 'V' };

describe('mapping files', () => {
  it('name the bad key in every error', () => {
    expect(mappingError({ fields: { ...base, date: { column: 'F', formt: 'dd/mm/yyyy' } } })).toContain(
      'fields.date.formt: unknown key',
    );
    expect(mappingError({ fields: { ...base, date: { column: 'F', format: 'dd/mm/yy/yy' } } })).toContain(
      'fields.date.format: expected a date format such as dd/mm/yyyy',
    );
    expect(mappingError({ fields: { ...base, valor: 'X' } })).toContain('fields.valor: unknown field for declarations');
    expect(mappingError({ fields: { ...base, value: { column: 'V', divide: -3 } } })).toMatch(
      /fields\.value\.divide: /,
    );
    expect(mappingError({ fields: { ...base, value: { column: 'V', constant: 1 } } })).toContain(
      'fields.value: give exactly one of column, constant or derive',
    );
    expect(mappingError({ fields: { ...base, value: { column: 'V', decimal: ';' } } })).toMatch(
      /fields\.value\.decimal: /,
    );
    expect(mappingError({ fields: { declaration_id: 'D', date: 'F', operator_id: 'T', value: 'V' } })).toContain(
      'fields.hs_code: required field for declarations is not mapped',
    );
    expect(mappingError({ feilds: {} })).toContain('feilds: unknown key');
    expect(mappingError({ kind: 'operators', fields: base })).toContain(
      "kind: mapping is for 'operators', not 'declarations'",
    );
  });

  it('cip import names the bad key and the file, and stores nothing', () => {
    const dir = tmpDir();
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'fields:\n  declaration_id: NUM_DUA\n  date: { column: FECHA_REGISTRO, formato: dd/mm/yyyy }\n');
    const r = cip(['import', 'declarations', join(FIX, 'dua-es-latin1.csv'), '-m', bad, '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid mapping ${bad}:`);
    expect(r.stderr).toContain('fields.date.formato: unknown key');
    expect(r.stderr).toContain('fields.operator_id: required field for declarations is not mapped');
    const missingCol = join(dir, 'col.yaml');
    writeFileSync(
      missingCol,
      'fields: { declaration_id: NUM_DUA, date: FECHA, operator_id: NIT_IMPORTADOR, hs_code: PARTIDA_SAC, value: VALOR_CIF }\n',
    );
    const r2 = cip(['import', 'declarations', join(FIX, 'dua-es-latin1.csv'), '-m', missingCol, '-w', ws]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("fields.date.column: column 'FECHA' is not in");
    expect(cipJson<{ tables: { rows: number }[] }>(['info', '-w', ws]).tables.every((t) => t.rows === 0)).toBe(true);
  });

  it('without --mapping, fails listing the required fields it cannot place and points to mapping suggest', () => {
    const dir = tmpDir();
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    const f = join(dir, 'odd.csv');
    writeFileSync(f, 'ref,when,who,what\nA,2024-01-01,T1,abc\n');
    const r = cip(['import', 'declarations', f, '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'no mapping given and the required field(s) declaration_id, operator_id, hs_code, value could not be placed',
    );
    expect(r.stderr).toContain(`cip mapping suggest ${f}`);
  });
});

describe('cip mapping suggest', () => {
  it('places the Korean columns: date, importer, declarant, seller, HS code, origin, value, net mass, fraud', () => {
    const s = cipJson<{ mapping: { fields: Record<string, unknown> }; missing: string[] }>([
      'mapping',
      'suggest',
      join(KCS, 'df_syn_train_eng.csv'),
    ]);
    expect(s.missing).toEqual([]);
    expect(s.mapping.fields).toMatchObject({
      declaration_id: 'Declaration ID',
      date: 'Date',
      operator_id: 'Importer ID',
      declarant_id: 'Declarant ID',
      supplier_id: 'Seller ID',
      hs_code: 'HS6 Code',
      origin_country: 'Country of Origin',
      departure_country: 'Country of Departure',
      value: 'Item Price',
      net_mass_kg: 'Net Mass',
      finding: 'Fraud',
      preference_code: 'Country of Origin Indicator',
    });
  });

  it('prints a YAML mapping that imports as it is', async () => {
    const dir = tmpDir();
    const r = cip(['mapping', 'suggest', join(FIX, 'dua-es-latin1.csv')]);
    expect(r.code).toBe(0);
    const m = parse(r.stdout) as { fields: Record<string, unknown> };
    expect(m.fields.date).toEqual({ column: 'FECHA_REGISTRO', format: 'dd/mm/yyyy' });
    expect(m.fields.value).toEqual({ column: 'VALOR_CIF', decimal: ',', thousands: '.' });
    expect(m.fields.channel).toBe('CANAL');
    expect(m.fields.operator_id).toBe('NIT_IMPORTADOR');
    expect(m.fields.hs_code).toBe('PARTIDA_SAC');
    const file = join(dir, 'suggested.yaml');
    writeFileSync(file, r.stdout);
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    expect(await importInProcess(ws, 'declarations', join(FIX, 'dua-es-latin1.csv'), file)).toEqual({
      read: 4,
      imported: 4,
      rejected: 0,
      duplicates: 0,
    });
  });

  it('matches French and Portuguese names by tokens and values by shape', () => {
    const header = [
      'Numéro de déclaration',
      'Date d’enregistrement',
      'Code importateur',
      'Position tarifaire',
      'Pays d’origine',
      'Valeur CAF',
      'Circuit',
      'Poids net',
    ];
    const sample = [
      {
        'Numéro de déclaration': 'C-1',
        'Date d’enregistrement': '15/03/2024',
        'Code importateur': 'NINEA1',
        'Position tarifaire': '1006.30.00.00',
        'Pays d’origine': 'TH',
        'Valeur CAF': '1 250 000,50',
        Circuit: 'ROUGE',
        'Poids net': '25000',
      },
      {
        'Numéro de déclaration': 'C-2',
        'Date d’enregistrement': '16/03/2024',
        'Code importateur': 'NINEA2',
        'Position tarifaire': '1006.30.00.00',
        'Pays d’origine': 'VN',
        'Valeur CAF': '980,00',
        Circuit: 'VERT',
        'Poids net': '1000',
      },
    ];
    const s = suggestMapping('declarations', header, sample);
    expect(s.missing).toEqual([]);
    expect(s.mapping.fields).toMatchObject({
      declaration_id: 'Numéro de déclaration',
      date: { column: 'Date d’enregistrement', format: 'dd/mm/yyyy' },
      operator_id: 'Code importateur',
      hs_code: 'Position tarifaire',
      origin_country: 'Pays d’origine',
      value: { column: 'Valeur CAF', decimal: ',', thousands: ' ' },
      channel: 'Circuit',
      net_mass_kg: 'Poids net',
    });
    const pt = suggestMapping(
      'declarations',
      ['numero_di', 'data_registro', 'cnpj_importador', 'ncm', 'valor_aduaneiro', 'canal'],
      [
        {
          numero_di: '24/0001',
          data_registro: '2024-05-02',
          cnpj_importador: '12.345.678/0001-90',
          ncm: '85171231',
          valor_aduaneiro: '1500.00',
          canal: 'VERMELHO',
        },
      ],
    );
    expect(pt.missing).toEqual([]);
    expect(pt.placements.map((p) => [p.field, p.column])).toEqual(
      expect.arrayContaining([
        ['operator_id', 'cnpj_importador'],
        ['hs_code', 'ncm'],
        ['value', 'valor_aduaneiro'],
        ['channel', 'canal'],
      ]),
    );
  });

  it('reads value shapes: dates (day first or month first), codes, decimals, channels, flags', () => {
    expect(shapeOf(['03/02/2024', '25/12/2023']).date).toBe('dd/mm/yyyy');
    expect(shapeOf(['12/25/2023', '02/03/2024']).date).toBe('mm/dd/yyyy');
    expect(shapeOf(['20240203', '20231225']).date).toBe('yyyymmdd');
    expect(shapeOf(['010121', '8703.23']).code).toBe(true);
    expect(shapeOf(['1.234,56', '12,5']).number).toEqual({ decimal: ',', thousands: '.' });
    expect(shapeOf(['1,234.56', '12.5']).number).toEqual({ decimal: '.', thousands: ',' });
    expect(shapeOf(['ROJO', 'VERDE', 'AMARILLO']).channel).toBe(true);
    expect(shapeOf(['0', '1', '1']).flag).toBe(true);
    expect(shapeOf(['S', 'N']).flag).toBe(true);
    // A column named like a date but holding names is not placed as the date.
    const s = suggestMapping(
      'declarations',
      ['Fecha', 'Fecha de registro'],
      [{ Fecha: 'Juan', 'Fecha de registro': '01/02/2024' }],
    );
    expect(s.mapping.fields.date).toEqual({ column: 'Fecha de registro', format: 'dd/mm/yyyy' });
    expect(nameScore('NIT_IMPORTADOR', ['nit importador']).score).toBe(1);
    expect(nameScore('PAIS_ORIGEN_MERCANCIA', ['pais origen']).score).toBeCloseTo(0.55 + 0.3 * (2 / 3), 10);
  });
});
