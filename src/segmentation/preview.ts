// Instant what-if: new weights or bars applied to the pattern cube (operators per flag pattern and size), giving the
// levels, the histogram and Table 4 in milliseconds whatever the number of operators. Nothing is written; apply
// with rescore() (pipeline.ts), which persists operator_segments.
import type { Workspace } from '../workspace/workspace.ts';
import { getConfig, mergeConfig, parseConfig } from './config.ts';
import { computeBars, histogram, levelOf, type RiskLevel } from './levels.ts';
import { effectiveConfig, requireRun, SegmentationError, type RescorePatch } from './pipeline.ts';
import { chooseWeights, type Scoring } from './scoring.ts';
import { SIZES, LEVELS, type Table4Row } from './tables.ts';
import { gri, type Pattern } from './weights.ts';

interface CubeRow {
  flags: number;
  size: string;
  operators: number;
  noncompliant: number;
  value: number;
  vat: number;
  duty: number;
  excise: number;
  repeat: number;
  uncontrolled: number;
}

export async function previewRescore(
  ws: Workspace,
  risk: string,
  patch: RescorePatch,
): Promise<{ scoring: Scoring; table4: Table4Row[] }> {
  const run = await requireRun(ws, risk);
  const cfg = effectiveConfig(
    parseConfig(mergeConfig((await getConfig(ws, risk)).config, patch as Record<string, unknown>)),
    run.weightChoice,
  );
  if (cfg.weights.method === 'learned' && !run.learnedWeights)
    throw new SegmentationError("learned weights are fitted on a full run: use 'cip gri compute --weights learned'");
  const cube = await ws.all<CubeRow>(
    `SELECT flags::DOUBLE AS flags, size_segment AS size, operators, noncompliant, value, vat, duty, excise,
            repeat_offenders AS repeat, without_control AS uncontrolled
     FROM seg_pattern_cube WHERE risk = $risk`,
    { risk },
  );
  const byFlags = new Map<number, Pattern>();
  for (const c of cube) {
    const p = byFlags.get(c.flags) ?? { flags: c.flags, operators: 0, noncompliant: 0 };
    p.operators += c.operators;
    p.noncompliant += c.noncompliant;
    byFlags.set(c.flags, p);
  }
  const patterns = [...byFlags.values()];
  const learned =
    run.learnedWeights && run.scoring.learned ? { weights: run.learnedWeights, fit: run.scoring.learned } : null;
  const { weights, table3 } = chooseWeights(cfg, run.indicators, patterns, learned);
  const dist = patterns.map((p) => ({ gri: gri(p.flags, weights), operators: p.operators }));
  const bars = computeBars(cfg.levels, dist);
  const levelOfFlags = new Map(patterns.map((p, k) => [p.flags, levelOf(dist[k].gri, bars)]));
  const levels: Record<RiskLevel, number> = { high: 0, medium: 0, low: 0 };
  const cells = new Map<string, Omit<CubeRow, 'flags' | 'size' | 'noncompliant'>>();
  const add = (key: string, c: CubeRow) => {
    const t = cells.get(key) ?? { operators: 0, value: 0, vat: 0, duty: 0, excise: 0, repeat: 0, uncontrolled: 0 };
    for (const k of ['operators', 'value', 'vat', 'duty', 'excise', 'repeat', 'uncontrolled'] as const) t[k] += c[k];
    cells.set(key, t);
  };
  for (const c of cube) {
    const level = levelOfFlags.get(c.flags)!;
    levels[level] += c.operators;
    add(`${c.size}|${level}`, c);
    add(`${c.size}|`, c);
    add('total|', c);
  }
  const total = cells.get('total|') ?? {
    operators: 0,
    value: 0,
    vat: 0,
    duty: 0,
    excise: 0,
    repeat: 0,
    uncontrolled: 0,
  };
  const row = (size: string, level: string | null): Table4Row => {
    const t = cells.get(`${size}|${level ?? ''}`) ?? {
      operators: 0,
      value: 0,
      vat: 0,
      duty: 0,
      excise: 0,
      repeat: 0,
      uncontrolled: 0,
    };
    return {
      size,
      level,
      operators: t.operators,
      pctOperators: total.operators ? (100 * t.operators) / total.operators : 0,
      value: t.value,
      pctValue: total.value ? (100 * t.value) / total.value : 0,
      vat: t.vat,
      duty: t.duty,
      excise: t.excise,
      repeatOffenders: t.repeat,
      withoutControl: t.uncontrolled,
    };
  };
  const table4: Table4Row[] = [];
  for (const s of SIZES) {
    table4.push(row(s, null));
    for (const l of LEVELS) table4.push(row(s, l));
  }
  table4.push(row('total', null));
  return {
    scoring: {
      method: cfg.weights.method,
      weights: run.indicators.map((ind, i) => ({ code: ind.code, weight: weights[i] })),
      table3,
      learned: learned?.fit ?? null,
      bars,
      levels,
      histogram: histogram(dist, bars),
    },
    table4,
  };
}
