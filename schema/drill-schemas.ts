/**
 * Page drills on the wire (worker/drills/): a team's drill settings, the drill report (who was drilled,
 * which methods passed, time to receipt) and the methods currently failing, flagged on the on-call screen.
 */
import { z } from '@hono/zod-openapi';

export const drillSettingsSchema = z
  .object({
    minutesBefore: z.number().int().min(5).max(720).nullable().openapi({
      description:
        'Drill the incoming on-call person this many minutes before each handoff; null: on demand only',
      example: 30,
    }),
    receiptMinutes: z.number().int().min(1).max(60).openapi({
      description:
        'How long a drill waits for a push receipt or Twilio’s delivery report before the method fails',
      example: 10,
    }),
  })
  .openapi('DrillSettings');

export const drillSettingsBody = drillSettingsSchema.strict();

export const drillSettingsResponse = z.object({
  settings: drillSettingsSchema,
  nextDrillAt: z
    .number()
    .nullable()
    .openapi({ description: 'When the next scheduled drill runs (epoch ms); null: none planned' }),
});

/** What a drill check tests: a push device, a verified email address, or a verified SMS or voice number. */
export const drillChannelSchema = z.enum(['push', 'email', 'sms', 'voice']);

export const drillCheckSchema = z
  .object({
    channel: drillChannelSchema,
    methodId: z.string(),
    label: z.string().openapi({ example: 'Pixel 8' }),
    status: z.enum(['waiting', 'passed', 'failed']),
    detail: z.string().openapi({ example: 'device gone (410), subscription removed' }),
    sentAt: z.number(),
    receiptAt: z.number().nullable(),
    msToReceipt: z.number().nullable().openapi({
      description:
        'Push: until the service worker showed it; email: until the mail server accepted it; SMS: until Twilio reported it delivered; voice: until Twilio reported the call answered and ended',
    }),
  })
  .openapi('DrillCheck');

export const drillSchema = z
  .object({
    id: z.string(),
    teamId: z.string(),
    trigger: z.enum(['scheduled', 'manual']),
    handoffAt: z.number().nullable(),
    requestedBy: z.string().nullable(),
    startedAt: z.number(),
    deadlineAt: z.number(),
    finishedAt: z.number().nullable(),
    status: z.enum(['running', 'passed', 'failed']),
    people: z.array(
      z.object({ userId: z.string(), name: z.string(), checks: z.array(drillCheckSchema) }),
    ),
  })
  .openapi('Drill');

export const failingMethodSchema = z
  .object({
    teamId: z.string(),
    teamName: z.string(),
    drillId: z.string(),
    userId: z.string(),
    userName: z.string(),
    channel: drillChannelSchema,
    label: z.string(),
    detail: z.string(),
    at: z.number(),
  })
  .openapi('FailingMethod');

export type DrillChannel = z.infer<typeof drillChannelSchema>;
export type DrillSettings = z.infer<typeof drillSettingsSchema>;
export type DrillCheck = z.infer<typeof drillCheckSchema>;
export type Drill = z.infer<typeof drillSchema>;
export type FailingMethod = z.infer<typeof failingMethodSchema>;
