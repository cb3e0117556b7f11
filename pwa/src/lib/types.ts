/**
 * The wire shapes the PWA reads, as types only (no validator enters the bundle): re-exported from schema/,
 * or, for answers whose zod shape still sits in a worker route, written out here.
 */
import type { ChangeEvent } from '../../../schema/change';
import type { RecordedPayload as ReceivedPayload } from '../../../schema/directory';
import type {
  Incident,
  IncidentAlert,
  IncidentSummary as WireSummary,
  TimelineEntry,
} from '../../../schema/incident';
import type { Coverage, EmptyLevel, EscalationLevel, Interval } from '../../../schema/oncall';
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

export interface IncidentPage {
  incidents: IncidentSummary[];
  nextCursor: string | null;
}

export type { IncidentAlert };

export interface IncidentDetail {
  incident: Incident;
  /** The newest page of the timeline (or the page asked for with `before`), oldest first. */
  timeline: TimelineEntry[];
  /** Cursor for the page before `timeline`; null at the first entry (absent from older servers and cached copies). */
  earlier?: number | null;
  /** The alerts grouped into the incident, newest first (absent from older cached copies). */
  alerts?: IncidentAlert[];
  /** Change events of its service in the hour before it opened, newest first (absent from older cached copies). */
  changes?: ChangeEvent[];
}

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

/** Someone a page would reach, and whether it can (a push subscription on some device). */
export interface Responder {
  id: string;
  name: string;
  reachable: boolean;
}

/** One service's escalation policy resolved to people right now (GET /api/oncall). */
export interface ServiceOnCall {
  id: string;
  name: string;
  policy: { id: string; name: string };
  levels: {
    level: number;
    delayMinutes: number;
    users: Responder[];
    empty: { type: 'user' | 'schedule'; id: string; name: string }[];
  }[];
  reachesNobody: boolean;
  /** When no level reaches anyone over the next days (absent from older servers and caches). */
  gaps?: Interval[];
}

export interface OnCallNow {
  at: number;
  /** Gaps are looked for in [at, until) (absent from older servers). */
  until?: number;
  services: ServiceOnCall[];
}

/** GET /api/oncall/me: my shifts over the next two weeks. */
export interface MyShifts {
  from: number;
  to: number;
  reachable: boolean;
  shifts: {
    scheduleId: string;
    scheduleName: string;
    start: number;
    end: number;
    override: boolean;
  }[];
}

export type RotationType = 'hourly' | 'daily' | 'weekly' | 'custom';

/** A weekly window a layer is on call in: days 1 (Mon) … 7 (Sun), HH:mm in the schedule's zone; to ≤ from runs past midnight. */
export interface Restriction {
  days: number[];
  from: string;
  to: string;
}

export interface ScheduleLayer {
  id: string;
  name: string;
  users: string[];
  rotation: { type: RotationType; hours?: number };
  /** Local to the schedule's zone, e.g. 2026-03-02T09:00. */
  start: string;
  restrictions?: Restriction[];
}

/** Someone on call instead of the rotation for [start, end). */
export interface Override {
  id: string;
  userId: string;
  start: number;
  end: number;
}

export interface Schedule {
  id: string;
  name: string;
  timeZone: string;
  teamId: string | null;
  layers: ScheduleLayer[];
  /** Those not over yet. */
  overrides?: Override[];
  /** Gaps over the next days (absent from older servers and caches). */
  coverage?: Coverage;
  createdAt: number;
  updatedAt: number;
}

/** What an admin writes for a schedule (PUT replaces all of it but the overrides). */
export interface ScheduleInput {
  name: string;
  timeZone: string;
  teamId: string | null;
  layers: (Pick<ScheduleLayer, 'users' | 'rotation' | 'start'> & {
    id?: string;
    name?: string;
    restrictions?: Restriction[];
  })[];
}

/** An escalation policy as GET /api/policies lists it. */
export interface Policy {
  id: string;
  name: string;
  levels: EscalationLevel[];
  repeat: number;
  renotifyMinutes: number | null;
  services: { id: string; name: string }[];
  /** Levels empty now and when no level reaches anyone, over the next days (absent from older servers). */
  coverage?: Coverage & { emptyNow: EmptyLevel[] };
}

/** What an admin writes for a policy. */
export interface PolicyInput {
  name: string;
  levels: EscalationLevel[];
  repeat: number;
  renotifyMinutes: number | null;
}

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
