/** OpenAPI/zod shapes of incidents on the wire (the TypeScript types live in schema/incident.ts). */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from '../../schema/alert';
import { INCIDENT_STATUSES, TIMELINE_KINDS } from '../../schema/incident';

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
    roles: z.record(z.string(), z.string().nullable()),
    dedupKey: z.string().nullable(),
    alertCount: z
      .number()
      .int()
      .openapi({ description: 'Distinct alerts (by fingerprint / dedup key)' }),
    firingCount: z.number().int().openapi({ description: 'Alerts firing now' }),
    notificationCount: z
      .number()
      .int()
      .openapi({ description: 'Trigger notifications received, repeats and retries included' }),
    truncatedAlerts: z.number().int(),
    titleEdited: z.boolean().openapi({
      description: 'A person renamed the incident; until then its title follows the alerts',
    }),
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
    escalationLevel: z.number().int(),
    nobodyPaged: z.boolean(),
    lastSeq: z.number().int(),
  })
  .openapi('Incident');

export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z.enum(TIMELINE_KINDS),
    at: z.number(),
    actor,
    text: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('TimelineEntry');

export const alertSchema = z
  .object({
    key: z.string(),
    status: z.enum(['firing', 'resolved']),
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
    roles: z.record(z.string(), z.string().nullable()),
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
  })
  .openapi('IncidentSummary');
