/** Post-incident reviews over HTTP. A save carries the version it was based on; a stale one is a 409 with `current`. */
import { ApiError, get, post, put } from './api';
import type { Review, ReviewEditInput } from './types';

const path = (id: string) => `/api/incidents/${encodeURIComponent(id)}/review`;

export const getReview = (id: string, signal?: AbortSignal) => get<Review>(path(id), { signal });
/** Start the review pre-filled from the incident (or get the one that exists, its facts refreshed). */
export const startReview = (id: string) => post<Review>(path(id), {});
export const saveReview = (id: string, edit: ReviewEditInput) => put<Review>(path(id), edit);
/** Where the exports live: a Markdown document for a wiki, and the JSON. */
export const exportUrl = (id: string, format: 'md' | 'json') => `${path(id)}.${format}`;

/** A 409's current review: someone else saved first. */
export function conflictingReview(err: unknown): Review | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const current = err.extensions.current as Review | undefined;
  return current && typeof current.version === 'number' ? current : null;
}

/** Whether a 404 says a review is suggested (a resolved critical or error incident without one). */
export const isSuggested = (err: unknown) =>
  err instanceof ApiError && err.status === 404 && err.extensions.suggested === true;
