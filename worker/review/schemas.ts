/** OpenAPI/zod shapes of reviews, action items and reports (the TypeScript types live in ./types). */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from '../../schema/alert';
import { INCIDENT_STATUSES } from '../../schema/incident';
import { REVIEW_STATUSES, SECTION_KEYS } from '../../schema/review';

const duration = z.object({ ms: z.number(), text: z.string() });
const person = z.object({ id: z.string(), name: z.string() });

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
    facts: z.object({
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
      keyMoments: z.array(
        z.object({
          kind: z.string(),
          at: z.number(),
          offsetMs: z.number(),
          text: z.string(),
          actor: z.string(),
        }),
      ),
      participants: z.array(
        z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) }),
      ),
      alerts: z.array(
        z.object({
          key: z.string(),
          summary: z.string(),
          severity: z.enum(SEVERITIES),
          status: z.enum(['firing', 'resolved']),
          resolvedBy: z.enum(['monitor', 'incident']).optional(),
          source: z.string().nullable(),
          count: z.number().int(),
          firstSeenAt: z.number(),
          lastSeenAt: z.number(),
          labels: z.record(z.string(), z.string()).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
          details: z.record(z.string(), z.unknown()).optional(),
          links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
          bodyOmitted: z.boolean().optional(),
        }),
      ),
      lastSeq: z.number().int(),
      capturedAt: z.number(),
    }),
    createdBy: person,
    createdAt: z.number(),
    updatedBy: person,
    updatedAt: z.number(),
    publishedAt: z.number().nullable(),
    edits: z.array(
      z.object({
        version: z.number().int(),
        by: person,
        at: z.number(),
        changes: z.array(
          z.object({
            field: z.string(),
            from: z.unknown().optional(),
            to: z.unknown().optional(),
            detail: z.string().optional(),
          }),
        ),
      }),
    ),
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

export const actionItemListingSchema = actionItemSchema
  .extend({
    incidentId: z.string(),
    incidentNumber: z.number().int(),
    incidentTitle: z.string(),
    reviewStatus: z.enum(REVIEW_STATUSES),
    overdue: z.boolean(),
  })
  .openapi('ActionItemListing');

const stats = z.object({
  count: z.number().int(),
  meanMs: z.number().nullable(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

export const reportSchema = z
  .object({
    range: z.object({
      from: z.number(),
      to: z.number(),
      zone: z.string(),
      serviceId: z.string().nullable(),
      teamId: z.string().nullable(),
      outOfHours: z.string(),
    }),
    incidents: z.object({
      total: z.number().int(),
      bySeverity: z.record(z.string(), z.number().int()),
      byWeek: z.array(
        z.object({
          week: z.string(),
          weekStart: z.string(),
          count: z.number().int(),
          bySeverity: z.record(z.string(), z.number().int()),
        }),
      ),
    }),
    mtta: stats.openapi({ description: 'Time to acknowledge, over acknowledged incidents only' }),
    mttr: stats,
    resolvedWithoutAck: z
      .object({ count: z.number().int(), resolved: z.number().int() })
      .openapi({ description: 'Resolved incidents nobody acknowledged, out of all resolved' }),
    escalation: z.object({
      escalated: z.number().int(),
      total: z.number().int(),
      rate: z.number().nullable(),
    }),
    pagesPerResponder: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        pages: z.number().int(),
        outOfHours: z.number().int(),
        incidents: z.number().int(),
      }),
    ),
    noisiestServices: z.array(
      z.object({
        serviceId: z.string().nullable(),
        name: z.string().nullable(),
        incidents: z.number().int(),
        alerts: z.number().int(),
      }),
    ),
    noisiestAlerts: z.array(
      z.object({
        dedupKey: z.string().nullable(),
        title: z.string(),
        incidents: z.number().int(),
        alerts: z.number().int(),
      }),
    ),
  })
  .openapi('Report');

export const reportQuerySchema = z.object({
  from: z.string().max(40).optional().openapi({
    description: 'Inclusive: epoch ms, ISO instant, or local date/date-time in `zone`',
    example: '2025-01-01',
  }),
  to: z.string().max(40).optional().openapi({
    description:
      'Exclusive; a date-only value includes that day. Defaults to now, from to 30 days before.',
    example: '2025-12-31',
  }),
  service: z.string().max(64).optional(),
  team: z.string().max(64).optional().openapi({
    description: 'Incidents a team member was paged for or assigned to; pages of team members',
  }),
  zone: z.string().max(64).optional().openapi({
    description: 'IANA zone for weeks and working hours (09:00–17:00 Mon–Fri); default UTC',
    example: 'Europe/Berlin',
  }),
});
