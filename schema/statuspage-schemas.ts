/**
 * Atlassian Statuspage's public v2 documents as Firebell serves them (worker/status/statuspage.ts), as zod shapes
 * for the OpenAPI document. Field names and types are Statuspage's own, so its clients read them unchanged.
 */
import { z } from '@hono/zod-openapi';
import { COMPONENT_STATES } from './status-page-schemas';

const iso = z.string().openapi({ format: 'date-time' });

export const statuspagePage = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    time_zone: z.string(),
    updated_at: iso,
  })
  .openapi('StatuspagePage');

export const statuspageComponent = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(COMPONENT_STATES),
    created_at: iso,
    updated_at: iso,
    position: z.number().int(),
    description: z.string().nullable(),
    showcase: z.boolean(),
    start_date: z.string().nullable().openapi({ example: '2026-11-30' }),
    group_id: z.string().nullable(),
    page_id: z.string(),
    group: z.boolean(),
    only_show_if_degraded: z.boolean(),
    components: z.array(z.string()).optional().openapi({ description: "A group's members" }),
  })
  .openapi('StatuspageComponent');

const update = z
  .object({
    id: z.string(),
    status: z.string(),
    body: z.string(),
    incident_id: z.string(),
    created_at: iso,
    updated_at: iso,
    display_at: iso,
    affected_components: z
      .array(
        z.object({
          code: z.string(),
          name: z.string(),
          old_status: z.string(),
          new_status: z.string(),
        }),
      )
      .nullable(),
    deliver_notifications: z.boolean(),
    custom_tweet: z.string().nullable(),
    tweet_id: z.string().nullable(),
  })
  .openapi('StatuspageIncidentUpdate');

const incidentFields = {
  id: z.string(),
  name: z.string(),
  created_at: iso,
  updated_at: iso,
  monitoring_at: iso.nullable(),
  resolved_at: iso.nullable(),
  shortlink: z.string(),
  started_at: iso,
  page_id: z.string(),
  incident_updates: z.array(update),
  components: z.array(statuspageComponent),
};

export const statuspageIncident = z
  .object({
    ...incidentFields,
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
    impact: z.enum(['none', 'minor', 'major', 'critical']),
  })
  .openapi('StatuspageIncident');

export const statuspageMaintenance = z
  .object({
    ...incidentFields,
    status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
    impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
    scheduled_for: iso,
    scheduled_until: iso.nullable(),
  })
  .openapi('StatuspageScheduledMaintenance');

export const statuspageStatus = z
  .object({ indicator: z.enum(['none', 'minor', 'major', 'critical']), description: z.string() })
  .openapi('StatuspageStatus');

/** Each document's shape, by its path under /api/v2/. */
export const STATUSPAGE_DOCUMENTS: Record<string, { summary: string; schema: z.ZodType }> = {
  'summary.json': {
    summary: 'Summary: page, components, unresolved incidents, open maintenances, overall status',
    schema: z.object({
      page: statuspagePage,
      components: z.array(statuspageComponent),
      incidents: z.array(statuspageIncident),
      scheduled_maintenances: z.array(statuspageMaintenance),
      status: statuspageStatus,
    }),
  },
  'status.json': {
    summary: 'The overall status indicator',
    schema: z.object({ page: statuspagePage, status: statuspageStatus }),
  },
  'components.json': {
    summary: 'Components, with groups as components of their own',
    schema: z.object({ page: statuspagePage, components: z.array(statuspageComponent) }),
  },
  'incidents.json': {
    summary: 'Public incidents of the last 90 days',
    schema: z.object({ page: statuspagePage, incidents: z.array(statuspageIncident) }),
  },
  'incidents/unresolved.json': {
    summary: 'Public incidents not yet resolved',
    schema: z.object({ page: statuspagePage, incidents: z.array(statuspageIncident) }),
  },
  'scheduled-maintenances.json': {
    summary: 'Scheduled maintenances (posted, and published maintenance windows)',
    schema: z.object({
      page: statuspagePage,
      scheduled_maintenances: z.array(statuspageMaintenance),
    }),
  },
  'scheduled-maintenances/upcoming.json': {
    summary: 'Scheduled maintenances not yet begun',
    schema: z.object({
      page: statuspagePage,
      scheduled_maintenances: z.array(statuspageMaintenance),
    }),
  },
  'scheduled-maintenances/active.json': {
    summary: 'Scheduled maintenances in progress',
    schema: z.object({
      page: statuspagePage,
      scheduled_maintenances: z.array(statuspageMaintenance),
    }),
  },
};
