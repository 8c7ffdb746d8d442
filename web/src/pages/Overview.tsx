import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { useApi } from '../components/useApi.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { fmtDate, fmtInt, fmtMoney } from '../format.ts';
import type { OutcomeReport } from '../../../src/ingest/outcomes.ts';

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
  const d = data?.declarations;
  return (
    <section>
      <h1>{t('overview.title')}</h1>
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {d && (
        <>
          <div className="tiles">
            <Tile label={t('overview.lines')} value={fmtInt(d.lines)} />
            <Tile label={t('overview.operators')} value={fmtInt(d.operators)} />
            <Tile label={t('overview.hsCodes')} value={fmtInt(d.hsCodes)} />
            <Tile label={t('overview.value')} value={fmtMoney(d.totalValue)} />
            <Tile
              label={t('overview.period')}
              value={d.firstDate ? `${fmtDate(d.firstDate)} – ${fmtDate(d.lastDate)}` : '—'}
            />
            <Tile label={t('overview.imports')} value={fmtInt(data.imports)} />
          </div>
          {d.lines === 0 && <p className="muted">{t('overview.empty')}</p>}
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

export function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="tile-value">{value}</div>
      <div className="tile-label">{label}</div>
    </div>
  );
}
