// Jobs: imports, GRI runs, backtests, exports and long CLI commands the server runs in the background, live
// (server-sent events): phase, progress, rows done; cancel, download, the result or the failure message.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api.ts';
import { ErrorBox } from '../components/Status.tsx';
import { JobProgress, kindLabel } from '../components/JobProgress.tsx';
import { isActive, startJob, useJobEvents, type JobView } from '../components/jobs.ts';
import type { JobRequest } from '../../../src/server/routes/jobs.ts';
import { fmtDateTime, fmtInt, fmtNum } from '../format.ts';
import { navigate } from '../router.ts';
import { can, useMe } from '../session.tsx';

function Outcome({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const r = job.result;
  if (!r) return null;
  switch (r.type) {
    case 'import':
      return (
        <span className="small">
          {r.alreadyImportedAs !== null
            ? t('jobs.result.already', { id: r.alreadyImportedAs })
            : t('jobs.result.import', {
                read: fmtInt(r.summary.read),
                imported: fmtInt(r.summary.imported),
                rejected: fmtInt(r.summary.rejected),
                duplicates: fmtInt(r.summary.duplicates),
              })}
        </span>
      );
    case 'gri':
      return (
        <span className="small">
          {t('jobs.result.gri', { operators: fmtInt(r.operators), high: fmtInt(r.high), medium: fmtInt(r.medium) })}
        </span>
      );
    case 'backtest':
      return (
        <a
          href={`/backtest?job=${job.id}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/backtest?job=${job.id}`);
          }}
        >
          {t('jobs.result.backtest', { lines: fmtInt(r.testLines), auc: r.auc === null ? '–' : fmtNum(r.auc, 3) })}
        </a>
      );
    case 'file':
      return (
        <a href={`/api/jobs/${job.id}/download`} download data-testid={`job-download-${job.id}`}>
          {t('jobs.download', { name: r.name })}
        </a>
      );
    case 'cli':
      return null;
  }
}

/** Work that can be started from here (each kind by the users whose role gives its permission). */
const STARTERS: { label: string; permission: string; req: JobRequest }[] = [
  { label: 'jobs.start.gri', permission: 'gri.write', req: { kind: 'gri', params: { risk: 'general' } } },
  { label: 'jobs.start.xlsx', permission: 'exports.read', req: { kind: 'plan-export', params: { format: 'xlsx' } } },
  { label: 'jobs.start.docx', permission: 'exports.read', req: { kind: 'plan-export', params: { format: 'docx' } } },
  { label: 'jobs.start.pca', permission: 'taxpayer.read', req: { kind: 'pca', params: { capacity: 100 } } },
  {
    label: 'jobs.start.selectivity',
    permission: 'taxpayer.read',
    req: { kind: 'selectivity', params: { level: 'operator' } },
  },
];

function StartBar({ onStarted, onError }: { onStarted: (j: JobView) => void; onError: (e: string) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = STARTERS.filter((s) => can(me, s.permission));
  if (allowed.length === 0) return null;
  return (
    <div className="filters" data-testid="job-starters">
      {allowed.map((s) => (
        <button
          key={s.label}
          type="button"
          className="secondary"
          onClick={() => startJob(s.req).then(onStarted, (e: Error) => onError(e.message))}
        >
          {t(s.label)}
        </button>
      ))}
    </div>
  );
}

export function JobsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    get<JobView[]>('/api/jobs', { limit: 200 }).then(setJobs, (e: Error) => setError(e.message));
  }, []);
  const onJob = useCallback((j: JobView) => {
    setJobs((list) => {
      const i = list.findIndex((x) => x.id === j.id);
      if (i < 0) return [j, ...list].sort((a, b) => b.id - a.id);
      const next = [...list];
      // Events carry no result for kinds the user may not read; keep what the list said.
      next[i] = { ...j, result: j.result ?? next[i].result, fileName: j.fileName ?? next[i].fileName };
      return next;
    });
  }, []);
  useJobEvents(onJob);
  const cancel = async (j: JobView) => {
    try {
      onJob(await post<JobView>(`/api/jobs/${j.id}/cancel`));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <section>
      <h1>{t('jobs.title')}</h1>
      <p className="muted small">{t('jobs.intro')}</p>
      <ErrorBox error={error} />
      <StartBar onStarted={onJob} onError={setError} />
      <table data-testid="jobs">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('jobs.what')}</th>
            <th>{t('jobs.by')}</th>
            <th>{t('jobs.started')}</th>
            <th>{t('jobs.state')}</th>
            <th>{t('jobs.outcome')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-testid={`job-${j.id}`} data-status={j.status}>
              <td>{j.id}</td>
              <td>
                <b>{kindLabel(t, j.kind)}</b> <span className="small">{j.title}</span>
              </td>
              <td>{j.createdBy}</td>
              <td className="small">{fmtDateTime(j.startedAt ?? j.createdAt)}</td>
              <td>
                <JobProgress job={j} />
              </td>
              <td>
                <Outcome job={j} />
              </td>
              <td className="actions">
                {isActive(j) && (j.createdBy === me.username || can(me, 'users.manage')) && (
                  <button type="button" className="secondary" onClick={() => void cancel(j)}>
                    {t('app.cancel')}
                  </button>
                )}
              </td>
            </tr>
          ))}
          {jobs.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                {t('jobs.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
