// Measures: a timeline of expected and forecast completion, with the dependencies that hold measures back;
// adding measures, their dependencies and progress indicators, and recording indicator values.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api.ts';
import type {
  Measure,
  ProgressIndicator as Indicator,
  VulnerabilityView,
} from '../../../src/server/routes/plan-schemas.ts';
import { AddIndicatorForm, AddMeasureForm, DependencyEditor, RecordValueForm } from './measures/PlanForms.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtMonth, fmtNum } from '../format.ts';
import { can, useMe } from '../session.tsx';

export function MeasuresPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { data, error, loading, reload } = useApi(() => get<Measure[]>('/api/plan/measures'), []);
  const inds = useApi(() => get<Indicator[]>('/api/plan/indicators'), []);
  const vulns = useApi(() => get<VulnerabilityView[]>('/api/plan/register'), []);
  const write = can(me, 'plan.write');
  const [err, setErr] = useState<string>();
  const toggle = async (m: Measure) => {
    setErr(undefined);
    await post(`/api/plan/measures/${encodeURIComponent(m.id)}/status`, { done: m.status !== 'done' }).catch(
      (e: Error) => setErr(e.message),
    );
    reload();
  };
  const reloadAll = () => {
    reload();
    inds.reload();
  };
  return (
    <section>
      <h1>{t('meas.title')}</h1>
      <ErrorBox error={error ?? err} />
      <Loading show={loading && !data} />
      {data && data.length > 0 && (
        <div className="card">
          <Timeline ms={data} />
        </div>
      )}
      {data && (
        <table style={{ marginTop: 16 }} data-testid="measures">
          <thead>
            <tr>
              <th>{t('meas.id')}</th>
              <th>{t('meas.vuln')}</th>
              <th>{t('meas.description')}</th>
              <th>{t('meas.responsible')}</th>
              <th>{t('meas.expected')}</th>
              <th>{t('meas.forecast')}</th>
              <th>{t('meas.dependsOn')}</th>
              <th>{t('meas.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id} className={m.schedule.late ? 'late' : ''}>
                <td>{m.id}</td>
                <td>{m.vulnId}</td>
                <td>{m.description}</td>
                <td>
                  {m.responsibleUnit}
                  {m.supportingUnits.length ? <div className="muted small">{m.supportingUnits.join(', ')}</div> : null}
                </td>
                <td>{fmtDate(m.expectedDate) || m.expectedComment}</td>
                <td className={m.schedule.late ? 'level-high' : ''}>
                  {fmtDate(m.schedule.forecastDate)}
                  {m.schedule.delayedBy.length ? (
                    <div className="small">{t('meas.delayedBy', { ids: m.schedule.delayedBy.join(', ') })}</div>
                  ) : null}
                </td>
                <td>
                  {write ? <DependencyEditor measure={m} measures={data} onDone={reloadAll} /> : m.dependsOn.join(', ')}
                </td>
                <td>
                  {m.status === 'done' ? (
                    t('meas.done', { date: fmtDate(m.completedOn) })
                  ) : m.schedule.late ? (
                    <span className="level-high">{t('meas.late')}</span>
                  ) : (
                    t('meas.planned')
                  )}
                </td>
                <td>
                  {write && (
                    <button type="button" className="link" onClick={() => void toggle(m)}>
                      {m.status === 'done' ? t('meas.reopen') : t('meas.complete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {data.length === 0 && (
              <tr>
                <td colSpan={9} className="empty">
                  {t('meas.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {write && data && (
        <div style={{ marginTop: 16 }}>
          <AddMeasureForm vulns={vulns.data ?? []} measures={data} onDone={reloadAll} />
        </div>
      )}
      <h2>{t('meas.indicators')}</h2>
      <table className="compact" data-testid="progress-indicators">
        <thead>
          <tr>
            <th>{t('meas.id')}</th>
            <th>{t('meas.indicator')}</th>
            <th>{t('meas.latest')}</th>
            <th className="num">{t('meas.goal')}</th>
            <th className="num">{t('meas.change')}</th>
            {write && <th>{t('meas.recordValue')}</th>}
          </tr>
        </thead>
        <tbody>
          {(inds.data ?? []).map((i) => {
            const last = i.values.at(-1);
            return (
              <tr key={i.id}>
                <td>{i.id}</td>
                <td>{i.name}</td>
                <td>
                  {last
                    ? `${last.period}: ${fmtNum(last.numerator, 0)} / ${fmtNum(last.denominator, 0)} = ${fmtNum(last.value, 1)} %`
                    : '—'}
                </td>
                <td className="num">{i.goal === null ? '' : `${fmtNum(i.goal, 1)} %`}</td>
                <td className="num">{i.change === null ? '' : `${fmtNum(i.change, 1)} pp`}</td>
                {write && (
                  <td>
                    <RecordValueForm indicator={i} onDone={reloadAll} />
                  </td>
                )}
              </tr>
            );
          })}
          {inds.data?.length === 0 && (
            <tr>
              <td colSpan={write ? 6 : 5} className="empty">
                {t('table.noRows')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {write && (
        <div style={{ marginTop: 16 }}>
          <AddIndicatorForm vulns={vulns.data ?? []} measures={data ?? []} onDone={reloadAll} />
        </div>
      )}
    </section>
  );
}

/** A Gantt-like timeline in plain HTML: expected date (circle), forecast (diamond), the delay between them,
 *  and for each dependency a note of the measure that holds it back. */
function Timeline({ ms }: { ms: Measure[] }) {
  const { t } = useTranslation();
  const ts = (d: string | null) => (d ? Date.parse(d + 'T00:00:00Z') : null);
  const today = Date.now();
  const all = ms
    .flatMap((m) => [ts(m.expectedDate), ts(m.schedule.forecastDate), ts(m.completedOn)])
    .filter((x): x is number => x !== null);
  if (all.length === 0) return null;
  const lo = Math.min(today, ...all) - 15 * 864e5;
  const hi = Math.max(today, ...all) + 15 * 864e5;
  const pos = (x: number) => `${(((x - lo) / (hi - lo)) * 100).toFixed(2)}%`;
  const months: number[] = [];
  for (let d = new Date(lo); d.getTime() <= hi; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (first >= lo) months.push(first);
  }
  return (
    <div className="timeline" data-testid="timeline">
      <div className="tl-row tl-axis">
        <div className="tl-label" />
        <div className="tl-track">
          {months.map((m) => (
            <span key={m} className="tl-month" style={{ left: pos(m) }}>
              {fmtMonth(m)}
            </span>
          ))}
          <span className="tl-today" style={{ left: pos(today) }} title={t('meas.today')} />
        </div>
      </div>
      {ms.map((m) => {
        const e = ts(m.expectedDate),
          f = ts(m.completedOn ?? m.schedule.forecastDate);
        const cls = m.status === 'done' ? 'done' : m.schedule.late ? 'late' : 'planned';
        return (
          <div className="tl-row" key={m.id}>
            <div className="tl-label">
              <b>{m.id}</b>
              {m.dependsOn.length > 0 && <span className="muted small"> ← {m.dependsOn.join(', ')}</span>}
            </div>
            <div className="tl-track">
              {e !== null && f !== null && f > e && (
                <span className="tl-delay" style={{ left: pos(e), width: `calc(${pos(f)} - ${pos(e)})` }} />
              )}
              {e !== null && (
                <span
                  className={`tl-expected ${cls}`}
                  style={{ left: pos(e) }}
                  title={`${t('meas.expected')}: ${fmtDate(m.expectedDate)}`}
                />
              )}
              {f !== null && (
                <span
                  className={`tl-forecast ${cls}`}
                  style={{ left: pos(f) }}
                  title={`${t('meas.forecast')}: ${fmtDate(m.schedule.forecastDate)}`}
                />
              )}
            </div>
          </div>
        );
      })}
      <div className="muted small">
        ● {t('meas.expected')} · ◆ {t('meas.forecast')} · | {t('meas.today')}
      </div>
    </div>
  );
}
