/**
 * Maintenance windows and silences on the wire. A window quiets paging for one or several services for a
 * one-off span or on a recurrence (an RRULE or a cron, in an IANA time zone, each occurrence lasting
 * `durationMinutes`); alerts still open and update incidents. A silence (as in Alertmanager) matches alerts of
 * one service by exact field values; matching alerts are recorded on the suppressed list and page no one.
 */
import { z } from '@hono/zod-openapi';

/** Services one window may cover. */
export const WINDOW_SERVICES_MAX = 50;
/** Longest occurrence of a recurring window: a week (longer is a one-off window). */
export const DURATION_MAX_MINUTES = 7 * 24 * 60;
export const SILENCE_MATCHERS_MAX = 20;
/** Longest silence: 30 days, so a forgotten silence cannot hide a service for ever. */
export const SILENCE_MAX_MS = 30 * 24 * 3_600_000;

/** The last instant JavaScript dates (and so the recurrence libraries) handle well: the end of year 9999. */
const INSTANT_MAX = 253_402_300_799_999;

const instant = z
  .union([
    z.number().int().nonnegative().max(INSTANT_MAX),
    z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) <= INSTANT_MAX, 'year 9999 at most'),
  ])
  .openapi({ description: 'Epoch milliseconds, or an ISO 8601 date-time with offset' });

/** An instant as given (epoch ms or ISO with offset) in epoch ms. */
export const toMs = (value: number | string): number =>
  typeof value === 'number' ? value : Date.parse(value);

const timeZone = z.string().min(1).max(64).openapi({ example: 'Europe/Berlin' });
const durationMinutes = z.number().int().min(1).max(DURATION_MAX_MINUTES);

const onceInput = z.object({ type: z.literal('once'), start: instant, end: instant }).strict();
const rruleInput = z
  .object({
    type: z.literal('rrule'),
    rule: z
      .string()
      .min(1)
      .max(500)
      .openapi({ example: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0' }),
    timeZone,
    durationMinutes,
    from: instant.optional().openapi({ description: 'First possible start; defaults to now' }),
    until: instant.optional(),
  })
  .strict();
const cronInput = z
  .object({
    type: z.literal('cron'),
    expression: z.string().min(1).max(200).openapi({ example: '0 2 * * 0' }),
    timeZone,
    durationMinutes,
    from: instant.optional(),
    until: instant.optional(),
  })
  .strict();

/**
 * Opt-in: show the window on the public status page under `publicName` (its components, those mapped to its
 * services, read "under maintenance" while it is on). null takes it off; omitted on an edit keeps what it was.
 */
const statusPageInput = z
  .object({ publicName: z.string().trim().min(1).max(120) })
  .strict()
  .nullable()
  .openapi({ description: 'Publish to the status page under a public name; null: internal only' });

export const windowScheduleInput = z.discriminatedUnion('type', [onceInput, rruleInput, cronInput]);

export const windowInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    serviceIds: z.array(z.string().min(1).max(64)).min(1).max(WINDOW_SERVICES_MAX),
    schedule: windowScheduleInput,
    statusPage: statusPageInput.optional(),
  })
  .strict()
  .openapi('MaintenanceWindowInput');

export type WindowInput = z.input<typeof windowInputSchema>;

/** A schedule as stored: instants in epoch ms, `from` always set. */
export type WindowSchedule =
  | { type: 'once'; start: number; end: number }
  | {
      type: 'rrule';
      rule: string;
      timeZone: string;
      durationMinutes: number;
      from: number;
      until: number | null;
    }
  | {
      type: 'cron';
      expression: string;
      timeZone: string;
      durationMinutes: number;
      from: number;
      until: number | null;
    };

const storedSchedule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('once'), start: z.number(), end: z.number() }),
  z.object({
    type: z.literal('rrule'),
    rule: z.string(),
    timeZone: z.string(),
    durationMinutes: z.number().int(),
    from: z.number(),
    until: z.number().nullable(),
  }),
  z.object({
    type: z.literal('cron'),
    expression: z.string(),
    timeZone: z.string(),
    durationMinutes: z.number().int(),
    from: z.number(),
    until: z.number().nullable(),
  }),
]);

const who = z.object({ id: z.string(), name: z.string() });
const interval = z.object({ start: z.number(), end: z.number() });

export const maintenanceWindowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    serviceIds: z.array(z.string()),
    schedule: storedSchedule,
    /** Ended early at this instant: the occurrence in progress then stops there. */
    endedAt: z.number().nullable(),
    createdAt: z.number(),
    createdBy: who,
    updatedAt: z.number(),
    /** Shown on the public status page under this name; null (or absent) when internal only. */
    statusPage: z.object({ publicName: z.string() }).nullable().optional(),
    /** The occurrence in progress now, or else the next one (null when none is left). */
    current: interval.nullable(),
    next: interval.nullable(),
  })
  .openapi('MaintenanceWindow');

export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;
/** A window as the router keeps it (without the computed occurrences). */
export type StoredWindow = Omit<MaintenanceWindow, 'current' | 'next'>;

/** An alert field a silence matches: summary, source, severity, dedup_key, or labels.<name>. */
export const SILENCE_FIELD = /^(summary|source|severity|dedup_key|labels\.[\w.-]{1,100})$/;

export const matcherSchema = z.object({
  field: z.string().regex(SILENCE_FIELD, 'summary, source, severity, dedup_key or labels.<name>'),
  value: z.string().max(1000),
});

const silenceFor = z
  .union([z.enum(['1h', '4h', '24h']), z.object({ until: instant })])
  .openapi({ description: '1h, 4h or 24h from now, or {until} an instant' });

export const silenceInputSchema = z
  .object({
    serviceId: z.string().min(1).max(64),
    matchers: z.array(matcherSchema).min(1).max(SILENCE_MATCHERS_MAX),
    for: silenceFor,
    comment: z.string().max(500).optional(),
  })
  .strict()
  .openapi('SilenceInput');

/** A silence built from an incident's alerts: the matchers come from its first alert. */
export const silenceFromIncidentSchema = z
  .object({
    for: silenceFor,
    /** Which of the incident's alerts to build the matchers from (default: its first). */
    alertKey: z.string().max(1000).optional(),
    comment: z.string().max(500).optional(),
  })
  .strict();

export const silenceSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    matchers: z.array(matcherSchema),
    comment: z.string(),
    createdBy: who,
    createdAt: z.number(),
    endsAt: z.number(),
    /** Expired early by a person (else null). */
    expiredAt: z.number().nullable(),
    /** The incident it was built from, if any. */
    incidentId: z.string().nullable(),
  })
  .openapi('Silence');

export type Silence = z.infer<typeof silenceSchema>;
export type SilenceMatcher = z.infer<typeof matcherSchema>;

/** What the router knows of its service's windows and silences, pushed by version like the rules. */
export interface QuietSet {
  windows: StoredWindow[];
  silences: Silence[];
}

/** An incident opened during a window: who to name on it and when paging may start. */
export interface MaintenanceHold {
  windowId: string;
  name: string;
  until: number;
}
