/**
 * The public status page: components, publications (an incident told to the public, or an admin's notice or
 * maintenance) and their public updates. State and status names are Atlassian Statuspage's, so its public
 * API can be served as is.
 */
import { z } from '@hono/zod-openapi';

/** A component's state, worst last but one (maintenance is not an outage). */
export const COMPONENT_STATES = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** Where an incident's public story stands. */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
/** Where a maintenance stands. */
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];
export type PublicationStatus = UpdateStatus | MaintenanceStatus;
export const PUBLICATION_KINDS = ['incident', 'notice', 'maintenance'] as const;
export type PublicationKind = (typeof PUBLICATION_KINDS)[number];

/** Epoch milliseconds from 2000 to 2100: anything else is a typo (and would not render as a date). */
const epochMs = z.number().int().min(946_684_800_000).max(4_102_444_800_000);
const stateSchema = z.enum(COMPONENT_STATES).openapi({ example: 'partial_outage' });
const name = z.string().trim().min(1).max(120);
const body = z.string().trim().min(1).max(4000);

export const statusComponentSchema = z
  .object({
    id: z.string().openapi({ example: 'cmp_…' }),
    name: z.string(),
    description: z.string(),
    group: z
      .string()
      .nullable()
      .openapi({ description: 'Components with the same group show together' }),
    position: z.number().int(),
    serviceIds: z.array(z.string()),
    /** A state an admin set by hand; null when derived from the open publications. */
    overrideState: stateSchema.nullable(),
    /** What the page shows now. */
    state: stateSchema,
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('StatusComponent');
export type StatusComponent = z.infer<typeof statusComponentSchema>;

export const statusComponentInput = z
  .object({
    name,
    description: z.string().max(1000).default(''),
    group: z.string().trim().min(1).max(120).nullable().default(null),
    position: z.number().int().min(0).max(10_000).default(0),
    serviceIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  })
  .strict();
export const statusComponentPatch = z
  .object({
    name: name.optional(),
    description: z.string().max(1000).optional(),
    group: z.string().trim().min(1).max(120).nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
    serviceIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
    overrideState: stateSchema.nullable().optional().openapi({
      description: 'Publish a state by hand (it wins over publications); null to derive it again',
    }),
  })
  .strict();

const affected = z
  .array(z.object({ id: z.string().min(1).max(64), state: stateSchema }).strict())
  .max(50);

/** POST /api/incidents/{id}/status-page: publish the incident (first time) or post a public update. */
export const publishInput = z
  .object({
    title: name.optional().openapi({
      description: 'The public title; required the first time. Never the incident title.',
    }),
    status: z.enum(UPDATE_STATUSES),
    body,
    components: affected.optional().openapi({
      description: 'The affected components and their state; omitted keeps the previous ones',
    }),
  })
  .strict();
export type PublishInput = z.infer<typeof publishInput>;

/** POST /api/status/notices: a notice or maintenance without an incident. */
export const noticeInput = z
  .object({
    kind: z.enum(['notice', 'maintenance']),
    title: name,
    status: z.enum([...UPDATE_STATUSES, ...MAINTENANCE_STATUSES]).optional(),
    body,
    components: affected.default([]),
    scheduledFor: epochMs.optional(),
    scheduledUntil: epochMs.optional(),
  })
  .strict();
export type NoticeInput = z.infer<typeof noticeInput>;

/** POST /api/status/notices/{id}/updates. */
export const noticeUpdateInput = z
  .object({
    status: z.enum([...UPDATE_STATUSES, ...MAINTENANCE_STATUSES]),
    body,
    components: affected.optional(),
  })
  .strict();

export const publicUpdateSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    body: z.string(),
    components: z.array(
      z.object({ id: z.string(), name: z.string(), old: stateSchema, new: stateSchema }),
    ),
    createdAt: z.number().int(),
  })
  .openapi('StatusUpdate');
export type PublicUpdate = z.infer<typeof publicUpdateSchema>;

export const publicationSchema = z
  .object({
    id: z.string().openapi({ example: 'pub_…' }),
    incidentId: z.string().nullable(),
    kind: z.enum(PUBLICATION_KINDS),
    title: z.string(),
    status: z.string(),
    components: z.array(z.object({ id: z.string(), name: z.string(), state: stateSchema })),
    updates: z.array(publicUpdateSchema),
    scheduledFor: z.number().int().nullable(),
    scheduledUntil: z.number().int().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    resolvedAt: z.number().int().nullable(),
  })
  .openapi('StatusPublication');
export type Publication = z.infer<typeof publicationSchema>;

/** Statuses after which a publication no longer affects its components. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['resolved', 'completed']);
