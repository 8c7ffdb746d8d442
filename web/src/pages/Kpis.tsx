// Box 2 indicators: trend charts per KPI with their periodic variation, and the operational table per risk.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { Figure } from '../charts/Figure.tsx';
import { kpiTrend } from './kpis/trend.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtInt, fmtMoney, fmtPct } from '../format.ts';

import type { KpiReport as Report } from '../../../src/measure/kpi/report.ts';

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
  const groups = data?.kpis ?? [];
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
        {groups.map((s) => {
          const { built, latest } = kpiTrend(s, data!.periods, t);
          return (
            <div className="card" key={s.code}>
              <div className="row spread">
                <span className="badge">{t(`kpi.levels.${s.level}`, { defaultValue: s.level })}</span>
              </div>
              <Figure
                title={s.name}
                built={built}
                height={190}
                level={4}
                headline={
                  latest.length > 0 && (
                    <>
                      {latest[0].period}:{' '}
                      {latest.map((l, i) => (
                        <span key={l.name}>
                          {i > 0 && ' · '}
                          {latest.length > 1 && `${l.name} `}
                          <b>{l.value}</b>
                          {l.variation !== null && (
                            <span className={l.variation >= 0 ? 'up' : 'down'}>
                              {' '}
                              {l.variation >= 0 ? '▲' : '▼'} {fmtPct(Math.abs(l.variation))}
                            </span>
                          )}
                        </span>
                      ))}
                    </>
                  )
                }
                caption={s.formula}
              />
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
