// Data held: imports with their counts, and the data-quality report (file, row, column, what was expected).
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { ErrorBox } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDateTime, fmtInt } from '../format.ts';
import type { ImportRow, QualityAnswer } from '../../../src/server/routes/data.ts';

export function DataPage() {
  const { t } = useTranslation();
  const imports = useApi(() => get<ImportRow[]>('/api/data/imports'), []);
  const quality = useApi(() => get<QualityAnswer>('/api/data/quality'), []);
  const q = quality.data;
  return (
    <section>
      <h1>{t('data.title')}</h1>
      <ErrorBox error={imports.error ?? quality.error} />
      <h2>{t('data.imports')}</h2>
      <table data-testid="imports">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('data.kind')}</th>
            <th>{t('data.file')}</th>
            <th>{t('data.by')}</th>
            <th>{t('data.when')}</th>
            <th className="num">{t('data.read')}</th>
            <th className="num">{t('data.imported')}</th>
            <th className="num">{t('data.rejected')}</th>
            <th className="num">{t('data.duplicates')}</th>
          </tr>
        </thead>
        <tbody>
          {(imports.data ?? []).map((i) => (
            <tr key={i.import_id}>
              <td>{i.import_id}</td>
              <td>{i.kind}</td>
              <td>{i.file_name}</td>
              <td>{i.imported_by}</td>
              <td>{fmtDateTime(i.finished_at)}</td>
              <td className="num">{fmtInt(i.rows_read)}</td>
              <td className="num">{fmtInt(i.rows_imported)}</td>
              <td className={`num ${i.rows_rejected ? 'level-high' : ''}`}>{fmtInt(i.rows_rejected)}</td>
              <td className="num">{fmtInt(i.rows_duplicate)}</td>
            </tr>
          ))}
          {imports.data?.length === 0 && (
            <tr>
              <td colSpan={9} className="empty">
                {t('data.noImports')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>{t('data.quality')}</h2>
      {q && (
        <>
          <p className="small">
            {t('data.totals', {
              rejected: fmtInt(q.totals.rejectedRows),
              outliers: fmtInt(q.totals.outlierLines),
              missing: fmtInt(q.totals.missingOperators),
            })}
          </p>
          {q.outcomes.statements.map((m, i) => (
            <p key={m.key} className={i === 0 ? 'small' : 'error small'} data-testid="data-outcomes">
              {m.text}
            </p>
          ))}
          {[...q.errors, ...q.warnings].length === 0 && <p className="ok">{t('data.clean')}</p>}
          {[...q.errors, ...q.warnings].map((i, n) => (
            <details key={n} className="card issue">
              <summary>
                <span className={i.severity === 'error' ? 'level-high' : 'level-medium'}>
                  {t(`data.${i.severity}`)}
                </span>{' '}
                <b>{i.code}</b> {i.file ?? ''}
                {i.column ? ` · ${i.column}` : ''} — {fmtInt(i.count)}
              </summary>
              <table className="compact">
                <thead>
                  <tr>
                    <th>{t('data.file')}</th>
                    <th className="num">{t('data.row')}</th>
                    <th>{t('data.column')}</th>
                    <th>{t('data.value')}</th>
                    <th>{t('data.problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {i.examples.map((e, k) => (
                    <tr key={k}>
                      <td>{e.file}</td>
                      <td className="num">{fmtInt(e.row)}</td>
                      <td>{e.column}</td>
                      <td>{e.value}</td>
                      <td>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {i.values && i.values.length > 0 && (
                <p className="small">
                  {t('data.valuesSeen', {
                    values: i.values.map((v) => `${v.value ?? '∅'} (${fmtInt(v.rows)})`).join(', '),
                  })}
                </p>
              )}
            </details>
          ))}
        </>
      )}
    </section>
  );
}
