// Small helpers shared by the committee's page and its panels.
import type { FormEvent } from 'react';

export const val = (f: FormData, k: string) => String(f.get(k) ?? '');
export const ids = (f: FormData, k: string) => f.getAll(k).map(String);

/** A form handler: runs the request, resets the form and refreshes on success, reports the refusal otherwise. */
export const submitWith =
  (fn: (f: FormData) => Promise<unknown>, done: () => void, fail: (e: Error) => void) =>
  async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    await fn(new FormData(form)).then(() => {
      form.reset();
      done();
    }, fail);
  };
