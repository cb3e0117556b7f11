/**
 * The incident as it travels over the wire, shared by worker and PWA.
 * Types and small pure helpers only, so the PWA can import them without pulling in a validator.
 */
import { LIMITS, type Severity } from './alert';

/** A title typed by hand may be as long as one taken from an alert, so an ingested title can always be edited. */
export const TITLE_MAX_CHARS = LIMITS.summary;

export type { Severity } from './alert';

export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const TIMELINE_KINDS = [
  'created',
  'alert_added',
  'alert_resolved',
  'duplicate_suppressed',
  /** The incident reached its alert cap (LIMITS.alertsPerIncident): later new alerts are counted, not listed. */
  'alerts_truncated',
  'acknowledged',
  'resolved',
  'reopened',
  'reassigned',
  'role_assigned',
  'role_unassigned',
  'severity_changed',
  'title_changed',
  'note',
  'status_update',
  'escalated',
  'escalation_skipped',
  'nobody_paged',
  'notification_sent',
  'notification_failed',
  'notification_delivered',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Who did something: a person, a monitor integration, or Firebell itself. */
export interface Actor {
  kind: 'user' | 'integration' | 'system';
  id: string;
  name: string;
}

export interface TimelineEntry {
  seq: number;
  kind: TimelineKind;
  at: number;
  actor: Actor;
  /** Human-readable line, as a responder would say it. */
  text: string;
  data?: Record<string, unknown>;
}

export interface IncidentAlert {
  key: string;
  status: 'firing' | 'resolved';
  /** Who ended a resolved alert: its monitor, or a person resolving the whole incident (the monitor may still be firing). */
  resolvedBy?: 'monitor' | 'incident';
  summary: string;
  severity: Severity;
  source?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  links: { href: string; text?: string }[];
  details?: Record<string, unknown>;
  /** Notifications for this alert, the first included; repeats only count, the first body is kept. */
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  description: string;
  serviceId: string | null;
  severity: Severity;
  status: IncidentStatus;
  assignees: string[];
  /** role name → user id; every configured role is present, unfilled ones are null. */
  roles: Record<string, string | null>;
  dedupKey: string | null;
  /**
   * Distinct alerts (by fingerprint / dedup key), those past LIMITS.alertsPerIncident included: a repeat or a
   * sender's retry of one alert never adds to it.
   */
  alertCount: number;
  /** Of those, how many are firing now. */
  firingCount: number;
  /** Trigger notifications received, repeats, retries and alerts past the cap included. */
  notificationCount: number;
  /** Alerts not listed: left out of the sender's latest notification, plus distinct alerts past LIMITS.alertsPerIncident. */
  truncatedAlerts: number;
  /**
   * True once a person renamed the incident: from then on its title is theirs. Until then the title
   * follows the alerts (the group's common summary, or the most severe firing alert).
   */
  titleEdited: boolean;
  /** Everyone paged since the incident (re)opened; while it is triggered, they are the ones it needs. */
  paged: string[];
  createdAt: number;
  createdBy: Actor;
  acknowledgedAt: number | null;
  acknowledgedBy: Actor | null;
  resolvedAt: number | null;
  resolvedBy: Actor | null;
  updatedAt: number;
  /** Current escalation level (1-based; 0 before the first page). */
  escalationLevel: number;
  /** The escalation policy reached nobody: admins were told instead. */
  nobodyPaged: boolean;
  /** Sequence number of the newest timeline entry. */
  lastSeq: number;
}

/** An incident as lists show it (the D1 index row). */
export interface IncidentSummary {
  id: string;
  number: number;
  title: string;
  serviceId: string | null;
  severity: Severity;
  status: IncidentStatus;
  assignees: string[];
  /** role name → user id, as on the incident. */
  roles: Record<string, string | null>;
  /** Users paged since the incident (re)opened. */
  paged: string[];
  alertCount: number;
  firingCount: number;
  notificationCount: number;
  createdAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  updatedAt: number;
  nobodyPaged: boolean;
  escalationLevel: number;
}

/**
 * Whether `userId` is one of the people an open incident is waiting on: an assignee, a role holder,
 * or someone paged while it is still unacknowledged. "Needs me" is this and triggered.
 */
export function involves(
  incident: Pick<IncidentSummary, 'status' | 'assignees'> &
    Partial<Pick<IncidentSummary, 'roles' | 'paged'>>,
  userId: string,
): boolean {
  if (incident.assignees.includes(userId)) return true;
  if (Object.values(incident.roles ?? {}).includes(userId)) return true;
  return incident.status === 'triggered' && (incident.paged ?? []).includes(userId);
}

/** What a responder can ask an incident to do. */
export type IncidentCommand =
  | { type: 'acknowledge' }
  | { type: 'resolve'; note?: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'reassign'; assignees: string[] }
  | { type: 'assign_role'; role: string; userId: string }
  | { type: 'unassign_role'; role: string }
  | { type: 'set_severity'; severity: Severity }
  | { type: 'add_note'; text: string }
  | { type: 'post_status_update'; text: string }
  | { type: 'change_title'; title: string }
  /** Page the next escalation level now instead of waiting. */
  | { type: 'escalate' };

export type IncidentCommandType = IncidentCommand['type'];
