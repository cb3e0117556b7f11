/**
 * Status page subscribers (no account): what the page's script posts (the browser's PushSubscription), what it
 * gets back, and the push message a subscriber's service worker receives for each public update.
 */
import { z } from '@hono/zod-openapi';
import { pushKeysSchema, pushSubscriptionFields } from './device-schemas';

/** PushSubscription.toJSON() as the browser gives it; nothing else is accepted or kept. */
export const statusSubscribeBody = z
  .object({ ...pushSubscriptionFields, keys: pushKeysSchema.strict() })
  .strict()
  .openapi('StatusSubscribeBody');

export const statusSubscriptionSchema = z
  .object({
    id: z.string().openapi({ example: 'ssb_…' }),
    unsubscribeToken: z
      .string()
      .openapi({ description: 'Keep it: POST it to /status/unsubscribe to stop notifications' }),
    unsubscribeUrl: z
      .string()
      .openapi({ example: 'https://status.example.com/status/unsubscribe?token=…' }),
  })
  .openapi('StatusSubscription');

export const unsubscribeQuery = z.object({
  token: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'token', in: 'query' }, description: 'The unsubscribe token' }),
});

/** The decrypted push message for one public update (pwa/src/sw/status-push.ts shows it). */
export const statusPushPayloadSchema = z.object({
  kind: z.literal('status'),
  /** The publication: one notification per publication, a later update replaces it. */
  tag: z.string(),
  title: z.string(),
  body: z.string(),
  /** Same-origin path the notification opens: /status. */
  url: z.string(),
  /** One-tap unsubscribe: POST here (the token is in the query). */
  unsubscribeUrl: z.string(),
  sentAt: z.number(),
});
/** An email subscription: the page's form (no script) or JSON. */
export const emailSubscribeBody = z
  .object({
    email: z
      .string()
      .trim()
      .max(254)
      .email('must be an email address, like you@example.com')
      .openapi({ example: 'you@example.com' }),
  })
  .strict()
  .openapi('StatusEmailSubscribeBody');

export type StatusPushPayload = z.infer<typeof statusPushPayloadSchema>;
export type StatusSubscribeBody = z.infer<typeof statusSubscribeBody>;
