// Treated vs control: difference in differences with confidence intervals, and the quarterly trends.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { Figure } from '../charts/Figure.tsx';
import { trendChart } from '../charts/options.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtNum, fmtPct } from '../format.ts';
import type { EffectReport } from '../../../src/measure/effect/index.ts';
import type { EffectTreatment } from '../../../src/server/routes/measure.ts';

type Report = EffectReport;

export function EffectPage() {
  const { t } = useTranslation();
  const treatments = useApi(() => get<EffectTreatment[]>('/api/effect/treatments'), []);
  const [treatment, setTreatment] = useState('');
  const chosen = treatment || treatments.data?.[0]?.treatment || '';
  const report = useApi(
    () => (chosen ? get<Report>('/api/effect', { treatment: chosen }) : Promise.resolve(undefined)),
    [chosen],
  );
  const r = report.data;
  return (
    <section>
      <h1>{t('eff.title')}</h1>
      <ErrorBox error={treatments.error} />
      {treatments.data?.length === 0 && <p className="muted">{t('eff.none')}</p>}
      {treatments.data && treatments.data.length > 0 && (
        <label className="inline">
          {t('eff.treatment')}{' '}
          <select value={chosen} onChange={(e) => setTreatment(e.target.value)}>
            {treatments.data.map((x) => (
              <option key={x.treatment} value={x.treatment}>
                {x.treatment} ({fmtInt(x.operators)})
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorBox error={report.error} />
      <Loading show={!!chosen && report.loading} />
      {r && (
        <>
          <p className="muted small">
            {t('eff.windows', {
              preStart: fmtDate(r.windows.pre_start),
              start: fmtDate(r.windows.start),
              postEnd: fmtDate(r.windows.post_end),
            })}{' '}
            ·{' '}
            {t('eff.groups', {
              treated: fmtInt(r.groups.treated_matched),
              controls: fmtInt(r.groups.controls_matched),
            })}
          </p>
          <table data-testid="effect">
            <thead>
              <tr>
                <th>{t('eff.outcome')}</th>
                <th className="num">{t('eff.treatedPre')}</th>
                <th className="num">{t('eff.treatedPost')}</th>
                <th className="num">{t('eff.controlPre')}</th>
                <th className="num">{t('eff.controlPost')}</th>
                <th className="num">{t('eff.did')}</th>
                <th>{t('eff.ci', { level: fmtInt(r.bootstrap.level * 100) })}</th>
                <th className="num">{t('eff.relative')}</th>
              </tr>
            </thead>
            <tbody>
              {r.outcomes.map((o) => (
                <tr key={o.outcome}>
                  <td>{o.description}</td>
                  <td className="num">{fmtNum(o.treated_pre, 4)}</td>
                  <td className="num">{fmtNum(o.treated_post, 4)}</td>
                  <td className="num">{fmtNum(o.control_pre, 4)}</td>
                  <td className="num">{fmtNum(o.control_post, 4)}</td>
                  <td className={`num ${o.ci_high < 0 ? 'level-low' : o.ci_low > 0 ? 'level-high' : ''}`}>
                    <b>{fmtNum(o.did, 4)}</b>
                  </td>
                  <td>
                    [{fmtNum(o.ci_low, 4)}; {fmtNum(o.ci_high, 4)}]
                  </td>
                  <td className="num">
                    {o.relative === null
                      ? ''
                      : `${fmtPct(o.relative)} [${fmtPct(o.rel_ci_low)}; ${fmtPct(o.rel_ci_high)}]`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.placebo && (
            <p className="small">
              {t('eff.placebo', {
                did: fmtNum(r.placebo.did, 4),
                low: fmtNum(r.placebo.ci_low, 4),
                high: fmtNum(r.placebo.ci_high, 4),
              })}
            </p>
          )}
          <p className="small" data-testid="effect-design">
            {r.design.explanation.text}
          </p>
          {r.warnings.map((w) => (
            <p key={w.key + w.text} className="error small">
              {w.text}
            </p>
          ))}
          <div className="card">
            <Figure
              title={t('eff.trends')}
              height={260}
              testId="effect-trends"
              built={trendChart({
                categories: r.trends.map((x) => x.quarter),
                series: [
                  { key: 'treated', name: t('eff.treated'), values: r.trends.map((x) => x.treated_rate) },
                  { key: 'control', name: t('eff.control'), values: r.trends.map((x) => x.control_rate) },
                ],
                format: (v) => fmtPct(v, 1),
                marker: { index: r.trends.findIndex((x) => x.phase !== 'pre'), label: t('eff.start') },
              })}
            />
          </div>
        </>
      )}
    </section>
  );
}
