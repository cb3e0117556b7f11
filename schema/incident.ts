/**
 * The incident as it travels over the wire, shared by worker and PWA: constants, small pure helpers and the
 * types, which are derived from the zod shapes in ./incident-schemas and ./command-schemas. Nothing here loads zod, so the PWA can
 * import it at runtime.
 */
import { LIMITS, type Severity } from './alert';
import type { IncidentCommand } from './command-schemas';
import type { IncidentSummary } from './incident-schemas';

export type { IncidentCommand } from './command-schemas';

export type {
  Actor,
  Incident,
  IncidentAlert,
  IncidentSummary,
  TimelineEntry,
} from './incident-schemas';

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
  /** A runbook was attached (data: its snapshot, schema/runbook.ts), and a responder ticked or unticked a step. */
  'runbook_attached',
  'runbook_step',
  /** Opened during a maintenance window (no one paged), or the window ended (paging may start). */
  'maintenance',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

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

export type IncidentCommandType = IncidentCommand['type'];
