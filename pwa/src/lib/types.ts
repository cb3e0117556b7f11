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

export interface IncidentDetail {
  incident: Incident;
  timeline: TimelineEntry[];
  /** Sent by the server today, not yet in the written contract; unused until the alerts panel exists. */
  alerts?: IncidentAlert[];
}
