/** The incident report (GET /api/reports) on the wire: its query and its answer. */
import { z } from '@hono/zod-openapi';

/** Count, mean, median and p90 of a duration over the incidents where it is known. */
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
    /** Over acknowledged incidents only: one resolved without an acknowledgement counts under resolvedWithoutAck instead. */
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

export type DurationStats = z.infer<typeof stats>;
export type Report = z.infer<typeof reportSchema>;
