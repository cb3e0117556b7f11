/**
 * A custom integration's mapping: how any monitor's own JSON (or form) body becomes alert events, on the wire.
 * Fields hold JSONata expressions (paths and conditions) or text templates with `{{ expression }}` placeholders,
 * both run by worker/mapping/expression.ts with step, depth and size bounds. Evaluated against one alert item
 * (the whole body, or each element of `alerts`), with the whole body bound to `$body`.
 */
import { z } from '@hono/zod-openapi';
import { ALERT_ACTIONS, SEVERITIES } from './alert';

/** The longest expression or template an admin may save; longer is a program, not a mapping. */
export const EXPRESSION_MAX = 2000;
/** Entries in one value map (severity or action). */
export const VALUE_MAP_MAX = 100;

const expression = z
  .string()
  .trim()
  .min(1)
  .max(EXPRESSION_MAX)
  .openapi({ description: 'A JSONata expression over the alert item; `$body` is the whole body' });
const template = z.string().min(1).max(EXPRESSION_MAX).openapi({
  description: 'Text with {{ expression }} placeholders, e.g. "{{ monitor.name }} is down"',
});
const valueMap = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .record(z.string().max(200), z.enum(values))
    .refine((m) => Object.keys(m).length <= VALUE_MAP_MAX, {
      message: `at most ${VALUE_MAP_MAX} entries`,
    });

/** Severity or action: an expression's value, looked up in `map` (exact, then case-insensitive), else `default`. */
const mappedSeverity = z
  .object({
    value: expression,
    map: valueMap(SEVERITIES).optional(),
    default: z.enum(SEVERITIES).optional(),
  })
  .strict();
const mappedAction = z
  .object({
    value: expression,
    map: valueMap(ALERT_ACTIONS).optional(),
    default: z.enum(ALERT_ACTIONS).optional(),
  })
  .strict();

export const mappingSchema = z
  .object({
    /** Several alerts from one body: an expression giving a list; each element becomes the item the fields read. */
    alerts: expression.optional(),
    /** The alert's summary (the incident's title). Required: an alert with no words pages no one usefully. */
    summary: template,
    severity: mappedSeverity.optional(),
    /** Trigger, acknowledge or resolve; without it every body triggers. */
    action: mappedAction.optional(),
    /** Groups alerts into one incident; without it, a hash of summary and source, as the generic shape does. */
    dedup_key: template.optional(),
    source: template.optional(),
    /** When the alert started: epoch seconds or ms, or an ISO 8601 string. */
    occurred_at: expression.optional(),
    /** A list of URL strings or {href, text} objects. */
    links: expression.optional(),
    /** A list of image URL strings or {src, href, alt} objects, shown as links. */
    images: expression.optional(),
    /** An object (or text) kept as the alert's details; without it, the whole item. */
    details: expression.optional(),
  })
  .strict()
  .openapi('Mapping');

/** A ready-made mapping shipped with Firebell, chosen from a list when creating a custom integration. */
export const mappingPresetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** How to point the monitor at Firebell, in a sentence or two. */
    setup: z.string(),
    docs: z.string().url().optional(),
    mapping: mappingSchema,
  })
  .openapi('MappingPreset');

/** The alert one payload maps to in a preview, with the fallbacks used on the way. */
export const mappedAlertSchema = z.object({
  action: z.enum(ALERT_ACTIONS),
  summary: z.string(),
  severity: z.enum(SEVERITIES),
  dedupKey: z.string(),
  source: z.string().optional(),
  occurredAt: z.number().optional(),
  links: z.array(z.object({ href: z.string(), text: z.string().optional() })),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type MappingPreset = z.infer<typeof mappingPresetSchema>;
