// Outcomes never go missing silently: a Spanish export whose finding column is written as words and whose
// inspections are only known from the channel is mapped whole by `mapping suggest`; a mapping without outcomes
// makes the import, `cip info` and `cip quality` name the field to map; a finding value no list knows rejects its
// row with a message naming `map:` and the values seen.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { suggestMapping } from '../../src/ingest/suggest.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const HEADER = 'NUMERO_DECLARACION;ITEM;FECHA;RTN_IMPORTADOR;PARTIDA;PAIS_ORIGEN;VALOR_CIF;CANAL;RESULTADO_AFORO';
const CHANNELS = ['VERDE', 'VERDE', 'AMARILLO', 'ROJO', 'VERDE'];

/** 100 lines: channel cycles VERDE, VERDE, AMARILLO, ROJO, VERDE; inspected lines carry CON/SIN DISCREPANCIA. */
function spanishExport(
  dir: string,
  result: (i: number) => string = (i) => (i % 10 === 3 ? 'CON DISCREPANCIA' : 'SIN DISCREPANCIA'),
): string {
  const rows = [HEADER];
  for (let i = 0; i < 100; i++) {
    const canal = CHANNELS[i % 5];
    const inspected = canal !== 'VERDE';
    rows.push(
      [
        `DUA-${String(i).padStart(4, '0')}`,
        1,
        `${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2024`,
        `0801-1990-${String(i % 7).padStart(5, '0')}`,
        `0901.${String(11 + (i % 5))}.00`,
        i % 2 ? 'CO' : 'CN',
        `${1000 + i},50`,
        canal,
        inspected ? result(i) : '',
      ].join(';'),
    );
  }
  const file = join(dir, 'dua.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

interface Outcomes {
  inspected: number;
  inspectedTrue: number;
  finding: number;
  findingTrue: number;
  off: { analysis: string; field: string }[];
  statements: { key: string; text: string }[];
  warning: boolean;
}

describe('outcomes in mapping, import, info and quality', () => {
  it('mapping suggest places the finding words and derives inspected from the channel; the import holds both', () => {
    const dir = tmpDir();
    const file = spanishExport(dir);
    const s = cip(['mapping', 'suggest', file, '--kind', 'declarations']);
    expect(s.code).toBe(0);
    const m = parse(s.stdout) as { fields: Record<string, unknown> };
    expect(m.fields.operator_id).toBe('RTN_IMPORTADOR');
    expect(m.fields.finding).toBe('RESULTADO_AFORO');
    expect(m.fields.channel).toBe('CANAL');
    expect(m.fields.inspected).toEqual({ derive: 'from_channel' });
    expect(s.stdout).toContain('--kind declarations');
    expect(s.stdout).not.toContain('NO OUTCOMES');
    const mapping = join(dir, 'm.yaml');
    writeFileSync(mapping, s.stdout);
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    const r = cip(['import', 'declarations', file, '-m', mapping, '-w', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rejected +0\n/);
    expect(r.stdout).toContain(
      'Outcomes in the data: of 100 declaration lines, 100 say whether they were inspected (40 inspected) and 40 whether a finding was made (10 findings).',
    );
    expect(r.stdout).not.toContain('warning:');
    const info = cipJson<{ outcomes: Outcomes }>(['info', '-w', ws]);
    expect(info.outcomes).toMatchObject({
      inspected: 100,
      inspectedTrue: 40,
      finding: 40,
      findingTrue: 10,
      off: [],
      warning: false,
    });
  });

  it('without outcome fields, import, info and quality say which analyses are off and which field to map', () => {
    const dir = tmpDir();
    const file = spanishExport(dir);
    const m = suggestMapping('declarations', HEADER.split(';'), []).mapping;
    const fields = { ...m.fields };
    delete fields.finding;
    delete fields.inspected;
    delete fields.channel;
    fields.date = { column: 'FECHA', format: 'dd/mm/yyyy' };
    fields.value = { column: 'VALOR_CIF', decimal: ',' };
    const mapping = join(dir, 'm.yaml');
    writeFileSync(mapping, stringify({ ...m, fields }));
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    const r = cip(['import', 'declarations', file, '-m', mapping, '-w', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /warning: No line says whether an inspection found something \(field finding\): the effect estimate, the backtest, learned and frequency weights.*T4_selectivity_hit_rate/,
    );
    expect(r.stdout).toContain('warning: No line says whether it was inspected (field inspected)');
    expect(r.stdout).toContain('inspected: { derive: from_channel }');
    cipJson(['init', join(dir, 'ws2')]);
    const j = cip(['import', 'declarations', file, '-m', mapping, '-w', join(dir, 'ws2'), '--json']);
    expect(Object.keys(JSON.parse(j.stdout))).toEqual(['read', 'imported', 'rejected', 'duplicates']);
    expect(j.stderr).toContain('field finding');
    const info = cipJson<{ outcomes: Outcomes }>(['info', '-w', ws]);
    expect(info.outcomes.off.map((o) => `${o.analysis}:${o.field}`).sort()).toEqual([
      'backtest:finding',
      'effect:finding',
      'frequency_weights:finding',
      'kpis:finding',
      'learned_weights:finding',
      'risky_lists:finding',
    ]);
    expect(info.outcomes.statements.map((s) => s.key)).toEqual([
      'outcomes.holds',
      'outcomes.missing_finding',
      'outcomes.missing_inspected',
    ]);
    const q = cip(['quality', '-w', ws]);
    expect(q.stdout).toContain('warning: No line says whether it was inspected (field inspected)');

    // The finding mapped but not the inspections: the effect estimate refuses, naming the field and the fix.
    const withFinding = join(dir, 'm2.yaml');
    writeFileSync(withFinding, stringify({ ...m, fields: { ...fields, finding: 'RESULTADO_AFORO' } }));
    const ws3 = join(dir, 'ws3');
    cipJson(['init', ws3]);
    cipJson(['import', 'declarations', file, '-m', withFinding, '-w', ws3]);
    const info3 = cipJson<{ outcomes: Outcomes }>(['info', '-w', ws3]);
    expect(info3.outcomes.statements.map((x) => x.key)).toEqual(['outcomes.holds', 'outcomes.missing_inspected']);
    expect(info3.outcomes.off).toEqual([
      { analysis: 'effect', field: 'inspected' },
      { analysis: 'kpis', field: 'inspected' },
    ]);
    const e = cip(['effect', '--treatment', 'visit', '-w', ws3]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('field inspected is empty in every line');
    expect(e.stderr).toContain('inspected: { derive: from_channel }');
  });

  it('a finding value no list knows rejects its row with a message naming map: and the values seen', () => {
    const dir = tmpDir();
    const file = spanishExport(dir, (i) => (i % 10 === 3 ? 'ACTA LEVANTADA' : 'SIN DISCREPANCIA'));
    const s = cip(['mapping', 'suggest', file, '--kind', 'declarations']);
    expect(s.stdout).toContain("# VALUES NOT UNDERSTOOD in RESULTADO_AFORO (finding): 'ACTA LEVANTADA'");
    expect(s.stderr).toContain(
      "finding (column RESULTADO_AFORO): values not understood 'ACTA LEVANTADA'; add map: to the mapping",
    );
    const mapping = join(dir, 'm.yaml');
    writeFileSync(mapping, s.stdout);
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    const r = cip(['import', 'declarations', file, '-m', mapping, '-w', ws]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rejected +10\n/);
    expect(r.stdout).toContain(
      "'ACTA LEVANTADA' — finding: expected yes/no (1/0, S/N, TRUE/FALSE ...); give other values a meaning under map: in the mapping, e.g. fields.finding: { column: RESULTADO_AFORO, map: { VALUE: true } }",
    );
    expect(r.stdout).toContain("values seen: 'ACTA LEVANTADA' (10 rows)");
    expect(r.stdout).toContain('→ give these values a meaning under map: for column RESULTADO_AFORO');
    const q = cipJson<{ errors: { code: string; values: { value: string; rows: number }[] }[] }>(['quality', '-w', ws]);
    expect(q.errors[0]).toMatchObject({ code: 'unparseable_boolean', values: [{ value: 'ACTA LEVANTADA', rows: 10 }] });
    // With the value list, every row lands.
    const fixed = parse(s.stdout) as { fields: Record<string, unknown> };
    fixed.fields.finding = { column: 'RESULTADO_AFORO', map: { 'ACTA LEVANTADA': true } };
    writeFileSync(mapping, stringify(fixed));
    cipJson(['init', join(dir, 'ws2')]);
    const ok = cipJson<{ rejected: number }>(['import', 'declarations', file, '-m', mapping, '-w', join(dir, 'ws2')]);
    expect(ok.rejected).toBe(0);
  });

  it('places the operator under any national tax-id name', () => {
    for (const name of [
      'RTN',
      'NIT',
      'RUC',
      'RFC',
      'CUIT',
      'CNPJ',
      'NIF',
      'EORI',
      'TIN',
      'BIN',
      'RTN_IMPORTADOR',
      'EORI_NUMBER',
    ]) {
      const s = suggestMapping('declarations', ['DECLARACION', 'FECHA', name, 'PARTIDA', 'VALOR'], []);
      expect(s.mapping.fields.operator_id, name).toBe(name);
    }
    for (const kind of ['operators', 'tax', 'cases', 'audits', 'treatments'] as const) {
      const s = suggestMapping(kind, ['RTN', 'X'], []);
      expect(s.mapping.fields.operator_id, kind).toBe('RTN');
    }
  });

  it('a separate inspection column written as words is the inspected field', () => {
    const header = ['DUA', 'FECHA', 'NIT', 'PARTIDA', 'VALOR', 'TIPO_CONTROL', 'RESULTADO'];
    const sample = [
      { TIPO_CONTROL: 'FISICO', RESULTADO: 'CON DISCREPANCIA' },
      { TIPO_CONTROL: 'NINGUNO', RESULTADO: null },
      { TIPO_CONTROL: 'DOCUMENTAL', RESULTADO: 'SIN DISCREPANCIA' },
    ];
    const s = suggestMapping('declarations', header, sample as never);
    expect(s.mapping.fields.inspected).toBe('TIPO_CONTROL');
    expect(s.mapping.fields.finding).toBe('RESULTADO');
  });
});
