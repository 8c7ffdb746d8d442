// The operational table of Box 2: per compliance risk and period, cases detected, amount reassessed
// and amount collected, from clearance controls and post-clearance audits, each with its variation rate.
import type { Workspace } from '../../workspace/workspace.ts';
import type { Lang } from './catalogue.ts';
import { kpiCatalogue } from './catalogue.ts';
import { withVariation } from './variation.ts';
import type { OperationalRow, OperationalSource } from './report.ts';
export type { OperationalRow, OperationalSource } from './report.ts';

const METRICS = ['cases', 'reassessed', 'collected'] as const;
type Metric = (typeof METRICS)[number];

/**
 * Reads the staged kpi_findings / kpi_audits. `sources` are the sources with data (clearance needs
 * declaration findings, pca needs audit results); 'total' sums them.
 */
export async function operationalTable(
  ws: Workspace,
  spine: string[],
  sources: ('clearance' | 'pca')[],
  lang: Lang,
): Promise<OperationalRow[]> {
  const rows = await ws.all<{ source: string; period_start: string; compliance_risk: string } & Record<Metric, number>>(
    `SELECT 'clearance' AS source, period_start, compliance_risk, count(DISTINCT declaration_id) AS cases,
       sum(reassessed) AS reassessed, sum(collected) AS collected
     FROM kpi_findings GROUP BY 2, 3
     UNION ALL
     SELECT 'pca', period_start, compliance_risk, count(*), sum(assessed), sum(collected)
     FROM kpi_audits WHERE finding GROUP BY 2, 3`,
  );
  const cat = kpiCatalogue().operational.risks;
  const risks = [...cat.map((r) => r.code)];
  for (const r of rows) if (!risks.includes(r.compliance_risk)) risks.push(r.compliance_risk);
  const nameOf = (code: string) => cat.find((r) => r.code === code)?.names[lang] ?? code;

  const out: OperationalRow[] = [];
  const srcs: OperationalSource[] = sources.length > 1 ? [...sources, 'total'] : [...sources];
  for (const risk of risks) {
    for (const source of srcs) {
      const mine = rows.filter(
        (r) =>
          r.compliance_risk === risk &&
          (source === 'total' ? sources.includes(r.source as 'pca') : r.source === source),
      );
      const series = {} as Record<Metric, ReturnType<typeof withVariation>>;
      for (const m of METRICS) {
        const byPeriod = new Map<string, number>();
        for (const r of mine) byPeriod.set(r.period_start, (byPeriod.get(r.period_start) ?? 0) + Number(r[m]));
        series[m] = withVariation(
          spine,
          [...byPeriod].map(([period, value]) => ({ period, value })),
          0,
        );
      }
      spine.forEach((period, i) => {
        out.push({
          compliance_risk: risk,
          name: nameOf(risk),
          source,
          period,
          cases: series.cases[i].value ?? 0,
          cases_variation: series.cases[i].variation,
          reassessed: series.reassessed[i].value ?? 0,
          reassessed_variation: series.reassessed[i].variation,
          collected: series.collected[i].value ?? 0,
          collected_variation: series.collected[i].variation,
        });
      });
    }
  }
  return out;
}
