/**
 * The wire shapes of /api/schedules: what an admin writes, what readers get back, with the types derived
 * from them (the PWA imports the types only).
 */
import { z } from '@hono/zod-openapi';
import { DateTime, IANAZone } from 'luxon';
import { COVERAGE_DAYS } from './oncall';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds (a number or digits), or an ISO date-time with Z or an offset; a bare local time would be ambiguous. */
export const instant = z
  .union([z.number(), z.string().max(40)])
  .transform((v, ctx) => {
    const ms =
      typeof v === 'number' || /^\d{1,15}$/.test(v)
        ? Number(v)
        : INSTANT.test(v)
          ? DateTime.fromISO(v).toMillis()
          : NaN;
    if (Number.isSafeInteger(ms) && ms >= 0) return ms;
    ctx.addIssue({
      code: 'custom',
      message:
        'expected epoch milliseconds or an ISO 8601 date-time with Z or an offset, e.g. 2026-03-02T09:00:00Z',
    });
    return z.NEVER;
  })
  .openapi({
    type: 'string',
    description: 'epoch milliseconds, or ISO 8601 with Z or an offset',
    example: '2026-03-02T09:00:00Z',
  });

export const id = z.string().min(1).max(64);
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm on a 24-hour clock, e.g. 09:00 or 17:30');
const rotationTypes = ['hourly', 'daily', 'weekly', 'custom'] as const;

const rotationInput = z
  .object({
    type: z.enum(rotationTypes),
    hours: z
      .number()
      .min(1)
      .max(8760)
      .optional()
      .openapi({ description: 'length for custom (required) and hourly (default 1)' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.type === 'custom' && r.hours === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['hours'],
        message: 'a custom rotation needs its length in hours',
      });
    if ((r.type === 'daily' || r.type === 'weekly') && r.hours !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['hours'],
        message: `a ${r.type} rotation has a fixed length; drop hours or use type custom`,
      });
    }
  });

const restriction = z
  .object({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .openapi({ description: '1 = Monday … 7 = Sunday' }),
    from: hhmm,
    to: hhmm,
  })
  .strict()
  .openapi('Restriction', {
    description: 'A weekly window in the schedule’s zone; to ≤ from runs past midnight',
  });

const layerInput = z
  .object({
    id: z
      .string()
      .regex(/^[\w-]{1,40}$/, 'letters, digits, _ and - only (up to 40)')
      .optional(),
    name: z.string().trim().min(1).max(80).optional(),
    users: z
      .array(id)
      .min(1)
      .max(100)
      .openapi({ description: 'in rotation order; the first takes the shift at start' }),
    rotation: rotationInput,
    start: z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/,
        'expected a local date-time without offset in the schedule’s zone, e.g. 2026-03-02T09:00',
      )
      .refine((s) => DateTime.fromISO(s, { zone: 'utc' }).isValid, 'not a real date and time')
      .openapi({
        description: 'the first handoff, local to the schedule’s zone',
        example: '2026-03-02T09:00',
      }),
    restrictions: z.array(restriction).max(20).optional(),
  })
  .strict();

export const scheduleInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    timeZone: z
      .string()
      .max(64)
      .refine(
        (tz) => IANAZone.isValidZone(tz),
        'unknown IANA time zone; use a name like Europe/Berlin or America/New_York',
      )
      .openapi({ example: 'Europe/Berlin' }),
    teamId: id.nullable().optional(),
    layers: z
      .array(layerInput)
      .min(1)
      .max(10)
      .superRefine((layers, ctx) => {
        const seen = new Set<string>();
        layers.forEach((l, i) => {
          if (l.id !== undefined && seen.has(l.id))
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `layer id ${l.id} is used twice`,
            });
          if (l.id !== undefined) seen.add(l.id);
        });
      })
      .openapi({
        description: 'lowest first; a higher layer wins wherever it has someone on call',
      }),
  })
  .strict()
  .openapi('ScheduleInput');

const layerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    users: z.array(z.string()),
    rotation: z.object({ type: z.enum(rotationTypes), hours: z.number().optional() }),
    start: z.string(),
    restrictions: z.array(restriction).optional(),
  })
  .openapi('Layer');
export const overrideSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    start: z.number(),
    end: z.number(),
    createdBy: z.string(),
    createdAt: z.number(),
  })
  .openapi('Override');
/** A half-open interval [start, end) of epoch milliseconds. */
export const intervalSchema = z.object({ start: z.number(), end: z.number() }).openapi('Interval');
export const coverageSchema = z
  .object({ from: z.number(), to: z.number(), gaps: z.array(intervalSchema) })
  .openapi('Coverage', {
    description:
      'when nobody is on call within [from, to); a gap ending at `to` may run on past it',
  });
export const scheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    teamId: z.string().nullable(),
    layers: z.array(layerSchema),
    overrides: z.array(overrideSchema),
    coverage: coverageSchema.openapi({ description: `gaps over the next ${COVERAGE_DAYS} days` }),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Schedule', { description: 'overrides: those not yet over' });
export const responderSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    reachable: z.boolean().openapi({
      description:
        'false: their notification rules reach nothing (no push device, no verified email or phone they use), so this person cannot be paged',
    }),
  })
  .openapi('Responder');
export const shiftSchema = responderSchema
  .omit({ id: true })
  .extend({
    userId: z.string(),
    start: z.number(),
    end: z.number(),
    layerId: z.string().optional(),
    override: z.boolean().optional(),
  })
  .openapi('Shift');

/** Who a schedule has on call at one instant: nobody or one person. */
export const onCallAtSchema = z.object({ at: z.number(), users: z.array(responderSchema) });
/** A schedule's shifts over a window, sorted. */
export const shiftsSchema = z.object({
  from: z.number(),
  to: z.number(),
  shifts: z.array(shiftSchema),
});

export type RotationType = (typeof rotationTypes)[number];
export type Restriction = z.infer<typeof restriction>;
export type ScheduleLayer = z.infer<typeof layerSchema>;
/** What an admin writes for a schedule (PUT replaces all of it but the overrides). */
export type ScheduleInput = z.input<typeof scheduleInput>;
export type Override = z.infer<typeof overrideSchema>;
export type Interval = z.infer<typeof intervalSchema>;
export type Coverage = z.infer<typeof coverageSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type Responder = z.infer<typeof responderSchema>;
