/**
 * Services, their integrations and the payloads integrations received, on the wire: the zod shapes (OpenAPI
 * doc) and the types derived from them, which schema/directory.ts re-exports.
 */
import { z } from '@hono/zod-openapi';
import { INTEGRATION_TYPES } from './alert';

/** PagerDuty's documented Events API limit per integration key; a sender that copes with PagerDuty copes with us. */
export const DEFAULT_RATE_PER_MINUTE = 120;

/** An empty PATCH is a mistake worth saying so. */
const anyField = (body: Record<string, unknown>) =>
  Object.values(body).some((v) => v !== undefined);

/** A service incidents are opened on (GET /api/services). */
export const serviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    policyId: z.string().nullable(),
    createdAt: z.number(),
  })
  .openapi('Service');

/** An integration: a monitor's key into one service. The key itself is only in IntegrationWithKey. */
export const integrationSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    type: z.enum(INTEGRATION_TYPES),
    name: z.string(),
    ratePerMinute: z.number().int(),
    signed: z
      .boolean()
      .openapi({ description: 'Whether payloads must carry a Grafana HMAC signature' }),
    endpoint: z
      .string()
      .openapi({ description: 'Where the monitor posts; {key} stands for the key' }),
    keyIn: z.string(),
    createdAt: z.number(),
    revokedAt: z.number().nullable(),
  })
  .openapi('Integration');

/** One request an integration received (newest first in an integration's `recentPayloads`). */
export const payloadSchema = z
  .object({
    receivedAt: z.number(),
    method: z.string(),
    contentType: z.string().nullable(),
    userAgent: z.string().nullable(),
    /** Size of the body as received. */
    bytes: z.number().int(),
    /** The body with the integration key redacted, cut to PAYLOAD_MAX_BYTES (worker/service/store.ts). */
    body: z.string().openapi({ description: 'The body with the key redacted, cut to 8 KB' }),
    truncated: z.boolean(),
    outcome: z.enum(['accepted', 'rejected', 'rate_limited', 'failed']),
    /** What came of it: the incident it opened or joined, or why it was refused. */
    detail: z.string(),
  })
  .openapi('ReceivedPayload');

/** The answer to creating or rotating an integration: the only time the key is shown. */
export const integrationWithKeySchema = integrationSchema
  .extend({ key: z.string(), url: z.string() })
  .openapi('IntegrationWithKey');

/** What an admin writes for a service and an integration. */
export const serviceInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(2000).optional(),
    policyId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'Escalation policy that pages for this service' }),
  })
  .strict();
export const servicePatch = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .refine(anyField, { message: 'send name and/or description' });
export const integrationInput = z
  .object({
    type: z.enum(INTEGRATION_TYPES),
    name: z.string().trim().min(1).max(120).optional(),
    signingSecret: z.string().min(8).max(256).optional().openapi({
      description:
        'Grafana only: the HMAC secret set on the contact point, whose Timestamp header must be X-Grafana-Alerting-Signature-Timestamp',
    }),
    ratePerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .openapi({
        description: `Requests a minute this key may send (default ${DEFAULT_RATE_PER_MINUTE})`,
      }),
  })
  .strict();
export const integrationPatch = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    ratePerMinute: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .refine(anyField, { message: 'send name and/or ratePerMinute' });

/** A service's integrations, each with what it received lately (newest first). */
export const integrationListSchema = z.object({
  integrations: z.array(integrationSchema.extend({ recentPayloads: z.array(payloadSchema) })),
});

export type Service = z.infer<typeof serviceSchema>;
export type Integration = z.infer<typeof integrationSchema>;
export type IntegrationWithKey = z.infer<typeof integrationWithKeySchema>;
export type RecordedPayload = z.infer<typeof payloadSchema>;
