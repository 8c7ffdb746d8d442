// Box 2 indicators: trend charts per KPI with their periodic variation, and the operational table per risk.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';

interface Point {
  period: string;
  dimension: string | null;
  value: number | null;
  variation: number | null;
}
interface Series {
  code: string;
  level: string;
  name: string;
  unit: 'ratio' | 'hours' | 'count' | 'amount';
  dimension: string | null;
  formula: string;
  points: Point[];
}
interface Report {
  period: string;
  periods: string[];
  kpis: Series[];
  not_computed: { code: string; name: string; needs: string }[];
  operational: {
    rows: {
      compliance_risk: string;
      name: string;
      source: string;
      period: string;
      cases: number;
      cases_variation: number | null;
      reassessed: number;
      reassessed_variation: number | null;
      collected: number;
      collected_variation: number | null;
    }[];
  } | null;
}

const fmtUnit = (unit: Series['unit'], v: number | null) =>
  v === null
    ? '—'
    : unit === 'ratio'
      ? fmtPct(v)
      : unit === 'amount'
        ? fmtMoney(v)
        : unit === 'hours'
          ? fmtNum(v, 1)
          : fmtInt(v);

export function KpisPage() {
  const { t, i18n } = useTranslation();
  const [period, setPeriod] = useState('quarter');
  const [level, setLevel] = useState('');
  const { data, error, loading } = useApi(
    () => get<Report>('/api/kpis', { period, level: level || undefined }),
    [period, level, i18n.language],
  );
  // The operational table shows the latest period (its variation is against the one before).
  const opRows = useMemo(() => {
    const rows = data?.operational?.rows ?? [];
    const last = rows.reduce((a, r) => (r.period > a ? r.period : a), '');
    return rows.filter((r) => r.period === last && (r.cases > 0 || r.reassessed > 0 || r.collected > 0));
  }, [data]);
  const groups = useMemo(() => {
    const m = new Map<string, Series[]>();
    for (const s of data?.kpis ?? []) m.set(s.code, [...(m.get(s.code) ?? []), s]);
    return [...m.values()];
  }, [data]);
  return (
    <section>
      <h1>{t('kpi.title')}</h1>
      <div className="filters">
        <label>
          {t('kpi.period')}
          <select value={period} onChange={(e) => setPeriod(e.target.value)}>
            {['month', 'quarter', 'year'].map((p) => (
              <option key={p} value={p}>
                {t(`kpi.periods.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('kpi.level')}
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">{t('kpi.all')}</option>
            {['strategic', 'tactical', 'operational'].map((l) => (
              <option key={l} value={l}>
                {t(`kpi.levels.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      <Loading show={loading} />
      <div className="kpi-grid" data-testid="kpis">
        {groups.map((ss) => {
          const s = ss[0];
          const last = s.points.at(-1);
          return (
            <div className="card" key={s.code}>
              <div className="row spread">
                <b>{s.name}</b>
                <span className="badge">{t(`kpi.levels.${s.level}`, { defaultValue: s.level })}</span>
              </div>
              {ss.length === 1 && last && (
                <div className="small">
                  {last.period}: <b>{fmtUnit(s.unit, last.value)}</b>
                  {last.variation !== null && (
                    <span className={last.variation >= 0 ? 'up' : 'down'}>
                      {' '}
                      {last.variation >= 0 ? '▲' : '▼'} {fmtPct(Math.abs(last.variation))}
                    </span>
                  )}
                </div>
              )}
              <Chart
                height={170}
                option={{
                  grid: { left: 55, right: 10, top: 10, bottom: 25 },
                  tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtUnit(s.unit, v) },
                  legend: ss.length > 1 ? { bottom: 0, type: 'scroll' } : undefined,
                  xAxis: { type: 'category', data: data!.periods },
                  yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtUnit(s.unit, v) } },
                  series: ss.map((x) => ({
                    name: x.dimension ?? x.name,
                    type: 'line',
                    smooth: true,
                    connectNulls: true,
                    data: data!.periods.map((p) => x.points.find((q) => q.period === p)?.value ?? null),
                  })),
                }}
              />
              <div className="muted small">{s.formula}</div>
            </div>
          );
        })}
      </div>
      {data && data.not_computed.length > 0 && (
        <>
          <h2>{t('kpi.notComputed')}</h2>
          <ul className="small">
            {data.not_computed.map((n) => (
              <li key={n.code}>
                <b>{n.name}</b> — {n.needs}
              </li>
            ))}
          </ul>
        </>
      )}
      {opRows.length > 0 && (
        <>
          <h2>
            {t('kpi.operational')} — {opRows[0].period}
          </h2>
          <table className="compact">
            <thead>
              <tr>
                <th>{t('kpi.risk')}</th>
                <th>{t('kpi.source')}</th>
                <th>{t('kpi.period')}</th>
                <th className="num">{t('kpi.cases')}</th>
                <th className="num">Δ</th>
                <th className="num">{t('kpi.reassessed')}</th>
                <th className="num">Δ</th>
                <th className="num">{t('kpi.collected')}</th>
                <th className="num">Δ</th>
              </tr>
            </thead>
            <tbody>
              {opRows.map((r, i) => (
                <tr key={i}>
                  <td>{r.name}</td>
                  <td>{r.source}</td>
                  <td>{r.period}</td>
                  <td className="num">{fmtInt(r.cases)}</td>
                  <td className="num">{fmtPct(r.cases_variation)}</td>
                  <td className="num">{fmtMoney(r.reassessed)}</td>
                  <td className="num">{fmtPct(r.reassessed_variation)}</td>
                  <td className="num">{fmtMoney(r.collected)}</td>
                  <td className="num">{fmtPct(r.collected_variation)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
