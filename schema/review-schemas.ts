/**
 * Reviews and action items on the wire: the zod shapes (validation, OpenAPI doc) and the types derived from
 * them, which ./review re-exports beside its constants.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';
import { INCIDENT_STATUSES } from './incident';
import { KEY_MOMENT_KINDS, REVIEW_STATUSES, SECTION_KEYS } from './review';

/** A length of time, for machines (ms) and for people ("4 min"). */
const duration = z.object({ ms: z.number(), text: z.string() });
const person = z.object({ id: z.string(), name: z.string() });

const keyMoment = z.object({
  kind: z.enum(KEY_MOMENT_KINDS),
  at: z.number(),
  /** Time since the incident was triggered. */
  offsetMs: z.number(),
  text: z.string(),
  actor: z.string(),
});

/** Someone who took part, with every way they did: incident roles first, then involvement. */
const participant = z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) });

const reviewAlert = z.object({
  key: z.string(),
  summary: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(['firing', 'resolved']),
  /** 'incident': ended because a person resolved the incident, not by its monitor. */
  resolvedBy: z.enum(['monitor', 'incident']).optional(),
  source: z.string().nullable(),
  /** Notifications received for this alert. */
  count: z.number().int(),
  firstSeenAt: z.number(),
  lastSeenAt: z.number(),
  /** What the monitor said beyond the summary; left out past the facts' size budget (then bodyOmitted). */
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
  bodyOmitted: z.boolean().optional(),
});

/** What the incident's own record says, captured from its object when the review is created or refreshed. */
const reviewFacts = z.object({
  incidentId: z.string(),
  number: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  serviceId: z.string().nullable(),
  incidentStatus: z.enum(INCIDENT_STATUSES),
  createdAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  timeToAcknowledge: duration.nullable(),
  timeToResolve: duration.nullable(),
  escalationLevel: z.number().int(),
  keyMoments: z.array(keyMoment),
  participants: z.array(participant),
  alerts: z.array(reviewAlert),
  /** The attached runbook's steps: which were done, by whom and when (absent when none was attached). */
  runbook: z
    .object({
      name: z.string(),
      steps: z.array(
        z.object({
          number: z.number().int(),
          text: z.string(),
          done: z.boolean(),
          by: z.string().nullable(),
          at: z.number().nullable(),
        }),
      ),
    })
    .optional(),
  /** The incident's timeline seq when captured: a newer incident means the facts can be refreshed. */
  lastSeq: z.number().int(),
  capturedAt: z.number(),
});

/** One recorded change: a field, and for short values what it was and became. */
const change = z.object({
  field: z.string(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
  detail: z.string().optional(),
});

const reviewEdit = z.object({
  version: z.number().int(),
  by: person,
  at: z.number(),
  changes: z.array(change),
});

const sectionText = z.string().max(20_000);
const sectionsShape = Object.fromEntries(SECTION_KEYS.map((k) => [k, sectionText])) as Record<
  (typeof SECTION_KEYS)[number],
  typeof sectionText
>;

export const actionItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    /** Calendar date, YYYY-MM-DD. */
    dueDate: z.string().nullable(),
    done: z.boolean(),
    doneAt: z.number().nullable(),
    createdAt: z.number(),
  })
  .openapi('ActionItem');

export const reviewSchema = z
  .object({
    incidentId: z.string(),
    status: z.enum(REVIEW_STATUSES),
    version: z.number().int(),
    sections: z.object(sectionsShape),
    actionItems: z.array(actionItemSchema),
    facts: reviewFacts,
    createdBy: person,
    createdAt: z.number(),
    updatedBy: person,
    updatedAt: z.number(),
    publishedAt: z.number().nullable(),
    /** Edit history, oldest first. */
    edits: z.array(reviewEdit),
  })
  .openapi('Review');

const dueDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a calendar date',
  );

/** A PUT: the version the client read, and whatever it changes. */
export const reviewEditSchema = z
  .object({
    version: z.number().int().min(1).openapi({
      description: 'The version you read; a stale one gets 409 with the current review.',
    }),
    sections: z.object(sectionsShape).partial().strict().optional(),
    actionItems: z
      .array(
        z
          .object({
            id: z.string().max(64).optional().openapi({
              description: 'Leave out to add a new item; items you leave out are removed.',
            }),
            title: z.string().trim().min(1).max(300),
            ownerId: z.string().max(64).nullable().optional(),
            dueDate: dueDate.nullable().optional(),
            done: z.boolean().optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    status: z
      .enum(REVIEW_STATUSES)
      .optional()
      .openapi({ description: 'draft → in_review → published, or back to draft from either.' }),
  })
  .strict()
  .openapi('ReviewEdit');

/** Action items across reviews, as the list endpoint returns them. */
export const actionItemListingSchema = actionItemSchema
  .extend({
    incidentId: z.string(),
    incidentNumber: z.number().int(),
    incidentTitle: z.string(),
    reviewStatus: z.enum(REVIEW_STATUSES),
    overdue: z.boolean(),
  })
  .openapi('ActionItemListing');

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;
export type Duration = z.infer<typeof duration>;
export type Person = z.infer<typeof person>;
export type KeyMomentKind = (typeof KEY_MOMENT_KINDS)[number];
export type KeyMoment = z.infer<typeof keyMoment>;
export type Participant = z.infer<typeof participant>;
export type ReviewAlert = z.infer<typeof reviewAlert>;
export type ReviewFacts = z.infer<typeof reviewFacts>;
export type Change = z.infer<typeof change>;
export type ReviewEdit = z.infer<typeof reviewEdit>;
export type ActionItem = z.infer<typeof actionItemSchema>;
export type Review = z.infer<typeof reviewSchema>;
export type ReviewEditInput = z.infer<typeof reviewEditSchema>;
export type ActionItemInput = NonNullable<ReviewEditInput['actionItems']>[number];
export type ActionItemListing = z.infer<typeof actionItemListingSchema>;
