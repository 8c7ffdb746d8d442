// The overview's charts: segments by size × risk, the GRI distribution, plan progress, open actions and KPI
// sparklines — each shown when the user may read its source, each with its text alternative.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../../api.ts';
import { Chart } from '../../charts/Chart.tsx';
import { Figure } from '../../charts/Figure.tsx';
import { sparkline, trendChart } from '../../charts/options.ts';
import { useApi } from '../../components/useApi.ts';
import { fmtInt, fmtPct, fmtUnit } from '../../format.ts';
import { navigate } from '../../router.ts';
import { can, useMe } from '../../session.tsx';
import { griHistogram } from '../gri/Histogram.tsx';
import type { KpiReport } from '../../../../src/measure/kpi/report.ts';
import { table4Heat, type Table4 } from '../Segmentation.tsx';
import type { GriWorkbench } from '../../../../src/server/routes/segmentation.ts';
import type { Measure } from '../../../../src/server/routes/plan-schemas.ts';
import type { Followup } from '../../../../src/server/routes/governance-schemas.ts';

const none = <T,>() => Promise.resolve(null as T | null);

export function Dashboard() {
  const { t } = useTranslation();
  const me = useMe();
  const segments = can(me, 'segments.read');
  const plan = can(me, 'plan.read');
  const t4 = useApi(() => (segments ? get<Table4>('/api/segmentation/table4') : none<Table4>()), [segments]);
  const gri = useApi(() => (segments ? get<GriWorkbench>('/api/gri') : none<GriWorkbench>()), [segments]);
  const measures = useApi(() => (plan ? get<Measure[]>('/api/plan/measures') : none<Measure[]>()), [plan]);
  const follow = useApi(() => (plan ? get<Followup>('/api/governance/followup') : none<Followup>()), [plan]);
  const heat = useMemo(() => table4Heat(t4.data?.rows, t), [t4.data, t]);
  const scoring = gri.data?.run?.scoring;
  const hist = useMemo(
    () => (scoring ? griHistogram(scoring.histogram.bins, scoring.bars, t, 30) : null),
    [scoring, t],
  );
  const progress = useMemo(() => {
    const ms = measures.data ?? [];
    const n = (s: string) =>
      ms.filter((m) => (m.status === 'done' ? 'done' : m.schedule.late ? 'late' : 'planned') === s).length;
    const statuses = ['done', 'planned', 'late'];
    return trendChart({
      categories: statuses.map((s) => t(`meas.statusNames.${s}`)),
      series: [{ key: 'measures', name: t('overview.measures'), kind: 'bar', values: statuses.map(n) }],
      format: fmtInt,
      integer: true,
      categoryName: t('meas.status'),
    });
  }, [measures.data, t]);
  return (
    <div className="dashboard" data-testid="dashboard">
      {t4.data && t4.data.rows.length > 0 && (
        <div className="card">
          <Figure
            title={t('overview.segments')}
            built={heat}
            height={260}
            testId="overview-heatmap"
            caption={t('overview.segmentsCaption')}
          />
        </div>
      )}
      {hist && (
        <div className="card">
          <Figure title={t('gri.distribution')} built={hist} height={260} testId="overview-gri" />
        </div>
      )}
      {measures.data && (
        <div className="card">
          <Figure
            title={t('overview.progress')}
            built={progress}
            height={200}
            testId="overview-progress"
            headline={t('overview.progressLine', {
              done: fmtInt(measures.data.filter((m) => m.status === 'done').length),
              total: fmtInt(measures.data.length),
              share: fmtPct(
                measures.data.length
                  ? measures.data.filter((m) => m.status === 'done').length / measures.data.length
                  : 0,
                0,
              ),
            })}
          />
        </div>
      )}
      {follow.data && (
        <div className="card" data-testid="overview-actions">
          <h3>{t('overview.actions')}</h3>
          <div className="tiles">
            <Tile label={t('overview.openActions')} value={fmtInt(follow.data.report.pending.openActions)} />
            <Tile label={t('overview.overdueActions')} value={fmtInt(follow.data.report.pending.overdueActions)} />
            <Tile label={t('overview.pendingProposals')} value={fmtInt(follow.data.report.pending.proposals.length)} />
          </div>
          <a
            href="/governance"
            onClick={(e) => {
              e.preventDefault();
              navigate('/governance');
            }}
          >
            {t('overview.toGovernance')}
          </a>
        </div>
      )}
      {can(me, 'measure.read') && <KpiSparklines />}
    </div>
  );
}

/** KPIs without a breakdown, each as a sparkline beside its latest value. */
function KpiSparklines() {
  const { t, i18n } = useTranslation();
  const kpis = useApi(() => get<KpiReport>('/api/kpis', { period: 'quarter' }), [i18n.language]);
  const single = (kpis.data?.kpis ?? [])
    .filter((k) => new Set(k.points.map((p) => p.dimension)).size === 1)
    .slice(0, 6);
  if (single.length === 0) return null;
  return (
    <div className="card wide" data-testid="overview-kpis">
      <h3>{t('overview.kpis')}</h3>
      <ul className="sparklines">
        {single.map((k) => {
          const values = kpis.data!.periods.map((p) => k.points.find((q) => q.period === p)?.value ?? null);
          const last = k.points.filter((p) => p.value !== null).at(-1);
          return (
            <li key={k.code}>
              <div className="small">{k.name}</div>
              <div>
                <b>{fmtUnit(k.unit, last?.value)}</b> <span className="muted small">{last?.period}</span>
              </div>
              <Chart
                option={sparkline(values)}
                height={40}
                label={t('overview.sparkline', {
                  name: k.name,
                  first: kpis.data!.periods[0],
                  last: last?.period ?? '',
                  values: values.map((v) => fmtUnit(k.unit, v)).join(', '),
                })}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="tile-value">{value}</div>
      <div className="tile-label">{label}</div>
    </div>
  );
}
