/**
 * What Firebell answers the monitors that page it, as zod shapes (the OpenAPI doc) with the types derived
 * from them: its own hooks' answer, and PagerDuty's Events API answers, which senders built for PagerDuty
 * read. The Opsgenie Alert API's answers are in ./opsgenie-schemas.
 */
import { z } from '@hono/zod-openapi';

/** Every hook's 202: the incidents the events opened or joined (and, for custom integrations, the fallbacks used). */
export const hookAcceptedSchema = z.object({
  status: z.literal('accepted'),
  incidents: z.array(
    z.object({
      dedupKey: z.string(),
      incidentId: z.string().nullable(),
      result: z.enum(['opened', 'appended', 'dropped']),
    }),
  ),
  notes: z.array(z.string()).optional().openapi({
    description:
      'Custom integrations: each fallback the mapping used and why (also kept in the payload record and on the alert)',
  }),
});

/** PagerDuty Events API v2: a refused event, as PagerDuty words it. */
export const pagerDutyErrorSchema = z.object({
  status: z.string(),
  message: z.string(),
  errors: z.array(z.string()),
});
export const pagerDutyAcceptedSchema = z.object({
  status: z.literal('success'),
  message: z.string(),
  dedup_key: z.string(),
});
export const pagerDutyChangeAcceptedSchema = z.object({
  status: z.literal('success'),
  message: z.literal('Change event processed'),
});

export type HookAccepted = z.infer<typeof hookAcceptedSchema>;
export type PagerDutyError = z.infer<typeof pagerDutyErrorSchema>;
