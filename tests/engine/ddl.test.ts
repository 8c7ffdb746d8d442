// The ClickHouse side as text: parameters bound server-side (never spliced), the lines table from the workspace's own
// column list, and the cluster layout of docs/scale-out.md.
import { describe, expect, it } from 'vitest';
import { toClickHouseParams } from '../../src/engine/dialect.ts';
import { clusterDdl, lineColumns, linesTableDdl } from '../../src/engine/lines.ts';

describe('parameters for ClickHouse', () => {
  it('become {name:Type}: the cast names the type, NULL makes it Nullable, literals and unused names are left', () => {
    const q = toClickHouseParams(
      `SELECT '$not_a_param' AS s FROM l WHERE date > $w_start::DATE AND ($r::VARCHAR IS NULL OR risk = $r) AND v >= $t AND x = $n`,
      { w_start: '2024-01-01', r: null, t: 0.5, n: 3, unused: 1 },
    );
    expect(q.sql).toBe(
      `SELECT '$not_a_param' AS s FROM l WHERE date > {w_start:Date32} AND ({r:Nullable(String)} IS NULL OR risk = {r:Nullable(String)}) AND v >= {t:Float64} AND x = {n:Int64}`,
    );
    expect(q.params).toEqual({ w_start: '2024-01-01', r: null, t: 0.5, n: 3 });
  });

  it('a value with quotes stays a bound value, and an unbound name is refused', () => {
    const q = toClickHouseParams(`SELECT * FROM l WHERE supplier_id = $s`, { s: "x'; DROP TABLE l; --" });
    expect(q.sql).toBe('SELECT * FROM l WHERE supplier_id = {s:String}');
    expect(q.params.s).toBe("x'; DROP TABLE l; --");
    expect(() => toClickHouseParams('SELECT $missing', {})).toThrow('unbound parameter $missing');
  });
});

describe('the lines table', () => {
  it('has every canonical column but extra, import_id as the non-null partition', () => {
    const cols = lineColumns();
    expect(cols.map((c) => c.name)).not.toContain('extra');
    expect(cols.find((c) => c.name === 'operator_id')!.type).toBe('String');
    expect(cols.find((c) => c.name === 'declarant_id')!.type).toBe('Nullable(String)');
    expect(cols.find((c) => c.name === 'date')!.type).toBe('Date32');
    expect(cols.find((c) => c.name === 'value')!.type).toBe('Float64');
    expect(cols.find((c) => c.name === 'finding')!.type).toBe('Nullable(Bool)');
    expect(cols.find((c) => c.name === 'import_id')!.type).toBe('Int32');
    expect(cols.find((c) => c.name === 'selection_reason')!.type).toBe('Nullable(String)');
    expect(cols).toHaveLength(33);
    expect(linesTableDdl()).toMatch(/ENGINE = MergeTree\nPARTITION BY import_id\nORDER BY \(operator_id, date\)$/);
  });

  it('cluster: replicated per shard, Distributed by a hash of operator_id, a staging pair per import', () => {
    const d = clusterDdl({ cluster: 'cip', database: 'customs' });
    expect(d.tables[0]).toBe('CREATE DATABASE IF NOT EXISTS customs ON CLUSTER cip');
    expect(d.tables[1]).toContain('CREATE TABLE IF NOT EXISTS customs.declaration_lines_local ON CLUSTER cip (');
    expect(d.tables[1]).toContain(
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/customs/declaration_lines_local', '{replica}')\nPARTITION BY import_id\nORDER BY (operator_id, date)",
    );
    expect(d.tables[2]).toBe(
      'CREATE TABLE IF NOT EXISTS customs.declaration_lines ON CLUSTER cip AS customs.declaration_lines_local\n' +
        'ENGINE = Distributed(cip, customs, declaration_lines_local, cityHash64(operator_id))',
    );
    expect(d.importSteps[3]).toBe(
      'ALTER TABLE customs.declaration_lines_local ON CLUSTER cip REPLACE PARTITION {id} FROM customs.staging_{id}_local',
    );
    expect(() => clusterDdl({ cluster: 'cip; DROP', database: 'customs' })).toThrow('expected letters, digits and _');
  });
});
