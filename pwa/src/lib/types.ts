/** Wire shapes the REST API returns that are not in schema/ (the live protocol is). */
import type { Incident, IncidentAlert, TimelineEntry } from '../../../schema/incident';

export type { Incident, IncidentStatus, Severity, TimelineEntry } from '../../../schema/incident';
export type { ProblemBody, ServerMessage, ClientMessage, Viewer } from '../../../schema/protocol';

export type Role = 'admin' | 'responder' | 'viewer';

export interface User {
  id: string;
  name: string;
  role: Role;
}

/** One row of GET /api/incidents. */
export type IncidentSummary = Pick<
  Incident,
  | 'id'
  | 'number'
  | 'title'
  | 'serviceId'
  | 'severity'
  | 'status'
  | 'assignees'
  | 'alertCount'
  | 'createdAt'
  | 'acknowledgedAt'
  | 'resolvedAt'
  | 'updatedAt'
> & { nobodyPaged: boolean };

export interface IncidentPage {
  incidents: IncidentSummary[];
  nextCursor: string | null;
}

export type { IncidentAlert };

export interface IncidentDetail {
  incident: Incident;
  timeline: TimelineEntry[];
  /** The alerts grouped into the incident, newest first (absent from older cached copies). */
  alerts?: IncidentAlert[];
}

/** One of my devices registered for pages (GET /api/push/subscriptions). */
export interface PushDevice {
  id: string;
  label: string;
  endpoint: string;
  createdAt: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
}

/** A personal API token, never its secret (GET /api/tokens). */
export interface ApiToken {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
