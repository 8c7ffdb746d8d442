// The unobtrusive notification in the top bar: how many jobs are under way, and a short note when one ends.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { navigate } from '../router.ts';
import { failure, kindLabel } from './JobProgress.tsx';
import { isActive, useJobEvents, type JobView } from './jobs.ts';

export function JobsNotice() {
  const { t } = useTranslation();
  const [active, setActive] = useState<Map<number, JobView>>(new Map());
  const [ended, setEnded] = useState<JobView | null>(null);
  useEffect(() => {
    get<JobView[]>('/api/jobs', { limit: 50 }).then(
      (list) => setActive(new Map(list.filter(isActive).map((j) => [j.id, j]))),
      () => undefined,
    );
  }, []);
  const onJob = useCallback((j: JobView) => {
    setActive((m) => {
      const next = new Map(m);
      if (isActive(j)) next.set(j.id, j);
      else next.delete(j.id);
      return next;
    });
    if (!isActive(j)) setEnded(j);
  }, []);
  useJobEvents(onJob);
  useEffect(() => {
    if (!ended) return;
    const timer = setTimeout(() => setEnded(null), 10_000);
    return () => clearTimeout(timer);
  }, [ended]);
  const go = (e: React.MouseEvent) => {
    e.preventDefault();
    navigate('/jobs');
  };
  return (
    <span className="jobs-notice" role="status" aria-live="polite" data-testid="jobs-notice">
      {active.size > 0 && (
        <a href="/jobs" onClick={go} className="badge">
          {t('jobs.running', { count: active.size })}
        </a>
      )}
      {ended && (
        <a href="/jobs" onClick={go} className={ended.status === 'succeeded' ? 'badge ok-badge' : 'badge fail-badge'}>
          {ended.status === 'succeeded'
            ? t('jobs.ended', { kind: kindLabel(t, ended.kind), title: ended.title })
            : t('jobs.endedBadly', { kind: kindLabel(t, ended.kind), error: failure(t, ended) })}
        </a>
      )}
    </span>
  );
}
