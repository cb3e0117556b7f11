/**
 * Escalation policies on the wire: what an admin writes and what readers get back, with the types derived
 * from them (the PWA imports the types only).
 */
import { z } from '@hono/zod-openapi';
import { COVERAGE_DAYS } from './oncall';
import { coverageSchema, id } from './schedule-schemas';

export const targetSchema = z
  .object({ type: z.enum(['user', 'schedule']), id })
  .strict()
  .openapi('EscalationTarget');
export const levelSchema = z
  .object({
    // Whole minutes are the product rule; fractions are accepted so a test or a restart drill can wait seconds, not minutes.
    delayMinutes: z.number().min(0).max(1440).openapi({
      description:
        'minutes to wait for an acknowledgement before the next level; fractions allowed (0.1 = 6 s)',
    }),
    targets: z.array(targetSchema).min(1).max(20),
  })
  .strict()
  .openapi('EscalationLevel');
export const policyInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    levels: z.array(levelSchema).min(1).max(20),
    repeat: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .openapi({ description: 'times the whole policy runs (1 = once through)' }),
    renotifyMinutes: z.number().int().min(1).max(1440).nullable().default(null).openapi({
      description:
        'page the current level again every N minutes while unacknowledged; null = never',
    }),
  })
  .strict()
  .openapi('EscalationPolicyInput');
const named = z.object({ id: z.string(), name: z.string() });
const emptyLevelSchema = z.object({ level: z.number().int(), until: z.number().nullable() });
export const policySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    levels: z.array(levelSchema),
    repeat: z.number(),
    renotifyMinutes: z.number().nullable(),
    services: z.array(named).openapi({ description: 'services this policy pages for' }),
    coverage: coverageSchema
      .extend({
        emptyNow: z.array(emptyLevelSchema).openapi({
          description:
            'levels (1-based) that reach nobody now, and when someone next comes on call (null: not within the window)',
        }),
      })
      .openapi({
        description: `over the next ${COVERAGE_DAYS} days; gaps are when no level reaches anyone`,
      }),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('EscalationPolicy');

export type EscalationTarget = z.infer<typeof targetSchema>;
export type EscalationLevel = z.infer<typeof levelSchema>;
/** What an admin writes for a policy (repeat and renotifyMinutes have defaults). */
export type PolicyInput = z.input<typeof policyInput>;
/** An escalation policy as GET /api/policies lists it. */
export type Policy = z.infer<typeof policySchema>;
/** A policy level that reaches nobody right now (1-based), and when someone next comes on call (null: not within the window). */
export type EmptyLevel = z.infer<typeof emptyLevelSchema>;
