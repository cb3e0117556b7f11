/**
 * Runbooks (docs/runbooks.md): a service's runbooks and default (Admin), an incident's attached runbook, and
 * ticking its steps. Types only from schema/ (zod stays out of the PWA).
 */
import type { IncidentRunbook, Runbook, RunbookInput } from '../../../schema/runbook-schemas';
import { del, get, post, put, type RequestOptions } from './api';

export type { IncidentRunbook, Runbook, RunbookInput };

const base = (serviceId: string) => `/api/services/${encodeURIComponent(serviceId)}`;

export const listRunbooks = (serviceId: string, opts?: RequestOptions) =>
  get<{ runbooks: Runbook[]; defaultRunbookId: string | null }>(
    `${base(serviceId)}/runbooks`,
    opts,
  );

/** 400 carries `errors` [{path, message}], e.g. `steps.0.link`. */
export const createRunbook = (serviceId: string, body: RunbookInput) =>
  post<Runbook>(`${base(serviceId)}/runbooks`, body);

export const saveRunbook = (serviceId: string, id: string, body: RunbookInput) =>
  put<Runbook>(`${base(serviceId)}/runbooks/${encodeURIComponent(id)}`, body);

export const deleteRunbook = (serviceId: string, id: string) =>
  del(`${base(serviceId)}/runbooks/${encodeURIComponent(id)}`);

export const setDefaultRunbook = (serviceId: string, runbookId: string | null) =>
  put<{ runbookId: string | null }>(`${base(serviceId)}/default-runbook`, { runbookId });

export const getIncidentRunbook = (incidentId: string, opts?: RequestOptions) =>
  get<{ runbook: IncidentRunbook | null }>(
    `/api/incidents/${encodeURIComponent(incidentId)}/runbook`,
    opts,
  );

/** Tick (done) or untick step `step` (from 1); the timeline entry comes back over the live room. */
export const tickStep = (incidentId: string, step: number, done: boolean) =>
  post<unknown>(`/api/incidents/${encodeURIComponent(incidentId)}/runbook-steps`, { step, done });
