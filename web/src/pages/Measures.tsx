// Measures: a timeline of expected and forecast completion, with dependencies drawn between measures.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtNum } from '../format.ts';
import { can, useMe } from '../session.tsx';

interface Measure {
  id: string; vulnId: string; description: string; responsibleUnit: string; supportingUnits: string[]; expectedDate: string | null; expectedComment: string | null;
  dependsOn: string[]; status: 'planned' | 'done'; completedOn: string | null;
  schedule: { forecastDate: string | null; late: boolean; delayedBy: string[]; pushesBack: string[] };
}
interface Indicator { id: string; vulnId: string; measureId: string | null; name: string; goal: number | null; values: { period: string; numerator: number; denominator: number; value: number | null }[]; change: number | null }

export function MeasuresPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { data, error, loading, reload } = useApi(() => get<Measure[]>('/api/plan/measures'), []);
  const inds = useApi(() => get<Indicator[]>('/api/plan/indicators'), []);
  const option = useMemo(() => timeline(data ?? [], t), [data, t]);
  const toggle = async (m: Measure) => {
    await post(`/api/plan/measures/${encodeURIComponent(m.id)}/status`, { done: m.status !== 'done' }).catch((e: Error) => alert(e.message));
    reload();
  };
  return (
    <section>
      <h1>{t('meas.title')}</h1>
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {data && data.length > 0 && <div className="card"><Chart option={option} height={Math.max(200, 40 + data.length * 28)} testId="timeline" /></div>}
      {data && (
        <table style={{ marginTop: 16 }} data-testid="measures">
          <thead><tr><th>{t('meas.id')}</th><th>{t('meas.vuln')}</th><th>{t('meas.description')}</th><th>{t('meas.responsible')}</th><th>{t('meas.expected')}</th><th>{t('meas.forecast')}</th><th>{t('meas.dependsOn')}</th><th>{t('meas.status')}</th><th /></tr></thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id} className={m.schedule.late ? 'late' : ''}>
                <td>{m.id}</td><td>{m.vulnId}</td><td>{m.description}</td><td>{m.responsibleUnit}{m.supportingUnits.length ? <div className="muted small">{m.supportingUnits.join(', ')}</div> : null}</td>
                <td>{fmtDate(m.expectedDate) || m.expectedComment}</td>
                <td className={m.schedule.late ? 'level-high' : ''}>{fmtDate(m.schedule.forecastDate)}{m.schedule.delayedBy.length ? <div className="small">{t('meas.delayedBy', { ids: m.schedule.delayedBy.join(', ') })}</div> : null}</td>
                <td>{m.dependsOn.join(', ')}</td>
                <td>{m.status === 'done' ? t('meas.done', { date: fmtDate(m.completedOn) }) : m.schedule.late ? <span className="level-high">{t('meas.late')}</span> : t('meas.planned')}</td>
                <td>{can(me, 'plan.write') && <button type="button" className="link" onClick={() => void toggle(m)}>{m.status === 'done' ? t('meas.reopen') : t('meas.complete')}</button>}</td>
              </tr>
            ))}
            {data.length === 0 && <tr><td colSpan={9} className="empty">{t('meas.empty')}</td></tr>}
          </tbody>
        </table>
      )}
      <h2>{t('meas.indicators')}</h2>
      <table className="compact" data-testid="progress-indicators">
        <thead><tr><th>{t('meas.id')}</th><th>{t('meas.indicator')}</th><th>{t('meas.latest')}</th><th className="num">{t('meas.goal')}</th><th className="num">{t('meas.change')}</th></tr></thead>
        <tbody>
          {(inds.data ?? []).map((i) => {
            const last = i.values.at(-1);
            return (
              <tr key={i.id}><td>{i.id}</td><td>{i.name}</td><td>{last ? `${last.period}: ${fmtNum(last.numerator, 0)} / ${fmtNum(last.denominator, 0)} = ${fmtNum(last.value, 1)} %` : '—'}</td><td className="num">{i.goal === null ? '' : `${fmtNum(i.goal, 1)} %`}</td><td className="num">{i.change === null ? '' : `${fmtNum(i.change, 1)} pp`}</td></tr>
            );
          })}
          {inds.data?.length === 0 && <tr><td colSpan={5} className="empty">{t('table.noRows')}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function timeline(ms: Measure[], t: (k: string) => string): Record<string, unknown> {
  const ids = ms.map((m) => m.id);
  const date = (d: string | null) => (d ? new Date(d + 'T00:00:00Z').getTime() : null);
  const pts = (key: 'expected' | 'forecast') =>
    ms.flatMap((m) => {
      const d = key === 'expected' ? date(m.expectedDate) : date(m.schedule.forecastDate);
      return d === null ? [] : [{ value: [d, ids.indexOf(m.id)], itemStyle: { color: m.status === 'done' ? '#3c9d5d' : m.schedule.late ? '#c0392b' : '#1f5f99' } }];
    });
  const spans = ms.flatMap((m) => {
    const a = date(m.expectedDate), b = date(m.schedule.forecastDate);
    return a !== null && b !== null && b > a ? [{ type: 'line', data: [[a, ids.indexOf(m.id)], [b, ids.indexOf(m.id)]], lineStyle: { color: '#c0392b', width: 4, opacity: 0.5 }, symbol: 'none', silent: true }] : [];
  });
  const deps = ms.flatMap((m) =>
    m.dependsOn.flatMap((d) => {
      const dep = ms.find((x) => x.id === d);
      const a = dep && date(dep.schedule.forecastDate), b = date(m.schedule.forecastDate ?? m.expectedDate);
      return a && b ? [{ type: 'line', data: [[a, ids.indexOf(d)], [b, ids.indexOf(m.id)]], lineStyle: { color: '#888', type: 'dashed' }, symbol: ['none', 'arrow'], symbolSize: 8, silent: true }] : [];
    }),
  );
  return {
    grid: { left: 70, right: 30, top: 30, bottom: 30 },
    legend: { data: [t('meas.expected'), t('meas.forecast')], top: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', inverse: true, min: -0.5, max: ids.length - 0.5, interval: 1, axisLabel: { formatter: (v: number) => ids[v] ?? '' }, splitLine: { show: false } },
    series: [
      { name: t('meas.expected'), type: 'scatter', symbol: 'circle', symbolSize: 11, data: pts('expected'), markLine: { silent: true, symbol: 'none', data: [{ xAxis: Date.now() }], lineStyle: { color: '#16324f' }, label: { formatter: t('meas.today') } } },
      { name: t('meas.forecast'), type: 'scatter', symbol: 'diamond', symbolSize: 13, data: pts('forecast') },
      ...spans,
      ...deps,
    ],
  };
}
