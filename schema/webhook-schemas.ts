/**
 * Outgoing webhooks: the event body every subscriber receives (version 1 of a documented, versioned schema,
 * signed per the Standard Webhooks specification) and the subscription shapes of /api/webhooks.
 * Adding a field is compatible; renaming or removing one means `version: 2`.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';
import { INCIDENT_STATUSES } from './incident';

/** The incident events a subscription can ask for. */
export const WEBHOOK_EVENT_TYPES = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.escalated',
  'incident.reassigned',
  'incident.resolved',
  'incident.reopened',
  'incident.severity_changed',
  'incident.role_assigned',
  'incident.note_added',
  'incident.status_update',
  'incident.review_published',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "send test event"; never subscribed to. */
export const WEBHOOK_TEST_TYPE = 'webhook.test';

export const webhookEventSchema = z
  .object({
    version: z.literal(1),
    /** Unique per event; also the `webhook-id` header, so a receiver can drop redeliveries. */
    id: z.string().openapi({ example: 'evt_0123456789abcdefghjk' }),
    type: z.enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_TYPE]),
    occurred_at: z.string().datetime().openapi({ example: '2026-12-01T11:00:00.000Z' }),
    incident: z.object({
      id: z.string(),
      number: z.number().int(),
      title: z.string(),
      status: z.enum(INCIDENT_STATUSES),
      severity: z.enum(SEVERITIES),
      service: z.object({ id: z.string(), name: z.string() }).nullable(),
      /** The incident's page in the Firebell PWA. */
      url: z.string().url(),
    }),
    actor: z.object({
      type: z.enum(['user', 'system', 'integration']),
      id: z.string().optional(),
      name: z.string().optional(),
    }),
    /** The timeline entry the event comes from, when there is one. */
    entry: z.object({ seq: z.number().int(), kind: z.string(), text: z.string() }).nullable(),
  })
  .openapi('WebhookEvent');
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

const eventList = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length);

export const webhookSubscriptionSchema = z
  .object({
    id: z.string().openapi({ example: 'whk_0123456789abcdefghjk' }),
    url: z.string(),
    /** null: every service. */
    serviceId: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    /** Why Firebell disabled it (e.g. failing for 24 h); null when enabled or disabled by hand. */
    disabledReason: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('WebhookSubscription');
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookInput = z
  .object({
    url: z.string().min(1).max(2048),
    serviceId: z.string().min(1).max(64).nullable().default(null),
    events: eventList,
    enabled: z.boolean().default(true),
  })
  .openapi('WebhookInput');
export type WebhookInput = z.infer<typeof webhookInput>;

export const webhookPatch = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    serviceId: z.string().min(1).max(64).nullable().optional(),
    events: eventList.optional(),
    /** true re-enables a subscription Firebell disabled, and clears the reason. */
    enabled: z.boolean().optional(),
    /** Adds a new signing secret; the previous ones keep signing for 24 h so receivers can switch over. */
    rotateSecret: z.boolean().optional(),
  })
  .openapi('WebhookPatch');
export type WebhookPatch = z.infer<typeof webhookPatch>;

/** One delivery attempt as the log keeps it. */
export const webhookDeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The attempt id, for redeliver' }),
    eventId: z.string(),
    type: z.string(),
    attempt: z.number().int(),
    at: z.number().int(),
    /** HTTP status, or null when the connection failed or the target was refused. */
    status: z.number().int().nullable(),
    latencyMs: z.number().int(),
    /** What happens next: delivered, retrying (nextAt), failed (final). */
    outcome: z.enum(['delivered', 'retrying', 'failed']),
    nextAt: z.number().int().nullable(),
    /** The first 1 KB of the response body, or the connection error. */
    response: z.string(),
  })
  .openapi('WebhookDelivery');
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
