// A button that starts an export as a job of the server, shows its progress, and hands over the file when it is
// written (the browser's download starts by itself; the link stays for a second copy and on the Jobs page).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { JobProgress } from './JobProgress.tsx';
import { isActive, startJob, useJob } from './jobs.ts';
import type { JobRequest } from '../../../src/server/routes/jobs.ts';

export function JobDownload({
  request,
  testId,
  children,
}: {
  request: JobRequest;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [id, setId] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const job = useJob(id);
  const link = useRef<HTMLAnchorElement>(null);
  const ready = job?.status === 'succeeded' && job.fileName ? job.id : null;
  useEffect(() => {
    if (ready !== null) link.current?.click();
  }, [ready]);
  const start = () => {
    setError(undefined);
    startJob(request).then(
      (j) => setId(j.id),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <span className="job-download" data-testid={`${testId}-job`} data-status={job?.status}>
      <button type="button" disabled={!!job && isActive(job)} onClick={start} data-testid={testId}>
        {children}
      </button>{' '}
      {job && job.status !== 'succeeded' && <JobProgress job={job} />}
      {ready !== null && (
        <a ref={link} href={`/api/jobs/${ready}/download`} download className="small">
          {t('jobs.download', { name: job!.fileName })}
        </a>
      )}
      {error && (
        <span className="level-high small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
