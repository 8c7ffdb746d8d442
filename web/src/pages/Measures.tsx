// Measures: a timeline of expected and forecast completion, with the dependencies that hold measures back;
// adding measures, their dependencies and progress indicators, and recording indicator values.
import { useMemo, useState } from 'react';
import { Figure } from '../charts/Figure.tsx';
import { gantt, type GanttTask } from '../charts/gantt.ts';
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
import { fmtDate, fmtNum } from '../format.ts';
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
      {data && (
        <div className="card">
          {data.length > 0 ? <Timeline ms={data} /> : <p className="muted">{t('meas.timelineEmpty')}</p>}
        </div>
      )}
      {data && (
        <div className="scroll-x" style={{ marginTop: 16 }}>
          <table data-testid="measures">
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
                    {m.supportingUnits.length ? (
                      <div className="muted small">{m.supportingUnits.join(', ')}</div>
                    ) : null}
                  </td>
                  <td>{fmtDate(m.expectedDate) || m.expectedComment}</td>
                  <td className={m.schedule.late ? 'level-high' : ''}>
                    {fmtDate(m.schedule.forecastDate)}
                    {m.schedule.delayedBy.length ? (
                      <div className="small">{t('meas.delayedBy', { ids: m.schedule.delayedBy.join(', ') })}</div>
                    ) : null}
                  </td>
                  <td>
                    {write ? (
                      <DependencyEditor measure={m} measures={data} onDone={reloadAll} />
                    ) : (
                      m.dependsOn.join(', ')
                    )}
                  </td>
                  <td>
                    {m.status === 'done' ? (
                      t('meas.done', { date: fmtDate(m.completedOn) })
                    ) : m.schedule.late ? (
                      <span className="level-high">{t('meas.statusNames.late')}</span>
                    ) : (
                      t('meas.statusNames.planned')
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
        </div>
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

/** The measures as a Gantt chart: bars to each measure's forecast completion, the expected date as a dot, arrows
 *  from the measures it depends on. No start date is recorded for a measure: a bar starts when the measures it
 *  depends on are forecast to finish, else at the plan's start (its earliest expected or completion date), and the
 *  chart says so. */
function Timeline({ ms }: { ms: Measure[] }) {
  const { t } = useTranslation();
  const built = useMemo(() => {
    const ts = (d: string | null) => (d ? Date.parse(d + 'T00:00:00Z') : null);
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const end = new Map(
      ms.map((m) => [m.id, ts(m.completedOn ?? m.schedule.forecastDate) ?? ts(m.expectedDate) ?? today]),
    );
    const dates = ms
      .flatMap((m) => [m.expectedDate, m.completedOn, m.schedule.forecastDate])
      .map(ts)
      .filter((x): x is number => x !== null);
    const planStart = dates.length ? Math.min(...dates) : today;
    const tasks: GanttTask[] = ms.map((m) => {
      const finish = end.get(m.id)!;
      const after = m.dependsOn.map((d) => end.get(d)).filter((x): x is number => x !== undefined);
      const start = after.length ? Math.max(...after) : planStart;
      return {
        id: m.id,
        label: m.description,
        start: Math.min(start, finish),
        fromPlanStart: after.length === 0,
        end: finish,
        expected: ts(m.expectedDate),
        status: m.status === 'done' ? 'done' : m.schedule.late ? 'late' : 'planned',
        dependsOn: m.dependsOn,
      };
    });
    return gantt({
      tasks,
      today,
      planStart,
      planStartName: t('meas.planStart'),
      planStartLine: t('meas.planStartLine'),
      statusName: {
        planned: t('meas.statusNames.planned'),
        late: t('meas.statusNames.late'),
        done: t('meas.statusNames.done'),
      },
      dependsName: t('meas.dependsOn'),
      expectedName: t('meas.expected'),
      head: [
        t('meas.description'),
        t('meas.start'),
        t('meas.expected'),
        t('meas.forecast'),
        t('meas.dependsOn'),
        t('meas.status'),
      ],
      fmtDate: (ms) => fmtDate(new Date(ms).toISOString().slice(0, 10)),
    });
  }, [ms, t]);
  return (
    <Figure
      title={t('meas.timeline')}
      built={built}
      height={Math.max(160, 70 + ms.length * 34)}
      testId="timeline"
      caption={t('meas.timelineCaption')}
    />
  );
}
