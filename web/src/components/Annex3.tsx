// Annex 3 for one compliance risk: sensitive HS codes (proposed from finding rates) and their indicators.
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { fmtMoney, fmtNum, fmtInt } from '../format.ts';
import { labelOf, type Scales } from './labels.ts';
import { ErrorBox, Loading } from './Status.tsx';
import { useApi } from './useApi.ts';
import type { RiskCip } from '../../../src/server/routes/plan-schemas.ts';
import type { Metric } from '../../../src/plan/risk/annex3.ts';

const m = (x: Metric, money = true) => (
  <>
    {money ? fmtMoney(x.current) : fmtInt(x.current)}
    {x.variation !== null && (
      <span className={x.variation >= 0 ? 'up small' : 'down small'}>
        {' '}
        {x.variation >= 0 ? '+' : ''}
        {fmtNum(x.variation, 1)} %
      </span>
    )}
  </>
);

export function Annex3({ risk, onPick }: { risk: string; onPick: (hs: string) => void }) {
  const { t } = useTranslation();
  const scales = useApi(() => get<Scales>('/api/plan/scales'), []);
  const { data, error, loading } = useApi(() => get<RiskCip>('/api/plan/annex3', { risk }), [risk]);
  return (
    <div className="card" data-testid="annex3">
      <h3>{t('hs.proposed', { risk: labelOf(scales.data?.compliance_risks, risk) })}</h3>
      <ErrorBox error={error} />
      <Loading show={loading} />
      {data && (
        <table className="compact">
          <thead>
            <tr>
              <th>{t('hs.code')}</th>
              <th className="num">{t('hs.inspected')}</th>
              <th className="num">{t('hs.findingRate')}</th>
              <th className="num">{t('hs.cif')}</th>
              <th className="num">{t('seg.vat')}</th>
              <th className="num">{t('seg.duty')}</th>
              <th className="num">{t('hs.importers')}</th>
            </tr>
          </thead>
          <tbody>
            {data.proposed.map((p) => {
              const ind = data.indicators.find((i) => i.hs === p.hs);
              return (
                <tr key={p.hs} className="clickable" onClick={() => onPick(p.hs)}>
                  <td>
                    <a href={`/hs?code=${p.hs}`} onClick={(e) => e.preventDefault()}>
                      {p.hs}
                    </a>
                  </td>
                  <td className="num">{fmtInt(p.inspected)}</td>
                  <td className="num">{fmtNum(p.findingRate, 1)} %</td>
                  <td className="num">{ind && m(ind.cif)}</td>
                  <td className="num">{ind && m(ind.vat)}</td>
                  <td className="num">{ind && m(ind.duty)}</td>
                  <td className="num">{ind && m(ind.importers, false)}</td>
                </tr>
              );
            })}
            {data.proposed.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  {t('table.noRows')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <p className="muted small">{t('hs.variationNote')}</p>
    </div>
  );
}
