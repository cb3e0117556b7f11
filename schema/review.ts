/**
 * A post-incident review as it travels over the wire. Types and constants only (no validator), so the PWA
 * can import them; the zod shapes are in ./review-schemas.
 */
import type { Severity } from './alert';
import type { IncidentStatus } from './incident';

export const REVIEW_STATUSES = ['draft', 'in_review', 'published'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The authored sections, in the order a reader meets them. */
export const SECTION_KEYS = [
  'summary',
  'customerImpact',
  'rootCause',
  'contributingFactors',
  'wentWell',
  'wentBadly',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  customerImpact: 'Customer impact',
  rootCause: 'Root cause',
  contributingFactors: 'Contributing factors',
  wentWell: 'What went well',
  wentBadly: 'What went badly',
};

/** A length of time, for machines (ms) and for people ("4 min"). */
export interface Duration {
  ms: number;
  text: string;
}

/**
 * escalation_skipped: a level reached nobody (nobody on shift…); page_failed: a page to a device never got
 * through; page_delayed: it got through only after retries. With escalated and nobody_paged, every paging
 * decision that explains a delay is a key moment.
 */
export type KeyMomentKind =
  | 'triggered'
  | 'first_page'
  | 'first_delivered'
  | 'acknowledged'
  | 'escalated'
  | 'escalation_skipped'
  | 'page_failed'
  | 'page_delayed'
  | 'nobody_paged'
  | 'status_update'
  | 'reopened'
  | 'resolved';

export interface KeyMoment {
  kind: KeyMomentKind;
  at: number;
  /** Time since the incident was triggered. */
  offsetMs: number;
  text: string;
  actor: string;
}

/** Someone who took part, with every way they did: incident roles first, then involvement. */
export interface Participant {
  id: string;
  name: string;
  roles: string[];
}

export interface ReviewAlert {
  key: string;
  summary: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  /** 'incident': ended because a person resolved the incident, not by its monitor. */
  resolvedBy?: 'monitor' | 'incident';
  source: string | null;
  /** Notifications received for this alert. */
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  /** What the monitor said beyond the summary; left out past the facts' size budget (then bodyOmitted). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  details?: Record<string, unknown>;
  links?: { href: string; text?: string }[];
  bodyOmitted?: boolean;
}

/** What the incident's own record says, captured from its object when the review is created or refreshed. */
export interface ReviewFacts {
  incidentId: string;
  number: number;
  title: string;
  severity: Severity;
  serviceId: string | null;
  incidentStatus: IncidentStatus;
  createdAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  timeToAcknowledge: Duration | null;
  timeToResolve: Duration | null;
  escalationLevel: number;
  keyMoments: KeyMoment[];
  participants: Participant[];
  alerts: ReviewAlert[];
  /** The incident's timeline seq when captured: a newer incident means the facts can be refreshed. */
  lastSeq: number;
  capturedAt: number;
}

export interface ActionItem {
  id: string;
  title: string;
  ownerId: string | null;
  ownerName: string | null;
  /** Calendar date, YYYY-MM-DD. */
  dueDate: string | null;
  done: boolean;
  doneAt: number | null;
  createdAt: number;
}

export interface Person {
  id: string;
  name: string;
}

/** One recorded change: a field, and for short values what it was and became. */
export interface Change {
  field: string;
  from?: unknown;
  to?: unknown;
  detail?: string;
}

export interface ReviewEdit {
  version: number;
  by: Person;
  at: number;
  changes: Change[];
}

export interface Review {
  incidentId: string;
  status: ReviewStatus;
  version: number;
  sections: Sections;
  actionItems: ActionItem[];
  facts: ReviewFacts;
  createdBy: Person;
  createdAt: number;
  updatedBy: Person;
  updatedAt: number;
  publishedAt: number | null;
  /** Edit history, oldest first. */
  edits: ReviewEdit[];
}

export interface ActionItemInput {
  id?: string;
  title: string;
  ownerId?: string | null;
  dueDate?: string | null;
  done?: boolean;
}

/** A PUT: the version the client read, and whatever it changes. */
export interface ReviewEditInput {
  version: number;
  sections?: Partial<Sections>;
  actionItems?: ActionItemInput[];
  status?: ReviewStatus;
}

/** Action items across reviews, as the list endpoint returns them. */
export interface ActionItemListing extends ActionItem {
  incidentId: string;
  incidentNumber: number;
  incidentTitle: string;
  reviewStatus: ReviewStatus;
  overdue: boolean;
}
