/**
 * The incident on the wire, as zod shapes (for validation and the OpenAPI doc) with the TypeScript types
 * derived from them. schema/incident.ts re-exports the types next to the constants and helpers the PWA
 * loads at runtime, so the PWA never pulls in zod.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';
import { changeSchema } from './change-schemas';
import { severitySchema } from './command-schemas';
import { INCIDENT_STATUSES, TIMELINE_KINDS, TITLE_MAX_CHARS } from './incident';

/** Who did something: a person, a monitor integration, or Firebell itself. */
const actor = z.object({
  kind: z.enum(['user', 'integration', 'system']),
  id: z.string(),
  name: z.string(),
});

export const incidentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    description: z.string(),
    serviceId: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    assignees: z.array(z.string()),
    /** role name → user id; every configured role is present, unfilled ones are null. */
    roles: z.record(z.string(), z.string().nullable()),
    dedupKey: z.string().nullable(),
    /**
     * Distinct alerts (by fingerprint / dedup key), those past LIMITS.alertsPerIncident included: a repeat or a
     * sender's retry of one alert never adds to it.
     */
    alertCount: z
      .number()
      .int()
      .openapi({ description: 'Distinct alerts (by fingerprint / dedup key)' }),
    /** Of those, how many are firing now. */
    firingCount: z.number().int().openapi({ description: 'Alerts firing now' }),
    /** Trigger notifications received, repeats, retries and alerts past the cap included. */
    notificationCount: z
      .number()
      .int()
      .openapi({ description: 'Trigger notifications received, repeats and retries included' }),
    /** Alerts not listed: left out of the sender's latest notification, plus distinct alerts past LIMITS.alertsPerIncident. */
    truncatedAlerts: z.number().int(),
    /**
     * True once a person renamed the incident: from then on its title is theirs. Until then the title
     * follows the alerts (the group's common summary, or the most severe firing alert).
     */
    titleEdited: z.boolean().openapi({
      description: 'A person renamed the incident; until then its title follows the alerts',
    }),
    /** Everyone paged since the incident (re)opened; while it is triggered, they are the ones it needs. */
    paged: z
      .array(z.string())
      .openapi({ description: 'Users paged since the incident (re)opened' }),
    createdAt: z.number(),
    createdBy: actor,
    acknowledgedAt: z.number().nullable(),
    acknowledgedBy: actor.nullable(),
    resolvedAt: z.number().nullable(),
    resolvedBy: actor.nullable(),
    updatedAt: z.number(),
    /** Current escalation level (1-based; 0 before the first page). */
    escalationLevel: z.number().int(),
    /** The escalation policy reached nobody: admins were told instead. */
    nobodyPaged: z.boolean(),
    /** Sequence number of the newest timeline entry. */
    lastSeq: z.number().int(),
    /** Opened during a maintenance window: no one is paged until `until` (then level 1, if still open). */
    maintenance: z
      .object({ windowId: z.string(), name: z.string(), until: z.number() })
      .nullable()
      .optional()
      .openapi({ description: 'In maintenance: the window and when paging may start' }),
  })
  .openapi('Incident');

export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z.enum(TIMELINE_KINDS),
    at: z.number(),
    actor,
    /** Human-readable line, as a responder would say it. */
    text: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('TimelineEntry');

export const alertSchema = z
  .object({
    key: z.string(),
    status: z.enum(['firing', 'resolved']),
    /** Who ended a resolved alert: its monitor, or a person resolving the whole incident (the monitor may still be firing). */
    resolvedBy: z
      .enum(['monitor', 'incident'])
      .optional()
      .openapi({ description: 'incident: ended because a person resolved the incident' }),
    summary: z.string(),
    severity: z.enum(SEVERITIES),
    source: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })),
    details: z.record(z.string(), z.unknown()).optional(),
    /** The event rules that matched its latest body. */
    rules: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
    /** Times this alert started firing: 1, plus 1 each time it fires again after resolving. A repeat of a firing alert (a re-notification or a sender's retry) is not counted; the incident's notificationCount counts every trigger. */
    count: z.number().int(),
    firstSeenAt: z.number(),
    lastSeenAt: z.number(),
  })
  .openapi('Alert');

export const summarySchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    serviceId: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    assignees: z.array(z.string()),
    /** role name → user id, as on the incident. */
    roles: z.record(z.string(), z.string().nullable()),
    /** Users paged since the incident (re)opened. */
    paged: z.array(z.string()),
    alertCount: z.number().int(),
    firingCount: z.number().int(),
    notificationCount: z.number().int(),
    createdAt: z.number(),
    acknowledgedAt: z.number().nullable(),
    resolvedAt: z.number().nullable(),
    updatedAt: z.number(),
    nobodyPaged: z.boolean(),
    escalationLevel: z.number().int(),
    /** Opened during a maintenance window: no one is paged until `until` (then level 1, if still open). */
    maintenance: z
      .object({ windowId: z.string(), name: z.string(), until: z.number() })
      .nullable()
      .optional()
      .openapi({ description: 'In maintenance: the window and when paging may start' }),
  })
  .openapi('IncidentSummary');

/** A page of GET /api/incidents. */
export const incidentPageSchema = z.object({
  incidents: z.array(summarySchema),
  nextCursor: z.string().nullable(),
});

/** GET /api/incidents/{id}: the incident, a page of its timeline, its alerts and its service's recent changes. */
export const incidentDetailSchema = z.object({
  incident: incidentSchema,
  timeline: z.array(timelineEntrySchema),
  earlier: z.number().int().nullable().openapi({
    description: 'Cursor for the entries before `timeline` (use as `before`); null when none are',
  }),
  alerts: z.array(alertSchema),
  changes: z.array(changeSchema).openapi({
    description: 'Change events of its service in the hour before it opened, newest first',
  }),
});

/** POST /api/incidents: an incident opened by hand. */
export const newIncidentBody = z
  .object({
    title: z.string().trim().min(1).max(TITLE_MAX_CHARS),
    description: z.string().max(8000).optional(),
    severity: severitySchema.default('error'),
    serviceId: z.string().max(64).optional(),
  })
  .strict();

export type Actor = z.infer<typeof actor>;
export type Incident = z.infer<typeof incidentSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type IncidentAlert = z.infer<typeof alertSchema>;
/** An incident as lists show it (the D1 index row). */
export type IncidentSummary = z.infer<typeof summarySchema>;
export type IncidentPage = z.infer<typeof incidentPageSchema>;
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;
