/**
 * What monitors send Firebell's own generic hook, and what Firebell answers the monitors that page it, as zod
 * shapes (the OpenAPI doc) with the types derived from them: its own hooks' answer, and PagerDuty's Events API
 * answers, which senders built for PagerDuty read. The Opsgenie Alert API's answers are in ./opsgenie-schemas.
 */
import { z } from '@hono/zod-openapi';
import { ALERT_ACTIONS, KEY_MAX, SEVERITIES, type AlertAction } from './alert';
import { GENERIC_DEFAULT_SEVERITY, mapSeverity } from './severity';
import { listNames } from './text';

const GENERIC_FIELDS = [
  'summary',
  'details',
  'severity',
  'dedup_key',
  'action',
  'links',
  'source',
  'token',
] as const;
const SUMMARY_REQUIRED = 'summary is required and must not be blank';

/** A trimmed string; absent, null or blank is "not given" (a script's empty variable is not a value). */
const optionalText = (key: string) =>
  z
    .string({ error: `${key} must be a string` })
    .nullish()
    .transform((value) => value?.trim() || undefined)
    .optional();

/** One word from a fixed list (blank: the default); the documented values are the list, the check is `read`. */
function choice<T extends string>(
  key: string,
  values: readonly T[],
  fallback: T,
  read: (text: string) => T | undefined,
) {
  return optionalText(key)
    .transform((text, ctx) => {
      const value = text === undefined ? fallback : read(text);
      if (value === undefined)
        ctx.issues.push({
          code: 'custom',
          input: text,
          message: `${key} must be one of ${values.join(', ')}`,
        });
      return value as T;
    })
    .default(fallback as never)
    .openapi({ type: 'string', enum: [...values], default: fallback });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const genericLinkSchema = z.union(
  [
    z.string().transform((href) => ({ href: href.trim() })),
    z
      .object({ href: z.string(), text: z.string().optional() })
      .transform(({ href, text }) => (text ? { href: href.trim(), text } : { href: href.trim() })),
  ],
  {
    // The message names the entry: the path is complete when messages are made, after parsing.
    error: (issue) =>
      `links[${String(issue.path?.at(-1))}] must be a URL string or an object with a string href and optional string text`,
  },
);

/**
 * Firebell's generic alert (POST /hooks/generic), JSON or form. Strict about field names, because a typo like
 * `sumary` from a shell script should fail loudly rather than page with a blank alert. `token` is accepted and
 * dropped: the route authenticates with it. Each message is a whole sentence the sender reads in the problem.
 */
export const genericAlertSchema = z
  .strictObject(
    {
      summary: z
        .string({
          error: (issue) => (issue.input == null ? SUMMARY_REQUIRED : 'summary must be a string'),
        })
        .trim()
        // Not .min(1): zod runs length checks even after a type error, and [] would be told both.
        .refine((text) => text !== '', { error: SUMMARY_REQUIRED })
        .openapi({ minLength: 1 }),
      severity: choice('severity', SEVERITIES, GENERIC_DEFAULT_SEVERITY, mapSeverity).openapi({
        description: 'Case-insensitive; common aliases (crit, warn, p1–p5, …) are accepted too',
      }),
      action: choice('action', ALERT_ACTIONS, 'trigger', (text) =>
        (ALERT_ACTIONS as readonly string[]).includes(text) ? (text as AlertAction) : undefined,
      ),
      dedup_key: optionalText('dedup_key')
        .refine((key) => key === undefined || key.length <= KEY_MAX, {
          error: `dedup_key must be at most ${KEY_MAX} characters`,
        })
        .openapi({
          type: 'string',
          maxLength: KEY_MAX,
          description: 'Without it, a hash of summary and source is the key',
        }),
      source: optionalText('source').openapi({ type: 'string' }),
      token: optionalText('token')
        .transform(() => undefined)
        .openapi({ type: 'string', description: 'The integration key, when not in the URL' }),
      details: z
        .unknown()
        .refine((value) => value == null || typeof value === 'string' || isObject(value), {
          error: 'details must be an object or a string',
        })
        .optional()
        .openapi({ oneOf: [{ type: 'object' }, { type: 'string' }] }),
      links: z
        .array(genericLinkSchema, {
          error: 'links must be an array of URLs or {href, text} objects',
        })
        .nullish()
        .transform((links) => links ?? [])
        .default([]),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${listNames(issue.keys)} (allowed: ${GENERIC_FIELDS.join(', ')})`
          : 'body must be a JSON object',
    },
  )
  .openapi('GenericAlert');

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
  rules: z
    .object({
      version: z.number().int().openapi({ description: 'The rule version that judged them' }),
      judged: z.number().int(),
      passed: z.number().int(),
      suppressed: z.number().int(),
      dropped: z.number().int(),
      routed: z.number().int(),
      alerts: z.array(
        z.object({
          alertKey: z.string(),
          dedupKey: z.string().openapi({ description: 'After any set_dedup_key' }),
          outcome: z.enum(['passed', 'suppressed', 'dropped', 'routed']).openapi({
            description:
              'passed: on to deduplication (see incidents); suppressed: recorded, no incident, nobody paged; dropped: counted only; routed: to serviceId',
          }),
          serviceId: z.string(),
          then: z.enum(['passed', 'suppressed', 'dropped']).optional(),
          rules: z.array(z.object({ id: z.string(), name: z.string() })),
          notes: z.array(z.string()).optional(),
        }),
      ),
    })
    .optional()
    .openapi({
      description:
        'When the service has event rules: what they did, per alert (the first 1,000) and in total',
    }),
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
export type GenericAlert = z.output<typeof genericAlertSchema>;
