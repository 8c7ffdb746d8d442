// Backtest of the selectivity score: fitted on a training period only (optionally weighted on a validation
// period), its ranking of a later test period evaluated for lines and operators. Opens on the split the server
// proposes from the data's dates, so a first visit shows a result without typing anything.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { failure, JobProgress } from '../components/JobProgress.tsx';
import { isActive, startJob, useJob } from '../components/jobs.ts';
import { useLocation } from '../router.ts';
import { Figure } from '../charts/Figure.tsx';
import { trendChart } from '../charts/options.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtPct } from '../format.ts';
import i18n from '../i18n.ts';
import type {
  BacktestPeriods as Periods,
  BacktestRanking as Ranking,
  BacktestResult as Result,
} from '../../../src/server/routes/measure.ts';

const FIELDS = ['train_from', 'train_until', 'valid_from', 'valid_until', 'test_from', 'test_until'] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const fromProposal = (p: NonNullable<Periods['proposal']>): Form => ({
  train_from: '',
  valid_from: '',
  valid_until: '',
  ...p,
});
const dayAfter = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
const at = (m: Ranking, share: number) => m.top.find((x) => Math.abs(x.share - share) < 1e-9);
/** A fixed number of decimals (AUC, weights, scores, lifts), trailing zeros kept so that columns line up. */
const fixed = (x: number, d: number) =>
  new Intl.NumberFormat(i18n.language, { minimumFractionDigits: d, maximumFractionDigits: d }).format(x);
const fmt3 = (x: number) => fixed(x, 3);

export function BacktestPage() {
  const { t, i18n } = useTranslation();
  const periods = useApi(() => get<Periods>('/api/backtest/periods'), []);
  const proposal = periods.data?.proposal ?? null;
  const [form, setForm] = useState<Form>();
  // The periods of the result on screen: set by the proposal on arrival, then by "Run backtest".
  const [run, setRun] = useState<Form>();
  const { search } = useLocation();
  const [jobId, setJobId] = useState<number | null>(() => Number(search.get('job')) || null);
  const [startError, setStartError] = useState<string>();
  const job = useJob(jobId);
  useEffect(() => {
    if (form || !periods.data || periods.data.lines.count === 0) return;
    // Without a proposal (too few days with outcomes) the form starts empty and nothing runs by itself.
    setForm(
      proposal
        ? fromProposal(proposal)
        : { train_from: '', train_until: '', valid_from: '', valid_until: '', test_from: '', test_until: '' },
    );
    if (proposal && jobId === null) setRun(fromProposal(proposal));
  }, [periods.data, proposal, form, jobId]);
  // A backtest takes seconds to minutes: it runs as a job of the server, followed here (and on the Jobs page).
  useEffect(() => {
    if (!run) return;
    let live = true;
    setStartError(undefined);
    setJobId(null);
    const params = Object.fromEntries(Object.entries(run).filter(([, v]) => v !== '')) as Form;
    startJob({ kind: 'backtest', params }).then(
      (j) => live && setJobId(j.id),
      (e: Error) => live && setStartError(e.message),
    );
    return () => {
      live = false;
    };
  }, [run]);
  const done = job?.status === 'succeeded' ? job.id : null;
  const result = useApi(
    () => (done !== null ? get<Result>(`/api/jobs/${done}/backtest`) : Promise.resolve(undefined)),
    [done, i18n.language],
  );
  const jobError = job && !isActive(job) && job.status !== 'succeeded' ? failure(t, job) : undefined;
  const [unit, setUnit] = useState<'lines' | 'operators'>('lines');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form) setRun({ ...form });
  };
  const r = result.data;
  const d = periods.data;
  return (
    <section>
      <h1>{t('bt.title')}</h1>
      <p className="muted small">{t('bt.intro')}</p>
      <ErrorBox error={periods.error} />
      <Loading show={periods.loading} />
      {d && (
        <p className="small" data-testid="bt-range">
          {d.lines.count === 0
            ? t('bt.noLines')
            : t('bt.range', {
                lines: fmtInt(d.lines.count),
                first: fmtDate(d.lines.first),
                last: fmtDate(d.lines.last),
                labelled: fmtInt(d.labelled.count),
                lfirst: fmtDate(d.labelled.first),
                llast: fmtDate(d.labelled.last),
              })}
        </p>
      )}
      {d && d.lines.count > 0 && !proposal && <p className="muted">{t('bt.noProposal')}</p>}
      {form && (
        <form className="card" onSubmit={submit} data-testid="bt-form">
          <div className="filters">
            {FIELDS.map((f) => (
              <label key={f}>
                {t(`bt.field.${f}`)}
                <input
                  type="date"
                  value={form[f]}
                  required={!f.startsWith('valid') && f !== 'train_from'}
                  onChange={(e) => setForm({ ...form, [f]: e.target.value })}
                  data-testid={`bt-${f}`}
                />
              </label>
            ))}
            <button type="submit" disabled={!!job && isActive(job)}>
              {t('bt.run')}
            </button>
            {proposal && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setForm(fromProposal(proposal));
                  setRun(fromProposal(proposal));
                }}
              >
                {t('bt.useProposal')}
              </button>
            )}
          </div>
          {proposal && (
            <p className="muted small" style={{ margin: 0 }}>
              {t(dayAfter(proposal.train_until) === proposal.test_from ? 'bt.proposed' : 'bt.proposedGap', {
                trainUntil: fmtDate(proposal.train_until),
                testFrom: fmtDate(proposal.test_from),
                testUntil: fmtDate(proposal.test_until),
              })}{' '}
              {t('bt.validationHint')}
            </p>
          )}
        </form>
      )}
      <ErrorBox error={startError ?? jobError ?? result.error} />
      {job && isActive(job) && (
        <p data-testid="bt-progress">
          <JobProgress job={job} />
        </p>
      )}
      <Loading show={done !== null && result.loading} />
      {r && !result.error && !startError && !jobError && (!job || job.status === 'succeeded') && (
        <div className={result.loading ? 'loading' : ''}>
          <p className="small" data-testid="bt-summary">
            {t('bt.periodsLine', {
              train: r.periods.train.from
                ? `${fmtDate(r.periods.train.from)} – ${fmtDate(r.periods.train.until)}`
                : t('bt.upTo', { until: fmtDate(r.periods.train.until) }),
              test: `${fmtDate(r.periods.test.from)} – ${fmtDate(r.periods.test.until)}`,
            })}
            {r.periods.validation &&
              ` · ${t('bt.validationLine', { from: fmtDate(r.periods.validation.from), until: fmtDate(r.periods.validation.until) })}`}
            <br />
            {t('bt.learned', {
              lines: fmtInt(r.history.lines),
              findings: fmtInt(r.history.findings),
              until: fmtDate(r.history.until),
            })}{' '}
            {t(`bt.fitOn.${r.fit.on}`, { lines: fmtInt(r.fit.lines) })}{' '}
            {t('bt.testLines', { lines: fmtInt(r.periods.test.lines), labelled: fmtInt(r.periods.test.labelled) })}
          </p>
          <h2>{t('bt.headline')}</h2>
          <div className="scroll-x">
            <table className="compact" data-testid="bt-headline">
              <thead>
                <tr>
                  <th></th>
                  <th className="num">{t('bt.evaluated')}</th>
                  <th className="num">{t('bt.withFinding')}</th>
                  <th className="num">{t('bt.baseRate')}</th>
                  <th className="num">AUC</th>
                  {[0.05, 0.1].flatMap((s) => [
                    <th key={`p${s}`} className="num">
                      {t('bt.precisionAt', { share: fmtPct(s, 0) })}
                    </th>,
                    <th key={`r${s}`} className="num">
                      {t('bt.recallAt', { share: fmtPct(s, 0) })}
                    </th>,
                  ])}
                </tr>
              </thead>
              <tbody>
                {(['lines', 'operators'] as const).map((u) => {
                  const m = r[u];
                  return (
                    <tr key={u}>
                      <th>{t(`bt.unit.${u}`)}</th>
                      <td className="num">{fmtInt(m.rows)}</td>
                      <td className="num">{fmtInt(m.findings)}</td>
                      <td className="num">{fmtPct(m.baseRate)}</td>
                      <td className="num">
                        <b>{m.auc === null ? '—' : fmt3(m.auc)}</b>
                      </td>
                      {[0.05, 0.1].flatMap((s) => [
                        <td key={`p${s}`} className="num">
                          {fmtPct(at(m, s)?.precision)}
                        </td>,
                        <td key={`r${s}`} className="num">
                          {fmtPct(at(m, s)?.recall)}
                        </td>,
                      ])}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="muted small">{t('bt.headlineHint')}</p>

          <div className="tabs" style={{ marginTop: '1.2rem' }}>
            {(['lines', 'operators'] as const).map((u) => (
              <button key={u} type="button" className={unit === u ? 'active' : ''} onClick={() => setUnit(u)}>
                {t(`bt.unit.${u}`)}
              </button>
            ))}
          </div>
          {unit === 'operators' && <p className="muted small">{t('bt.operatorsHint')}</p>}
          <Details m={r[unit]} />

          <h2>{t('bt.factors')}</h2>
          <p className="small">
            {t('bt.formula', { intercept: fmt3(r.model.intercept) })} ·{' '}
            {t('bt.thresholds', {
              high: fmt3(r.model.thresholds.high),
              highShare: fmtPct(r.model.levels.high, 0),
              medium: fmt3(r.model.thresholds.medium),
              mediumShare: fmtPct(r.model.levels.medium, 0),
            })}
          </p>
          <FactorTable factors={r.factors} />
        </div>
      )}
    </section>
  );
}

function Details({ m }: { m: Ranking }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="grid2">
        <div className="card">
          <h3>{t('bt.topShares')}</h3>
          <table className="compact" data-testid="bt-top">
            <thead>
              <tr>
                <th>{t('bt.top')}</th>
                <th className="num">{t('bt.selected')}</th>
                <th className="num">{t('bt.findings')}</th>
                <th className="num">{t('bt.precision')}</th>
                <th className="num">{t('bt.recall')}</th>
                <th className="num">{t('bt.lift')}</th>
              </tr>
            </thead>
            <tbody>
              {m.top.map((x) => (
                <tr key={x.share}>
                  <td>{fmtPct(x.share, 0)}</td>
                  <td className="num">{fmtInt(x.selected)}</td>
                  <td className="num">{fmtInt(x.findings)}</td>
                  <td className="num">{fmtPct(x.precision)}</td>
                  <td className="num">{fmtPct(x.recall)}</td>
                  <td className="num">{fixed(x.lift, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h3>{t('bt.byLevel')}</h3>
          <table className="compact" data-testid="bt-levels">
            <thead>
              <tr>
                <th>{t('bt.level')}</th>
                <th className="num">{t('bt.rows')}</th>
                <th className="num">{t('bt.findings')}</th>
                <th className="num">{t('bt.rate')}</th>
                <th className="num">{t('bt.lift')}</th>
              </tr>
            </thead>
            <tbody>
              {m.byLevel.map((l) => (
                <tr key={l.level}>
                  <td className={`level-${l.level}`}>{t(`level.${l.level}`, { defaultValue: l.level })}</td>
                  <td className="num">{fmtInt(l.rows)}</td>
                  <td className="num">{fmtInt(l.findings)}</td>
                  <td className="num">{fmtPct(l.rate)}</td>
                  <td className="num">{m.baseRate ? fixed(l.rate / m.baseRate, 2) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{t('bt.baseRateIs', { rate: fmtPct(m.baseRate) })}</p>
        </div>
      </div>
      <div className="card" style={{ marginTop: '1rem' }}>
        <Figure
          title={t('bt.liftChart')}
          height={300}
          testId="bt-lift"
          built={trendChart({
            categories: m.lift.map((b) => String(b.decile)),
            categoryName: t('bt.decile'),
            series: [
              { key: 'rate', name: t('bt.rate'), kind: 'bar', values: m.lift.map((b) => b.rate) },
              {
                key: 'recall',
                name: t('bt.cumRecall'),
                axis: 1,
                values: m.lift.map((b) => b.cumulativeRecall),
              },
            ],
            format: (v) => fmtPct(v, 0),
            format2: (v) => fmtPct(v, 0),
            axisName: t('bt.rate'),
            axisName2: t('bt.cumRecall'),
            unitAxis2: true,
            reference: { value: m.baseRate, label: t('bt.baseRateIs', { rate: fmtPct(m.baseRate) }) },
          })}
        />
        <p className="muted small">{t('bt.liftHint')}</p>
      </div>
    </>
  );
}

function FactorTable({ factors }: { factors: Result['factors'] }) {
  const { t } = useTranslation();
  const max = Math.max(...factors.map((f) => f.weight), 1e-9);
  return (
    <table className="compact" data-testid="bt-factors">
      <thead>
        <tr>
          <th>{t('bt.factor')}</th>
          <th>{t('bt.keys')}</th>
          <th className="num">{t('bt.weight')}</th>
          <th style={{ width: 180 }}></th>
        </tr>
      </thead>
      <tbody>
        {factors.map((f) => (
          <tr key={f.id} className={f.weight === 0 ? 'muted' : ''}>
            <td>{f.label}</td>
            <td className="small">
              <code>{f.keys.join(' × ')}</code>
            </td>
            <td className="num">{fmt3(f.weight)}</td>
            <td>
              <div
                style={{
                  background: 'var(--accent)',
                  height: 10,
                  borderRadius: 2,
                  width: `${(100 * f.weight) / max}%`,
                }}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
