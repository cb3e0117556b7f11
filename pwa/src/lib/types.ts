/**
 * The wire shapes the PWA reads, as types only (no validator enters the bundle): re-exported from schema/,
 * narrowed where the screens need less or where older servers and cached copies lack later fields.
 */
import type { ChangeEvent } from '../../../schema/change';
import type {
  IncidentDetail as WireDetail,
  IncidentPage as WirePage,
} from '../../../schema/incident-schemas';
import type { RecordedPayload as ReceivedPayload } from '../../../schema/directory';
import type { IncidentAlert, IncidentSummary as WireSummary } from '../../../schema/incident';
import type {
  OnCallNow as WireOnCallNow,
  ServiceOnCall as WireServiceOnCall,
} from '../../../schema/oncall-schemas';
import type { Policy as WirePolicy } from '../../../schema/policy-schemas';
import type { Schedule as WireSchedule } from '../../../schema/schedule-schemas';
import type { Integration as WireIntegration } from '../../../schema/integration-schemas';
import type { Team as WireTeam } from '../../../schema/people-schemas';
import type { Report as WireReport } from '../../../schema/report-schemas';

export type { Incident, IncidentStatus, Severity, TimelineEntry } from '../../../schema/incident';
export type {
  ProblemBody,
  ServerMessage,
  ClientMessage,
  FeedMessage,
  Viewer,
} from '../../../schema/protocol';

export type { Role, User } from '../../../schema/people-schemas';

/** A team as the admin screens use it (they never show when it was created). */
export type Team = Omit<WireTeam, 'createdAt'>;

/** One row of GET /api/incidents; rows an older version saved may lack the later fields. */
export type IncidentSummary = Omit<WireSummary, LaterSummaryFields> &
  Partial<Pick<WireSummary, LaterSummaryFields>>;
type LaterSummaryFields =
  'roles' | 'paged' | 'firingCount' | 'notificationCount' | 'escalationLevel';

/** A page of GET /api/incidents, its rows as above. */
export type IncidentPage = Omit<WirePage, 'incidents'> & { incidents: IncidentSummary[] };

export type { IncidentAlert };

/**
 * GET /api/incidents/:id. `timeline` is the newest page (or the page asked for with `before`), oldest first;
 * earlier, alerts and changes are absent from older servers and cached copies.
 */
export type IncidentDetail = Omit<WireDetail, LaterDetailFields> &
  Partial<Pick<WireDetail, LaterDetailFields>>;
type LaterDetailFields = 'earlier' | 'alerts' | 'changes';

export type { ChangeEvent };

export type {
  ApiToken,
  PushDevice,
  RecordedPayload as ReceivedPayload,
  Service,
} from '../../../schema/directory';
export type { IntegrationType } from '../../../schema/alert';
export type {
  Coverage,
  EmptyLevel,
  EscalationLevel,
  EscalationTarget,
  Interval,
} from '../../../schema/oncall';
export type {
  ActionItem,
  ActionItemInput,
  Review,
  ReviewEditInput,
  ReviewStatus,
  SectionKey,
  Sections,
} from '../../../schema/review';

export type { MyShifts } from '../../../schema/oncall-schemas';
export type {
  Override,
  Responder,
  Restriction,
  RotationType,
  ScheduleInput,
  ScheduleLayer,
} from '../../../schema/schedule-schemas';
export type { PolicyInput } from '../../../schema/policy-schemas';

/** One service's escalation policy resolved to people right now; gaps are absent from older servers and caches. */
export type ServiceOnCall = Omit<WireServiceOnCall, 'gaps'> &
  Partial<Pick<WireServiceOnCall, 'gaps'>>;

/** GET /api/oncall; `until` is absent from older servers. */
export type OnCallNow = Omit<WireOnCallNow, 'until' | 'services'> &
  Partial<Pick<WireOnCallNow, 'until'>> & { services: ServiceOnCall[] };

/** A schedule; overrides (those not over yet) and coverage are absent from older servers and caches. */
export type Schedule = Omit<WireSchedule, 'overrides' | 'coverage'> &
  Partial<Pick<WireSchedule, 'overrides' | 'coverage'>>;

/**
 * An escalation policy as GET /api/policies lists it, as the admin screens use it (they never show when it
 * was created or changed); coverage is absent from older servers.
 */
export type Policy = Omit<WirePolicy, 'coverage' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<WirePolicy, 'coverage'>>;

/** An integration as the admin screens list it: the listing adds what it received lately. */
export type Integration = WireIntegration & { recentPayloads?: ReceivedPayload[] };
export type { IntegrationWithKey } from '../../../schema/integration-schemas';

export type { DurationStats } from '../../../schema/report-schemas';

/** GET /api/reports; an older server's answer lacks resolvedWithoutAck and the weeks' bySeverity. */
export type Report = Omit<WireReport, 'incidents' | 'resolvedWithoutAck'> &
  Partial<Pick<WireReport, 'resolvedWithoutAck'>> & {
    incidents: Omit<WireReport['incidents'], 'byWeek'> & {
      byWeek: (Omit<WireWeek, 'bySeverity'> & Partial<Pick<WireWeek, 'bySeverity'>>)[];
    };
  };
type WireWeek = WireReport['incidents']['byWeek'][number];
