/**
 * Firebell's Opsgenie Alert API: the bodies senders built for Opsgenie post, and what it answers them, as zod
 * shapes with the types derived from them; the OpenAPI description is in worker/routes/opsgenie-openapi.ts.
 */
import { z } from '@hono/zod-openapi';

/** Opsgenie's alias and identifier limit; accepted aliases over KEY_MAX are hashed (fitKey). */
export const ALIAS_MAX = 512;
export const OPSGENIE_PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type OpsgeniePriority = (typeof OPSGENIE_PRIORITIES)[number];

/*
 * Request bodies. Opsgenie answers a bad body with one 422 sentence, so the adapter reads the first issue: each
 * field's messages are Opsgenie's, and fields are listed in the order Opsgenie reports them.
 */

/** Absent, null or blank is "not set"; a value is kept as sent (untrimmed, as Opsgenie keeps it). */
const text = (label: string) =>
  z
    .string({ error: `${label} should be a string.` })
    .nullish()
    .transform((value) => (value == null || value.trim() === '' ? undefined : value))
    .optional()
    .openapi({ type: 'string' });

/** An empty list is "not set". */
const listOf = <T extends z.ZodType>(item: T, error: string) =>
  z
    .array(item, { error })
    .nullish()
    .transform((value) => (value?.length ? value : undefined))
    .optional();
const strings = (label: string) =>
  listOf(
    z.string({ error: `${label} should be a list of strings.` }),
    `${label} should be a list of strings.`,
  );

const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

const MESSAGE_EMPTY = 'Message can not be empty.';

/** POST /v2/alerts. Unknown fields are ignored: senders such as Alertmanager add fields across versions. */
export const opsgenieCreateSchema = z
  .object(
    {
      message: z
        .string({
          error: (issue) => (issue.input == null ? MESSAGE_EMPTY : 'Message should be a string.'),
        })
        .refine((value) => value.trim() !== '', { error: MESSAGE_EMPTY })
        .openapi({ minLength: 1 }),
      alias: text('Alias')
        .refine((alias) => alias === undefined || alias.length <= ALIAS_MAX, {
          error: `Alias can not be longer than ${ALIAS_MAX} characters.`,
        })
        .openapi({ maxLength: ALIAS_MAX, description: 'The dedup key' }),
      priority: text('Priority')
        .refine(
          (priority) =>
            priority === undefined || (OPSGENIE_PRIORITIES as readonly string[]).includes(priority),
          { error: `Priority should be one of ${OPSGENIE_PRIORITIES.join(', ')}.` },
        )
        .transform((priority) => priority as OpsgeniePriority | undefined)
        .openapi({ enum: [...OPSGENIE_PRIORITIES], default: 'P3' }),
      source: text('Source'),
      description: text('Description'),
      tags: strings('Tags'),
      entity: text('Entity'),
      user: text('User'),
      note: text('Note'),
      responders: listOf(z.unknown(), 'Responders should be a list.'),
      visibleTo: listOf(z.unknown(), 'VisibleTo should be a list.'),
      actions: strings('Actions'),
      // Checked whole, not as a z.record: the map is kept as sent (a record would be rebuilt key by key).
      details: z
        .unknown()
        .refine((value) => value == null || isStringMap(value), {
          error: 'Details should be a map of string keys to string values.',
        })
        .transform((value) => (isStringMap(value) && Object.keys(value).length ? value : undefined))
        .optional()
        .openapi({ type: 'object', additionalProperties: { type: 'string' } }),
    },
    { error: 'Request body should be a JSON object.' },
  )
  .openapi('OpsgenieCreateAlert');

/** The body of close, acknowledge and add note (absent is allowed, as Opsgenie allows it). */
export const opsgenieActionSchema = z.object(
  { note: text('Note'), user: text('User'), source: text('Source') },
  { error: 'Request body should be a JSON object.' },
);

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
export type OpsgenieCreate = z.output<typeof opsgenieCreateSchema>;
