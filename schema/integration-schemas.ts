/**
 * Services, their integrations and the payloads integrations received, on the wire: the zod shapes (OpenAPI
 * doc) and the types derived from them, which schema/directory.ts re-exports.
 */
import { z } from '@hono/zod-openapi';
import { INTEGRATION_TYPES } from './alert';
import { mappedAlertSchema, mappingPresetSchema, mappingSchema } from './mapping-schemas';

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
    mapping: mappingSchema
      .nullable()
      .openapi({ description: 'Custom integrations: how their bodies become alerts' }),
    preset: z.string().nullable().openapi({
      description: 'The ready-made mapping this one was made from, while it is unchanged',
    }),
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
    /** The body with the integration key redacted, cut to the payload limits of worker/service/store.ts. */
    body: z.string().openapi({
      description:
        'The body with the key redacted, cut to 8 KB (64 KB for custom integrations, whose mapping previews read it)',
    }),
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
    preset: z.string().min(1).max(64).optional().openapi({
      description: 'Custom only: the id of a ready-made mapping (GET /api/mapping-presets)',
    }),
    mapping: mappingSchema.optional().openapi({
      description: 'Custom only: the mapping, when no preset is named',
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

/** PUT …/integrations/{iid}/mapping: a mapping failing on every recent payload needs `confirm: true`. */
export const mappingUpdateInput = z
  .object({
    mapping: mappingSchema,
    confirm: z.boolean().optional().openapi({
      description: 'Save even though the mapping fails on every recent payload',
    }),
  })
  .strict();

/** POST …/integrations/{iid}/mapping/preview: try a mapping without saving it. */
export const mappingPreviewInput = z.object({ mapping: mappingSchema }).strict();

/** What a mapping makes of one recorded payload. */
export const previewResultSchema = z
  .object({
    receivedAt: z.number(),
    contentType: z.string().nullable(),
    /** The body was cut when recorded; the mapping saw only its head, or could not read it. */
    truncated: z.boolean(),
    bytes: z.number().int(),
    alerts: z.array(mappedAlertSchema),
    /** Each fallback the mapping used, and why. */
    notes: z.array(z.string()),
    /** Why the body could not be mapped at all (not JSON, cut when recorded), else null. */
    error: z.string().nullable(),
  })
  .openapi('MappingPreviewResult');

/** A mapping tried on an integration's recent payloads, newest first. */
export const mappingPreviewSchema = z
  .object({
    results: z.array(previewResultSchema),
    /** True when at least one payload could be read and the mapping failed on every such one. */
    failsOnAll: z.boolean(),
  })
  .openapi('MappingPreview');

export const mappingPresetListSchema = z.object({ presets: z.array(mappingPresetSchema) });

export type Service = z.infer<typeof serviceSchema>;
export type Integration = z.infer<typeof integrationSchema>;
export type IntegrationWithKey = z.infer<typeof integrationWithKeySchema>;
export type RecordedPayload = z.infer<typeof payloadSchema>;
export type MappingPreview = z.infer<typeof mappingPreviewSchema>;
export type PreviewResult = z.infer<typeof previewResultSchema>;
