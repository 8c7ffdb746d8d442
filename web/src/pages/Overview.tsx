import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { useApi } from '../components/useApi.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { fmtDate, fmtInt, fmtMoney } from '../format.ts';
import type { OutcomeReport } from '../../../src/ingest/outcomes.ts';
import { can, useMe } from '../session.tsx';
import { Dashboard, Tile } from './overview/Dashboard.tsx';
import type { Table1 } from './Segmentation.tsx';

interface Overview {
  schema: { count: number; latest: string | null };
  tables: { table: string; rows: number }[];
  declarations: {
    lines: number;
    operators: number;
    hsCodes: number;
    firstDate: string | null;
    lastDate: string | null;
    totalValue: number;
  };
  imports: number;
  outcomes: OutcomeReport;
}

export function OverviewPage() {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => get<Overview>('/api/overview'), []);
  const me = useMe();
  const segments = can(me, 'segments.read');
  const t1 = useApi(() => (segments ? get<Table1>('/api/segmentation/table1') : Promise.resolve(null)), [segments]);
  const d = data?.declarations;
  const register = data?.tables.find((x) => x.table === 'operators')?.rows;
  const scored = t1.data?.rows.find((r) => r.size === 'total')?.operators;
  return (
    <section>
      <h1>{t('overview.title')}</h1>
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {d && (
        <>
          <div className="tiles">
            <Tile label={t('overview.lines')} value={fmtInt(d.lines)} />
            <Tile label={t('overview.operatorsWithLines')} value={fmtInt(d.operators)} />
            <Tile label={t('overview.hsCodes')} value={fmtInt(d.hsCodes)} />
            <Tile label={t('overview.value')} value={fmtMoney(d.totalValue)} />
            <Tile
              label={t('overview.period')}
              value={d.firstDate ? `${fmtDate(d.firstDate)} – ${fmtDate(d.lastDate)}` : '—'}
            />
            <Tile label={t('overview.imports')} value={fmtInt(data.imports)} />
          </div>
          {d.lines === 0 && <p className="muted">{t('overview.empty')}</p>}
          {d.lines > 0 && register !== undefined && (
            <p className="small" data-testid="operator-counts">
              {scored !== undefined && t1.data
                ? t('overview.counts', {
                    register: fmtInt(register),
                    withLines: fmtInt(d.operators),
                    scored: fmtInt(scored),
                    first: fmtDate(d.firstDate),
                    last: fmtDate(d.lastDate),
                    start: fmtDate(t1.data.window.first),
                    end: fmtDate(t1.data.window.end),
                  })
                : t('overview.countsUnscored', { register: fmtInt(register), withLines: fmtInt(d.operators) })}
            </p>
          )}
          {d.lines > 0 && <Dashboard />}
          {d.lines > 0 && (
            <div data-testid="outcomes">
              <h2>{t('overview.outcomes')}</h2>
              {data.outcomes.statements.map((m, i) => (
                <p key={m.key} className={i === 0 ? undefined : 'error small'} role={i === 0 ? undefined : 'alert'}>
                  {m.text}
                </p>
              ))}
            </div>
          )}
          <h2>{t('overview.tables')}</h2>
          <table className="compact">
            <thead>
              <tr>
                <th>{t('overview.table')}</th>
                <th className="num">{t('overview.rows')}</th>
              </tr>
            </thead>
            <tbody>
              {data.tables.map((r) => (
                <tr key={r.table}>
                  <td>{t(`tables.${r.table}`)}</td>
                  <td className="num">{fmtInt(r.rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            {t('overview.schema', { latest: data.schema.latest, count: data.schema.count })}
          </p>
        </>
      )}
    </section>
  );
}
