// A job's state in words and a progress bar: phase, percent of the phase, rows done; or its outcome.
import { useTranslation } from 'react-i18next';
import { fmtInt } from '../format.ts';
import { isActive, type JobView } from './jobs.ts';

export const kindLabel = (t: (k: string) => string, kind: string) => t(`jobs.kind.${kind.replace(/-/g, '_')}`);

/** What a phase is called (a phase without a translation shows as it is). */
export function phaseLabel(t: (k: string, o?: Record<string, unknown>) => string, phase: string | null): string {
  return phase ? t(`jobs.phase.${phase}`, { defaultValue: phase }) : t('jobs.status.queued');
}

/** The failure as the user reads it: a cut-off or cancel in their language, else the CLI's message. */
export function failure(t: (k: string) => string, j: JobView): string {
  if (j.errorCode === 'interrupted') return t('jobs.interrupted');
  if (j.errorCode === 'cancelled') return `${t('jobs.status.cancelled')} (${j.error ?? ''})`;
  return j.error ?? '';
}

export function JobProgress({ job }: { job: JobView }) {
  const { t } = useTranslation();
  if (!isActive(job)) {
    if (job.status === 'succeeded') return <span className="ok-text">{t('jobs.status.succeeded')}</span>;
    return (
      <span className="level-high" role="alert">
        {failure(t, job)}
      </span>
    );
  }
  const pct = job.percent ?? 0;
  return (
    <span className="job-progress" data-testid="job-progress">
      <span>
        {job.status === 'queued'
          ? t('jobs.status.queued')
          : job.phase
            ? phaseLabel(t, job.phase)
            : t('jobs.status.running')}
      </span>{' '}
      <progress max={100} value={job.status === 'queued' ? undefined : pct} aria-label={t('jobs.progress')} />{' '}
      {job.status === 'running' && <span className="small">{Math.floor(pct)} %</span>}
      {job.rows !== null && job.rows > 0 && (
        <span className="small muted"> · {t('jobs.rows', { rows: fmtInt(job.rows) })}</span>
      )}
    </span>
  );
}
