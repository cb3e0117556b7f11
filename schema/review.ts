/**
 * A post-incident review as it travels over the wire: constants and the types, which are derived from the
 * zod shapes in ./review-schemas. Nothing here loads zod, so the PWA can import it at runtime.
 */
import type { SectionKey } from './review-schemas';

export type {
  ActionItem,
  ActionItemInput,
  ActionItemListing,
  Change,
  Duration,
  KeyMoment,
  KeyMomentKind,
  Participant,
  Person,
  Review,
  ReviewAlert,
  ReviewEdit,
  ReviewEditInput,
  ReviewFacts,
  ReviewStatus,
  SectionKey,
  Sections,
} from './review-schemas';

export const REVIEW_STATUSES = ['draft', 'in_review', 'published'] as const;

/** The authored sections, in the order a reader meets them. */
export const SECTION_KEYS = [
  'summary',
  'customerImpact',
  'rootCause',
  'contributingFactors',
  'wentWell',
  'wentBadly',
] as const;

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  customerImpact: 'Customer impact',
  rootCause: 'Root cause',
  contributingFactors: 'Contributing factors',
  wentWell: 'What went well',
  wentBadly: 'What went badly',
};

/**
 * escalation_skipped: a level reached nobody (nobody on shift…); page_failed: a page to a device never got
 * through; page_delayed: it got through only after retries. With escalated and nobody_paged, every paging
 * decision that explains a delay is a key moment.
 */
export const KEY_MOMENT_KINDS = [
  'triggered',
  'first_page',
  'first_delivered',
  'acknowledged',
  'escalated',
  'escalation_skipped',
  'page_failed',
  'page_delayed',
  'nobody_paged',
  'status_update',
  'reopened',
  'resolved',
] as const;
