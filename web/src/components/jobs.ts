// Following the server's jobs: one EventSource for the whole app (GET /api/jobs/events), hooks for a page.
import { useEffect, useState } from 'react';
import { get, post } from '../api.ts';
import type { JobView } from '../../../src/jobs/view.ts';
import type { JobRequest } from '../../../src/server/routes/jobs.ts';

export type { JobView };

const listeners = new Set<(j: JobView) => void>();
let source: EventSource | null = null;

function connect(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/jobs/events');
  source.addEventListener('job', (e) => {
    const job = JSON.parse((e as MessageEvent<string>).data) as JobView;
    for (const l of listeners) l(job);
  });
}

/** Calls fn with every job change while the component is mounted. */
export function useJobEvents(fn: (j: JobView) => void): void {
  useEffect(() => {
    connect();
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, [fn]);
}

const STAGE: Record<JobView['status'], number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

export const isActive = (j: JobView) => j.status === 'queued' || j.status === 'running';

export function startJob(req: JobRequest): Promise<JobView> {
  return post<JobView>('/api/jobs', req);
}

/** One job, live: its state as it changes, from the moment `id` is set. */
export function useJob(id: number | null): JobView | undefined {
  const [job, setJob] = useState<JobView>();
  useEffect(() => {
    setJob(undefined);
    if (id === null) return;
    let live = true;
    // An answer may arrive after a newer event (a poll sent before the job started): a job never goes back.
    const apply = (j: JobView) => {
      if (live && j.id === id) setJob((old) => (old && STAGE[old.status] > STAGE[j.status] ? old : j));
    };
    connect();
    listeners.add(apply);
    // The state now (events only say what changes from here on), and again a moment later in case of a gap.
    const load = () => get<JobView>(`/api/jobs/${id}`).then(apply, () => undefined);
    void load();
    const timer = setInterval(load, 3000);
    return () => {
      live = false;
      listeners.delete(apply);
      clearInterval(timer);
    };
  }, [id]);
  return job;
}
