// Sensitive HS codes: Table 5 (size × level with TINs and GRIs) and links through shared brokers and suppliers.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtInt, fmtMoney, fmtNum } from '../format.ts';
import { navigate, useLocation } from '../router.ts';
import { Annex3 } from '../components/Annex3.tsx';
import { lbl, type Scales } from '../components/labels.ts';
import { can, useMe } from '../session.tsx';
import type { HsLinks as Links, Table5 } from '../../../src/server/routes/segmentation.ts';

export function HsPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const risk = useRisk();
  const code = search.get('code') ?? '';
  const [input, setInput] = useState(code);
  const me = useMe();
  const compliance = search.get('compliance') ?? 'valuation';
  const scales = useApi(() => get<Scales>('/api/plan/scales'), []);
  const pick = (hs: string) => {
    const s = new URLSearchParams(search);
    s.set('code', hs);
    setInput(hs);
    navigate(`/hs?${s}`);
  };
  const t5 = useApi(
    () =>
      code ? get<Table5>(`/api/segmentation/hs/${encodeURIComponent(code)}`, { risk }) : Promise.resolve(undefined),
    [code, risk],
  );
  const links = useApi(
    () =>
      code
        ? get<Links>(`/api/segmentation/hs/${encodeURIComponent(code)}/links`, { risk })
        : Promise.resolve(undefined),
    [code, risk],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = new URLSearchParams(search);
    s.set('code', input.trim());
    navigate(`/hs?${s}`);
  };
  const op = (tin: string) => (
    <a
      key={tin}
      href={`/operators/${tin}`}
      onClick={(e) => {
        e.preventDefault();
        navigate(`/operators/${encodeURIComponent(tin)}`);
      }}
    >
      {tin}
    </a>
  );
  return (
    <section>
      <div className="row spread">
        <h1>{t('hs.title')}</h1>
        <RiskPicker />
      </div>
      {can(me, 'plan.read') && (
        <>
          <label className="inline">
            {t('hs.complianceRisk')}{' '}
            <select
              value={compliance}
              onChange={(e) => {
                const s = new URLSearchParams(search);
                s.set('compliance', e.target.value);
                navigate(`/hs?${s}`);
              }}
            >
              {(scales.data?.compliance_risks ?? []).map((c) => (
                <option key={c.code} value={c.code}>
                  {lbl(c.labels)}
                </option>
              ))}
            </select>
          </label>
          <Annex3 risk={compliance} onPick={pick} />
        </>
      )}
      <form className="filters" onSubmit={submit} style={{ marginTop: 16 }}>
        <label>
          {t('hs.code')}
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="8471.30" data-testid="hs-code" />
        </label>
        <button type="submit">{t('hs.show')}</button>
      </form>
      <ErrorBox error={t5.error} />
      <Loading show={!!code && t5.loading} />
      {t5.data && (
        <>
          <h2>{t('hs.table5', { code: t5.data.hsCode, n: fmtInt(t5.data.importers) })}</h2>
          <table data-testid="table5">
            <thead>
              <tr>
                <th>{t('seg.size')}</th>
                <th>{t('seg.level')}</th>
                <th className="num">{t('hs.importers')}</th>
                <th>{t('hs.tins')}</th>
              </tr>
            </thead>
            <tbody>
              {t5.data.cells
                .filter((c) => c.importers > 0)
                .map((c) => (
                  <tr key={`${c.size}-${c.level}`}>
                    <td>{t(`size.${c.size}`)}</td>
                    <td className={`level-${c.level}`}>{t(`level.${c.level}`)}</td>
                    <td className="num">{fmtInt(c.importers)}</td>
                    <td className="small">
                      {c.operators.map((o, i) => (
                        <span key={o.tin}>
                          {i > 0 ? ', ' : ''}
                          {op(o.tin)} ({fmtNum(o.gri, 2)})
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
      {links.data && (
        <div className="grid2">
          {(['brokers', 'suppliers'] as const).map((k) => (
            <div key={k} className="card">
              <h3>{t(`hs.${k}`)}</h3>
              <table className="compact">
                <thead>
                  <tr>
                    <th>{t('hs.id')}</th>
                    <th className="num">{t('seg.operatorsN')}</th>
                    <th className="num">{t('hs.highRisk')}</th>
                    <th className="num">{t('seg.value')}</th>
                    <th>{t('hs.members')}</th>
                  </tr>
                </thead>
                <tbody>
                  {links.data![k].map((h) => (
                    <tr key={h.id}>
                      <td>{h.id}</td>
                      <td className="num">{fmtInt(h.operators)}</td>
                      <td className="num level-high">{fmtInt(h.highRiskOperators)}</td>
                      <td className="num">{fmtMoney(h.value)}</td>
                      <td className="small">
                        {h.members.map((m, i) => (
                          <span key={m.tin}>
                            {i > 0 ? ', ' : ''}
                            {op(m.tin)}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                  {links.data![k].length === 0 && (
                    <tr>
                      <td colSpan={5} className="empty">
                        {t('table.noRows')}
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
