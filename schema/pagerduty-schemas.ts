/**
 * PagerDuty Events API v2 bodies as senders post them (alert events to /v2/enqueue, change events to
 * /v2/change/enqueue), as zod shapes. Messages are worded like PagerDuty's own `{"errors":[…]}`, naming each
 * field by its path, so existing senders log something familiar. What Firebell answers is in ./ingest-schemas.
 */
import { z } from '@hono/zod-openapi';
import { ALERT_ACTIONS, KEY_MAX, SEVERITIES, type AlertAction, type Severity } from './alert';
import { clip } from './text';
import { parseTimestamp } from './timestamp';

/** A field's path as PagerDuty names it: payload.summary, links[0].href. */
const label = (path: readonly PropertyKey[] | undefined) =>
  (path ?? [])
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
const invalid = (what: string) => (issue: { path?: PropertyKey[] }) =>
  `'${label(issue.path)}' is invalid (${what})`;
const missingOrBlank = (issue: { path?: PropertyKey[] }) =>
  `'${label(issue.path)}' is missing or blank`;

/** PagerDuty's wording for each field it does not know; the adapter lists at most ten. */
export const unrecognizedField = (key: string) => `'${clip(key, 64)}' is not a recognized field`;

/** Absent, null or blank is "not set"; a value is kept as sent. */
const text = () =>
  z
    .string({ error: invalid('must be a string') })
    .nullish()
    .transform((value) => (value == null || value.trim() === '' ? undefined : value))
    .optional()
    .openapi({ type: 'string' });

const requiredText = () =>
  z
    .string({
      error: (issue) =>
        issue.input == null ? missingOrBlank(issue) : invalid('must be a string')(issue),
    })
    .refine((value) => value.trim() !== '', { error: missingOrBlank })
    .openapi({ minLength: 1 });

/** One of a fixed list, compared as sent. */
const oneOf = <T extends string>(values: readonly T[]) =>
  requiredText()
    .refine((value) => value.trim() === '' || (values as readonly string[]).includes(value), {
      error: invalid(`must be one of ${values.join(', ')}`),
    })
    .transform((value) => value as T)
    .openapi({ type: 'string', enum: [...values] });

const timestamp = () =>
  text()
    .refine((value) => value === undefined || parseTimestamp(value) !== undefined, {
      error: invalid('must be an ISO 8601 timestamp'),
    })
    .transform(parseTimestamp)
    .openapi({ type: 'string', format: 'date-time' });

const routingKey = z
  .string({
    error: (issue) =>
      issue.input == null
        ? "'routing_key' is missing"
        : "'routing_key' is invalid (must be a string)",
  })
  .refine((key) => key.trim() !== '', { error: "'routing_key' is missing" })
  .transform((key) => key.trim())
  .openapi({ type: 'string', minLength: 1, description: 'The integration key' });

const tooLong = (key: string | undefined) => key === undefined || key.length <= KEY_MAX;
const dedupKeyTooLong = {
  error: `'dedup_key' is too long (must be at most ${KEY_MAX} characters)`,
};

const list = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: invalid('must be an array') }).nullish();
const item = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, { error: invalid('must be an object') });

const links = list(item({ href: requiredText(), text: text() }));
/** An image's own link (href) beats its source: that is where PagerDuty sends a tap. */
const images = list(item({ src: requiredText(), alt: text(), href: text() }));

/** A trigger's payload, which PagerDuty checks in full. */
const triggerPayload = z.object(
  {
    summary: requiredText(),
    source: requiredText(),
    severity: oneOf<Severity>(SEVERITIES),
    timestamp: timestamp(),
    component: text(),
    group: text(),
    class: text(),
    custom_details: z
      .unknown()
      .optional()
      .openapi({ description: 'Any JSON: the alert’s details' }),
  },
  {
    error: (issue) =>
      issue.input == null ? "'payload' is missing" : "'payload' is invalid (must be an object)",
  },
);

const event = <D extends z.ZodType, P extends z.ZodType>(dedupKey: D, payload: P) =>
  z.strictObject(
    {
      routing_key: routingKey,
      event_action: oneOf<AlertAction>(ALERT_ACTIONS),
      dedup_key: dedupKey,
      payload,
      links,
      images,
      client_url: text(),
      client: text(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? unrecognizedField(issue.keys[0] ?? '')
          : "'event' is invalid (must be a JSON object)",
    },
  );

/**
 * An alert event, by its event_action: a trigger's payload is checked and its dedup_key is optional (PagerDuty
 * makes one); acknowledge and resolve need the dedup_key and their payload is read leniently, as PagerDuty does.
 */
export const pagerDutyEventSchemas = {
  trigger: event(
    text().refine(tooLong, dedupKeyTooLong).openapi({ maxLength: KEY_MAX }),
    triggerPayload,
  ).openapi('PagerDutyEvent'),
  acknowledgeOrResolve: event(
    requiredText().refine(tooLong, dedupKeyTooLong),
    z.unknown().optional(),
  ),
  /** No valid event_action: that is reported, the rest read as leniently as possible. */
  unknownAction: event(text().refine(tooLong, dedupKeyTooLong), z.unknown().optional()),
};

/** A change event (POST /v2/change/enqueue). */
export const pagerDutyChangeSchema = z
  .strictObject(
    {
      routing_key: routingKey,
      payload: z.object(
        {
          summary: requiredText(),
          source: text(),
          timestamp: timestamp(),
          custom_details: z
            .unknown()
            .refine(
              (value) => value == null || (typeof value === 'object' && !Array.isArray(value)),
              { error: "'payload.custom_details' is invalid (must be an object)" },
            )
            .optional()
            .openapi({ type: 'object' }),
        },
        {
          error: (issue) =>
            issue.input == null
              ? "'payload' is missing"
              : "'payload' is invalid (must be an object)",
        },
      ),
      links,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? unrecognizedField(issue.keys[0] ?? '')
          : "'event' is invalid (must be a JSON object)",
    },
  )
  .openapi('PagerDutyChangeEvent');

export type PagerDutyTriggerPayload = z.output<typeof triggerPayload>;
