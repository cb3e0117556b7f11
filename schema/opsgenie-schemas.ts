/**
 * What Firebell's Opsgenie Alert API answers (senders built for Opsgenie read these), as zod shapes with
 * the types derived from them; the OpenAPI description is in worker/routes/opsgenie-openapi.ts.
 */
import { z } from '@hono/zod-openapi';

/** Every Opsgenie answer carries how long it took and the request's id. */
const envelope = { took: z.number().openapi({ description: 'Seconds' }), requestId: z.string() };

export const opsgenieFailureSchema = z.object({ message: z.string(), ...envelope });
/** A write is accepted and processed after; its outcome is a request status. */
export const opsgenieAcceptedSchema = z.object({ result: z.string(), ...envelope });

/** An incident as an Opsgenie alert, as lists show it. */
export const opsgenieBaseAlertSchema = z.object({
  id: z.string().openapi({ description: 'The incident id' }),
  tinyId: z.string().openapi({ description: 'The incident number' }),
  alias: z.string().openapi({ description: 'The dedup key' }),
  message: z.string(),
  status: z.enum(['open', 'closed']),
  acknowledged: z.boolean(),
  isSeen: z
    .boolean()
    .openapi({ description: 'Same as acknowledged: Firebell does not track views' }),
  tags: z.array(z.string()),
  snoozed: z.literal(false),
  count: z.number().int(),
  lastOccurredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  source: z.string(),
  owner: z.string(),
  priority: z.string(),
  responders: z.array(z.object({ type: z.string(), id: z.string() })),
  integration: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  report: z.object({
    ackTime: z.number().optional(),
    closeTime: z.number().optional(),
    acknowledgedBy: z.string().optional(),
    closedBy: z.string().optional(),
  }),
});
/** One alert in full. */
export const opsgenieAlertSchema = opsgenieBaseAlertSchema.extend({
  actions: z.array(z.string()),
  entity: z.string(),
  description: z.string(),
  details: z.record(z.string(), z.string()),
});

export const opsgenieAlertPageSchema = z.object({
  data: z.array(opsgenieBaseAlertSchema),
  paging: z.object({
    first: z.string(),
    next: z.string().optional(),
    prev: z.string().optional(),
  }),
  ...envelope,
});
export const opsgenieAlertAnswerSchema = z.object({ data: opsgenieAlertSchema, ...envelope });

/** What an accepted write did (GET /v2/alerts/requests/{requestId}). */
export const opsgenieRequestStatusSchema = z.object({
  data: z.object({
    success: z.boolean(),
    action: z.string(),
    processedAt: z.string(),
    integrationId: z.string(),
    isSuccess: z.boolean(),
    status: z.string(),
    alertId: z.string(),
    alias: z.string(),
  }),
  ...envelope,
});

export type OpsgenieAlert = z.infer<typeof opsgenieAlertSchema>;
export type OpsgenieBaseAlert = z.infer<typeof opsgenieBaseAlertSchema>;
export type OpsgenieRequestStatus = z.infer<typeof opsgenieRequestStatusSchema>;
