/**
 * Contact methods (besides push devices) and notification rules on the wire: what Settings shows and
 * sends. Zod shapes with the types derived from them; the PWA imports the types only.
 */
import { z } from '@hono/zod-openapi';

export const CHANNELS = ['push', 'email', 'sms', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Methods kept in contact_methods (push devices live in push_subscriptions). sms and voice are phone numbers. */
export const METHOD_KINDS = ['email', 'sms', 'voice'] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];

/** E.164, as Twilio takes it: +, country code, subscriber number, 15 digits at most. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export const URGENCIES = ['high', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** One of my email addresses or phone numbers; it pages only once verified. */
export const contactMethodSchema = z
  .object({
    id: z.string(),
    kind: z.enum(METHOD_KINDS),
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
    kind: z.enum(METHOD_KINDS).default('email').openapi({
      description: 'email, or sms / voice for a phone number (when Twilio is configured)',
    }),
    address: z.string().trim().max(254).openapi({
      example: 'ana@example.com',
      description: 'An email address, or an E.164 phone number (+447700900123) for sms and voice',
    }),
  })
  .strict()
  .superRefine((b, ctx) => {
    const ok =
      b.kind === 'email'
        ? z.string().email().safeParse(b.address).success
        : E164.test(b.address.replace(/[\s()-]/g, ''));
    if (!ok)
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message:
          b.kind === 'email'
            ? 'must be an email address'
            : 'must be a phone number in E.164 form: + then country code and number, e.g. +447700900123',
      });
  })
  .openapi('AddContactMethod');

export const verifyBody = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'must be the 6 digits from the email or text message')
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
