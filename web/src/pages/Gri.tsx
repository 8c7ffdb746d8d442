// GRI workbench: the configuration in force is edited as a draft — indicators on/off and their thresholds, the
// weighting technique and expert weights, the risk bars (dragged on the histogram), Table 1 size cut-offs, risky
// lists, custom indicators. Every change is previewed at once by re-scoring the last run (nothing saved);
// "Publish" makes one version, or one proposal while the committee requires approval.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api.ts';
import { JobProgress } from '../components/JobProgress.tsx';
import { isActive, startJob, useJob } from '../components/jobs.ts';
import { RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDateTime, fmtInt } from '../format.ts';
import { navigate } from '../router.ts';
import { can, useMe } from '../session.tsx';
import type { GriDraft, GriPreview, GriPublished } from '../../../src/server/routes/gri-draft.ts';
import type { GriWorkbench } from '../../../src/server/routes/segmentation.ts';
import { CustomIndicators } from './gri/CustomIndicators.tsx';
import { DraftPanel } from './gri/DraftPanel.tsx';
import { Histogram, round3, type Bars } from './gri/Histogram.tsx';
import { IndicatorTable, type Config } from './gri/IndicatorTable.tsx';
import { Settings } from './gri/Settings.tsx';

const LEVEL_METHODS = ['manual', 'quantile', 'meanSd'] as const;

/** The configuration with every built-in indicator listed explicitly (a missing one in a stored list is off). */
function normalise(d: GriDraft): Config {
  const c = structuredClone(d.config);
  c.indicators = d.catalogue.map(
    (k) => c.indicators?.find((i) => i.code === k.code) ?? { code: k.code, enabled: !d.config.indicators },
  );
  return c;
}

export function GriPage() {
  const { t } = useTranslation();
  const me = useMe();
  const risk = useRisk();
  const editable = can(me, 'gri.write');
  const wb = useApi(() => get<GriWorkbench>('/api/gri', { risk }), [risk]);
  const dr = useApi(() => get<GriDraft>('/api/gri/draft', { risk }), [risk]);
  const [config, setConfig] = useState<Config>();
  const [preview, setPreview] = useState<GriPreview>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<{ text: string; proposal?: string }>();
  const [busy, setBusy] = useState(false);
  const [runJob, setRunJob] = useState<number | null>(null);
  const job = useJob(runJob);
  const computing = !!job && isActive(job);
  const seq = useRef(0);

  useEffect(() => {
    if (dr.data) setConfig(normalise(dr.data));
  }, [dr.data]);

  // Preview a moment after the last edit; an answer to an older draft is ignored.
  useEffect(() => {
    if (!config) return;
    const n = ++seq.current;
    const timer = setTimeout(() => {
      post<GriPreview>('/api/gri/preview', { risk, config }).then(
        (p) => {
          if (n !== seq.current) return;
          setPreview(p);
          setError(undefined);
        },
        (e: Error) => n === seq.current && setError(e.message),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [config, risk]);

  const edit = (c: Config) => {
    setDone(undefined);
    setConfig(c);
  };
  const reload = () => {
    wb.reload();
    dr.reload();
  };
  const run = async (fn: () => Promise<{ text: string; proposal?: string }>) => {
    setBusy(true);
    setError(undefined);
    try {
      setDone(await fn());
      reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const publish = ({ comment, summary }: { comment: string; summary: string }) =>
    run(async () => {
      const r = await post<GriPublished>('/api/gri/publish', {
        risk,
        config,
        baseVersion: dr.data!.version,
        comment: comment || null,
        summary: summary || null,
      });
      return r.outcome === 'proposal'
        ? { text: t('gri.proposed', { id: r.proposalId }), proposal: r.proposalId }
        : { text: t(`gri.published_${r.recomputed}`, { id: r.configId }) };
    });
  // A full run is a job of the server (as `cip gri compute`): its progress shows here and in the Jobs notice.
  const recompute = async () => {
    setError(undefined);
    setDone(undefined);
    try {
      setRunJob((await startJob({ kind: 'gri', params: { risk } })).id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const finished = job?.status === 'succeeded' ? job.id : null;
  useEffect(() => {
    if (finished === null) return;
    setDone({ text: t('gri.recomputed') });
    wb.reload();
    dr.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per finished run
  }, [finished]);

  const d = dr.data;
  const w = wb.data;
  if (!d || !w || !config)
    return (
      <section>
        <h1>{t('gri.title')}</h1>
        <ErrorBox error={dr.error ?? wb.error} />
        <Loading show={dr.loading || wb.loading} />
      </section>
    );
  const r = w.run;
  const scoring = preview?.scoring ?? r?.scoring;
  const bars: Bars = preview?.scoring?.bars ?? r?.scoring.bars ?? config.levels.manual;
  const lm = config.levels.method;
  const setLevels = (patch: Partial<Config['levels']>) => edit({ ...config, levels: { ...config.levels, ...patch } });
  const setBar = (key: keyof Bars, v: number) => setLevels({ [lm]: { ...config.levels[lm], [key]: v } });
  return (
    <section>
      <div className="row spread">
        <h1>{t('gri.title')}</h1>
        <RiskPicker />
      </div>
      <p className="muted small">
        {t('gri.config', { id: d.configId })}
        {d.createdBy ? ` · ${t('gri.savedBy', { who: d.createdBy, at: fmtDateTime(d.createdAt) })}` : ''}
        {r
          ? ` · ${t('gri.run', { operators: fmtInt(r.operators), lines: fmtInt(r.lines), at: fmtDateTime(r.computedAt) })}`
          : ''}
      </p>
      {r && r.configId !== d.configId && (
        <p className="small level-medium">{t('gri.runOutdated', { id: r.configId })}</p>
      )}
      <ErrorBox error={error} />
      {done && (
        <div className="ok" role="status" data-testid="published">
          {done.text}
          {done.proposal && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => navigate('/governance')}>
                {t('gri.toCommittee')}
              </button>
            </>
          )}
        </div>
      )}
      {!r && <p className="muted">{t('gri.noRun')}</p>}
      <div className="grid2">
        <div className="card">
          {!scoring && <h3>{t('gri.distribution')}</h3>}
          {scoring && (
            <Histogram
              bins={scoring.histogram.bins}
              bars={bars}
              editable={editable}
              onDrop={(b) => setLevels({ method: 'manual', manual: b })}
            />
          )}
          {scoring && (
            <div className="levels" data-testid="levels">
              {(['high', 'medium', 'low'] as const).map((l) => (
                <span key={l} className={`badge level-${l}`}>
                  {t(`level.${l}`)}: {fmtInt(scoring.levels[l] ?? 0)}
                </span>
              ))}
              {preview?.scoring && preview.changes.length > 0 && (
                <span className="muted small"> {t('gri.previewed')}</span>
              )}
            </div>
          )}
          {preview?.problem && <div className="error small">{preview.problem}</div>}
          <h3>{t('gri.bars')}</h3>
          <div className="row">
            <label>
              {t('gri.levelMethod')}
              <select
                value={lm}
                disabled={!editable}
                onChange={(e) => setLevels({ method: e.target.value as Config['levels']['method'] })}
                data-testid="level-method"
              >
                {LEVEL_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {t(`gri.levelMethods.${m}`)}
                  </option>
                ))}
              </select>
            </label>
            {(['medium', 'high'] as const).map((k) => (
              <label key={k}>
                {t(`gri.${k}Param.${lm}`)}
                <input
                  type="number"
                  step="0.01"
                  value={config.levels[lm][k]}
                  disabled={!editable}
                  onChange={(e) => setBar(k, round3(Number(e.target.value)))}
                  data-testid={`bar-${k}`}
                />
              </label>
            ))}
          </div>
          {lm !== 'manual' && scoring && (
            <p className="muted small">{t('gri.barsAre', { medium: round3(bars.medium), high: round3(bars.high) })}</p>
          )}
          {editable && <p className="muted small">{t('gri.dragHint')}</p>}
          {preview?.table4 && <Table4Preview rows={preview.table4} />}
        </div>
        <div>
          <DraftPanel
            preview={preview}
            version={d.version}
            approvalRequired={d.approvalRequired}
            editable={editable}
            busy={busy}
            onPublish={(p) => void publish(p)}
            onDiscard={() => edit(normalise(d))}
          />
          {editable && (
            <p>
              <button
                type="button"
                className="secondary"
                disabled={busy || computing}
                onClick={() => void recompute()}
                data-testid="recompute"
              >
                {t('gri.recompute')}
              </button>{' '}
              {busy && <span className="muted">{t('app.loading')}</span>}
              {job && job.status !== 'succeeded' && (
                <span data-testid="recompute-job" data-status={job.status}>
                  <JobProgress job={job} />
                </span>
              )}
            </p>
          )}
        </div>
      </div>
      <div className="card" style={{ marginTop: 16 }}>
        <h3>{t('gri.weights')}</h3>
        <IndicatorTable
          draft={d}
          config={config}
          run={r}
          weights={preview?.scoring?.weights ?? r?.scoring.weights ?? []}
          editable={editable}
          onChange={edit}
        />
      </div>
      <div className="grid2" style={{ marginTop: 16 }}>
        <div className="card">
          <h3>{t('gri.sizeAndLists')}</h3>
          <Settings config={config} editable={editable} onChange={edit} />
        </div>
        <div className="card">
          <h3>{t('gri.custom')}</h3>
          <CustomIndicators draft={d} config={config} editable={editable} onChange={edit} />
        </div>
      </div>
    </section>
  );
}

/** Table 4 (operators by size × level) as the draft would make it. */
function Table4Preview({ rows }: { rows: NonNullable<GriPreview['table4']> }) {
  const { t } = useTranslation();
  const cell = (size: string, level: string | null) =>
    rows.find((r) => r.size === size && r.level === level)?.operators ?? 0;
  return (
    <table className="compact" data-testid="table4-preview" style={{ marginTop: 8 }}>
      <caption className="small muted">{t('gri.table4Preview')}</caption>
      <thead>
        <tr>
          <th />
          {(['high', 'medium', 'low'] as const).map((l) => (
            <th key={l} className={`num level-${l}`}>
              {t(`level.${l}`)}
            </th>
          ))}
          <th className="num">{t('gri.total')}</th>
        </tr>
      </thead>
      <tbody>
        {(['large', 'medium', 'small'] as const).map((s) => (
          <tr key={s}>
            <th>{t(`size.${s}`)}</th>
            {(['high', 'medium', 'low'] as const).map((l) => (
              <td key={l} className="num">
                {fmtInt(cell(s, l))}
              </td>
            ))}
            <td className="num">{fmtInt(cell(s, null))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
