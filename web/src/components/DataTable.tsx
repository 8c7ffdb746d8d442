// A table whose sorting, filtering and paging happen on the server: it sends sort, dir, q, offset, limit.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Query } from '../api.ts';
import { fmtInt } from '../format.ts';
import { useApi } from './useApi.ts';
import { ErrorBox } from './Status.tsx';

export interface Column<R> {
  key: string;
  label: string;
  sortable?: boolean;
  numeric?: boolean;
  render?: (row: R) => ReactNode;
}

export interface Page<R> {
  rows: R[];
  total: number;
}

export function DataTable<R>({
  columns,
  fetch,
  initialSort,
  pageSize = 25,
  filterPlaceholder,
  deps = [],
  testId,
}: {
  columns: Column<R>[];
  fetch: (q: Query) => Promise<Page<R>>;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  pageSize?: number;
  filterPlaceholder?: string;
  deps?: unknown[];
  testId?: string;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState(initialSort);
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useApi(
    () => fetch({ sort: sort?.key, dir: sort?.dir, q, offset, limit: pageSize }),
    [sort?.key, sort?.dir, q, offset, pageSize, ...deps],
  );
  const total = data?.total ?? 0;
  return (
    <div className="datatable" data-testid={testId}>
      {filterPlaceholder !== undefined && (
        <input
          className="filter"
          type="search"
          placeholder={filterPlaceholder}
          aria-label={filterPlaceholder || t('table.filter')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setOffset(0);
          }}
        />
      )}
      <ErrorBox error={error} />
      <table className={loading ? 'loading' : ''}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                className={(c.numeric ? 'num ' : '') + (c.sortable ? 'sortable' : '')}
                aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sortable ? (
                  // A button, so that sorting works with the keyboard (Tab, then Enter or Space).
                  <button
                    type="button"
                    onClick={() => {
                      setSort((s) => ({ key: c.key, dir: s?.key === c.key && s.dir === 'desc' ? 'asc' : 'desc' }));
                      setOffset(0);
                    }}
                  >
                    {c.label}
                    <span aria-hidden="true">{sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(data?.rows ?? []).map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : ''}>
                  {c.render ? c.render(r) : String((r as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
          {data && data.rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {t('table.noRows')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
          {t('table.previous')}
        </button>
        <span>
          {t('table.range', {
            from: fmtInt(total === 0 ? 0 : offset + 1),
            to: fmtInt(Math.min(total, offset + pageSize)),
            total: fmtInt(total),
          })}
        </span>
        <button type="button" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
          {t('table.next')}
        </button>
      </div>
    </div>
  );
}
