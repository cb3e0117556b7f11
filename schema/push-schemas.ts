/**
 * The page as the phone's service worker receives it (decrypted push message body), as zod shapes with the
 * types derived from them. The worker builds it (worker/push/payload.ts); pwa/src/sw reads it through the
 * types in ./push, so no validator enters the service worker.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';

/** The incident facts a page carries. */
export const pagedIncidentSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  serviceName: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  alertCount: z.number().int(),
});

/** The decrypted push message body. */
export const pagePayloadSchema = z.object({
  kind: z.enum(['page', 'test']),
  incidentId: z.string(),
  number: z.number().int(),
  title: z.string(),
  /** One line for the notification body: "#42 · critical · checkout · 3 alerts". */
  body: z.string(),
  service: z.string(),
  severity: z.enum(SEVERITIES),
  alertCount: z.number().int(),
  /** Same-origin path the notification opens. */
  url: z.string(),
  /** Capability for the notification's Acknowledge action and the delivery receipt; see worker/push/action-token.ts. */
  actionToken: z.string(),
  /** When Firebell sent it, epoch ms. */
  sentAt: z.number(),
});

export type PagedIncident = z.infer<typeof pagedIncidentSchema>;
export type PagePayload = z.infer<typeof pagePayloadSchema>;
