// Every operator of the last GRI run with its size, GRI, level, raised flags and main reason; filters by level,
// size and unit; exports of the whole filtered list to CSV and XLSX (GET /api/gri/operators[.csv|.xlsx]).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, withQuery } from '../api.ts';
import { levelClass, RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtMoney, fmtNum } from '../format.ts';
import { navigate } from '../router.ts';
import type { OperatorList } from '../../../src/segmentation/operator-list.ts';

const SIZES = ['large', 'medium', 'small'] as const;
const LEVELS = ['high', 'medium', 'low'] as const;
const PAGE = 50;

export function GriOperatorsPage() {
  const { t } = useTranslation();
  const risk = useRisk();
  const [level, setLevel] = useState('');
  const [size, setSize] = useState('');
  const [unit, setUnit] = useState('');
  const [offset, setOffset] = useState(0);
  const filter = { risk, level: level || undefined, size: size || undefined, unit: unit.trim() || undefined };
  const list = useApi(
    () => get<OperatorList>('/api/gri/operators', { ...filter, offset, limit: PAGE }),
    [risk, level, size, unit, offset],
  );
  const reset = (f: () => void) => {
    f();
    setOffset(0);
  };
  const d = list.data;
  return (
    <section>
      <div className="row spread">
        <h1>{t('gop.title')}</h1>
        <RiskPicker />
      </div>
      <div className="row wrap">
        <label className="inline">
          {t('seg.level')}{' '}
          <select value={level} onChange={(e) => reset(() => setLevel(e.target.value))} data-testid="gop-level">
            <option value="">{t('gop.all')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('seg.size')}{' '}
          <select value={size} onChange={(e) => reset(() => setSize(e.target.value))} data-testid="gop-size">
            <option value="">{t('gop.all')}</option>
            {SIZES.map((s) => (
              <option key={s} value={s}>
                {t(`size.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('gop.unit')}{' '}
          <input
            type="search"
            value={unit}
            placeholder={t('gop.unitHint')}
            onChange={(e) => reset(() => setUnit(e.target.value))}
            data-testid="gop-unit"
          />
        </label>
        <a className="button" href={withQuery('/api/gri/operators.csv', filter)} download data-testid="gop-csv">
          CSV
        </a>
        <a className="button" href={withQuery('/api/gri/operators.xlsx', filter)} download data-testid="gop-xlsx">
          XLSX
        </a>
      </div>
      <ErrorBox error={list.error} />
      <Loading show={list.loading && !d} />
      {d && (
        <>
          <p className="muted small" data-testid="gop-total">
            {t('gop.total', { n: fmtInt(d.total), config: d.configId, at: fmtDate(d.computedAt) })}
          </p>
          <table className="compact" data-testid="gop-table">
            <thead>
              <tr>
                <th>{t('seg.tin')}</th>
                <th>{t('seg.name')}</th>
                <th>{t('seg.office')}</th>
                <th>{t('seg.size')}</th>
                <th className="num">{t('seg.value')}</th>
                <th className="num">{t('seg.gri')}</th>
                <th>{t('seg.level')}</th>
                <th>{t('gop.flags')}</th>
                <th>{t('gop.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.operator_id}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => navigate(`/operators/${encodeURIComponent(r.operator_id)}`)}
                    >
                      {r.operator_id}
                    </button>
                  </td>
                  <td>{r.name ?? ''}</td>
                  <td>{r.office ?? ''}</td>
                  <td>{t(`size.${r.size_segment}`)}</td>
                  <td className="num">{fmtMoney(r.total_value)}</td>
                  <td className="num">{fmtNum(r.gri, 3)}</td>
                  <td className={levelClass(r.risk_level)}>{t(`level.${r.risk_level}`)}</td>
                  <td className="small">{r.flags.join(', ')}</td>
                  <td className="small">{r.main_reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              {t('gop.previous')}
            </button>
            <span className="small">
              {d.total === 0 ? 0 : offset + 1}–{offset + d.rows.length} / {fmtInt(d.total)}
            </span>
            <button type="button" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)}>
              {t('gop.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
