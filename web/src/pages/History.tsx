import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { useApi } from '../components/useApi.ts';
import { ErrorBox } from '../components/Status.tsx';
import { fmtDateTime, fmtInt } from '../format.ts';
import type { HistoryEntry } from '../../../src/history/history.ts';

/** The API returns the shared history entries (src/history/history.ts). */
type Entry = Omit<HistoryEntry, 'prev_hash'>;

export function HistoryPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState({ entity_type: '', actor: '', action: '', since: '' });
  const [applied, setApplied] = useState(filter);
  const { data, error } = useApi(
    () => get<Entry[]>('/api/history', { ...applied, limit: 500 }),
    [JSON.stringify(applied)],
  );
  const verify = useApi(
    () => get<{ ok: boolean; entries: number; problems: { seq: number; problem: string }[] }>('/api/history/verify'),
    [],
  );
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section>
      <h1>{t('history.title')}</h1>
      {verify.data && (
        <p className={verify.data.ok ? 'ok' : 'error'} data-testid="history-verify">
          {verify.data.ok
            ? t('history.intact', { n: fmtInt(verify.data.entries) })
            : t('history.tampered', { n: verify.data.problems.length })}
        </p>
      )}
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter);
        }}
      >
        {(['entity_type', 'actor', 'action'] as const).map((k) => (
          <label key={k}>
            {t(`history.${k}`)}
            <input value={filter[k]} onChange={(e) => setFilter({ ...filter, [k]: e.target.value })} />
          </label>
        ))}
        <label>
          {t('history.since')}
          <input type="date" value={filter.since} onChange={(e) => setFilter({ ...filter, since: e.target.value })} />
        </label>
        <button type="submit">{t('history.apply')}</button>
      </form>
      <ErrorBox error={error} />
      <table>
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t('history.when')}</th>
            <th>{t('history.actor')}</th>
            <th>{t('history.action')}</th>
            <th>{t('history.entity_type')}</th>
            <th>{t('history.entity')}</th>
            <th>{t('history.unit')}</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((e) => (
            <Fragment key={e.seq}>
              <tr className="clickable" onClick={() => setOpen(open === e.seq ? null : e.seq)}>
                <td className="num">{e.seq}</td>
                <td>{fmtDateTime(e.changed_at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{t(`history.entities.${e.entity_type}`, { defaultValue: e.entity_type })}</td>
                <td>{e.entity_id}</td>
                <td>{e.org_unit}</td>
              </tr>
              {open === e.seq && (
                <tr className="detail">
                  <td colSpan={7}>
                    <div className="diff">
                      <div>
                        <b>{t('history.before')}</b>
                        <pre>{pretty(e.before_json)}</pre>
                      </div>
                      <div>
                        <b>{t('history.after')}</b>
                        <pre>{pretty(e.after_json)}</pre>
                      </div>
                    </div>
                    <div className="muted small">sha256 {e.hash}</div>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
          {data && data.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                {t('table.noRows')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function pretty(json: string | null): string {
  if (!json) return '—';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
