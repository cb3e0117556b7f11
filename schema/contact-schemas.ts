/**
 * Contact methods (besides push devices) and notification rules on the wire: what Settings shows and
 * sends. Zod shapes with the types derived from them; the PWA imports the types only.
 */
import { z } from '@hono/zod-openapi';

export const CHANNELS = ['push', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCIES = ['high', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** One of my email addresses; it pages only once verified. */
export const contactMethodSchema = z
  .object({
    id: z.string(),
    kind: z.literal('email'),
    address: z.string(),
    verified: z.boolean(),
    createdAt: z.number(),
    lastSuccessAt: z.number().nullable(),
    lastFailureAt: z.number().nullable(),
    lastFailure: z.string().nullable(),
  })
  .openapi('ContactMethod');
export type ContactMethod = z.infer<typeof contactMethodSchema>;

export const addEmailBody = z
  .object({
    kind: z.literal('email').default('email'),
    address: z
      .string()
      .trim()
      .max(254)
      .email()
      .openapi({ example: 'ana@example.com', description: 'Where pages and the code go' }),
  })
  .strict()
  .openapi('AddContactMethod');

export const verifyBody = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'must be the 6 digits from the email')
      .openapi({ example: '123456' }),
  })
  .strict()
  .openapi('VerifyContactMethod');

/** What happened to the email that carries the code. */
export const codeSentSchema = z
  .object({ sent: z.boolean(), message: z.string() })
  .openapi('VerificationCodeSent');

/** One step: "at N minutes, notify on this channel". */
export const ruleStepSchema = z
  .object({
    afterMinutes: z.number().int().min(0).max(1440),
    channel: z.enum(CHANNELS),
  })
  .strict()
  .openapi('NotificationStep');
export type RuleStep = z.infer<typeof ruleStepSchema>;

/** Working hours in my time zone: low-urgency pages outside them wait for the next start. */
export const workingHoursSchema = z
  .object({
    timeZone: z.string().min(1).max(64).openapi({ example: 'Europe/Lisbon' }),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm'),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm'),
  })
  .strict()
  .openapi('WorkingHours');
export type WorkingHours = z.infer<typeof workingHoursSchema>;

export const notificationRulesSchema = z
  .object({
    high: z.array(ruleStepSchema).max(10),
    low: z.array(ruleStepSchema).max(10),
    /** null: low urgency notifies at any hour, like high. */
    workingHours: workingHoursSchema.nullable(),
  })
  .strict()
  .openapi('NotificationRules');
export type NotificationRules = z.infer<typeof notificationRulesSchema>;
