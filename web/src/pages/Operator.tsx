// One operator: registry details and its GRI explained indicator by indicator (value, threshold, weight, evidence).
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { levelClass, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtMoney, fmtNum } from '../format.ts';
import i18n from '../i18n.ts';
import { useLocation } from '../router.ts';
import type { OperatorView as OperatorResponse } from '../../../src/server/routes/segmentation.ts';
import type { ExplainedIndicator as Indicator } from '../../../src/segmentation/explain.ts';

export function OperatorPage() {
  const { t } = useTranslation();
  const id = decodeURIComponent(useLocation().path.split('/')[2] ?? '');
  const risk = useRisk();
  const { data, error, loading } = useApi(
    () => get<OperatorResponse>(`/api/operators/${encodeURIComponent(id)}`, { risk }),
    [id, risk],
  );
  const e = data?.explanation;
  const names = useApi(
    () => get<{ catalogue: { code: string; names: Record<string, string> }[] }>('/api/gri', { risk }),
    [risk],
  );
  const nameOf = (i: Indicator) => names.data?.catalogue.find((c) => c.code === i.code)?.names[i18n.language] ?? i.name;
  return (
    <section>
      <h1>{t('op.title', { id })}</h1>
      <ErrorBox error={error} />
      <Loading show={loading} />
      {data && e && (
        <>
          <div className="tiles">
            <div className="tile">
              <div className={`tile-value ${levelClass(e.riskLevel)}`} data-testid="op-gri">
                {fmtNum(e.gri, 3)}
              </div>
              <div className="tile-label">
                {t('seg.gri')} · {t(`level.${e.riskLevel}`)}
              </div>
            </div>
            <div className="tile">
              <div className="tile-value">
                {fmtInt(e.rank)} / {fmtInt(e.operators)}
              </div>
              <div className="tile-label">{t('op.rank')}</div>
            </div>
            <div className="tile">
              <div className="tile-value">{t(`size.${e.sizeSegment}`)}</div>
              <div className="tile-label">{t('seg.size')}</div>
            </div>
            <div className="tile">
              <div className="tile-value">{fmtMoney(e.totalValue)}</div>
              <div className="tile-label">{t('seg.value')}</div>
            </div>
            <div className="tile">
              <div className="tile-value">{fmtInt(e.lines)}</div>
              <div className="tile-label">{t('seg.lines')}</div>
            </div>
          </div>
          <dl className="facts">
            <dt>{t('seg.name')}</dt>
            <dd>{data.details.name ?? '—'}</dd>
            <dt>{t('seg.office')}</dt>
            <dd>
              {data.details.office ?? '—'} ({data.details.region ?? '—'})
            </dd>
            <dt>{t('op.sector')}</dt>
            <dd>{data.details.isic_sector ?? '—'}</dd>
            <dt>{t('op.aeo')}</dt>
            <dd>{data.details.aeo_status === null ? '—' : data.details.aeo_status ? t('app.yes') : t('app.no')}</dd>
            <dt>{t('op.registered')}</dt>
            <dd>{fmtDate(data.details.registration_date) || '—'}</dd>
            <dt>{t('op.repeat')}</dt>
            <dd>{e.repeatOffender ? t('app.yes') : t('app.no')}</dd>
            <dt>{t('op.controlled')}</dt>
            <dd>{e.controlled ? t('app.yes') : t('app.no')}</dd>
            <dt>{t('op.bars')}</dt>
            <dd>
              {t('level.medium')} ≥ {fmtNum(e.bars.medium, 3)} · {t('level.high')} ≥ {fmtNum(e.bars.high, 3)} (
              {e.configId})
            </dd>
          </dl>
          <h2>{t('op.explanation')}</h2>
          <p className="muted small">{t('op.formula')}</p>
          <table data-testid="explanation">
            <thead>
              <tr>
                <th>{t('gri.indicator')}</th>
                <th>{t('op.family')}</th>
                <th className="num">{t('op.value')}</th>
                <th className="num">{t('op.threshold')}</th>
                <th>{t('op.flag')}</th>
                <th className="num">{t('gri.weight')}</th>
                <th className="num">{t('op.contribution')}</th>
                <th>{t('op.evidence')}</th>
              </tr>
            </thead>
            <tbody>
              {e.indicators.map((i) => (
                <tr key={i.code} className={i.flag ? 'flagged' : ''}>
                  <td>
                    <b>{i.code}</b> {nameOf(i)}
                  </td>
                  <td>{t(`family.${i.family}`, { defaultValue: i.family })}</td>
                  <td className="num">{i.available ? fmtNum(i.value, 3) : '—'}</td>
                  <td className="num">{i.available ? fmtNum(i.threshold, 3) : '—'}</td>
                  <td>
                    {!i.available ? (
                      <span className="muted">{t('op.unavailable', { what: i.missingData.join(', ') })}</span>
                    ) : i.flag ? (
                      <span className="level-high">1</span>
                    ) : (
                      '0'
                    )}
                  </td>
                  <td className="num">{fmtNum(i.weight, 3)}</td>
                  <td className="num">{fmtNum(i.contribution, 3)}</td>
                  <td className="small">{i.evidence}</td>
                </tr>
              ))}
              <tr className="subtotal">
                <td colSpan={6}>{t('seg.gri')} = Σ P·R</td>
                <td className="num">{fmtNum(e.gri, 3)}</td>
                <td />
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
