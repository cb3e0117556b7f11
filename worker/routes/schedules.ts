/**
 * /api/schedules: rotations and overrides (admin), who is on call and the rendered shifts (viewer),
 * and secret calendar feeds. Rendering is the pure maths in worker/oncall; handlers load and answer.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { DateTime, IANAZone } from 'luxon';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { policiesUsingSchedule } from '../directory/policies';
import {
  addOverride,
  createSchedule,
  deleteOverride,
  deleteSchedule,
  getSchedule,
  listSchedules,
  scheduleExists,
  updateSchedule,
  type ScheduleInput,
  type ScheduleRecord,
} from '../directory/schedules';
import { teamExists, unknownUsers } from '../directory/teams';
import { limitBody, requireJson, validationHook } from '../edge';
import { ProblemError, conflict, notFound } from '../errors';
import { newId } from '../ids';
import { onCallAt, renderShifts } from '../oncall';
import { describeUsers } from '../oncall/targets';
import { DAY } from '../oncall/zone';
import { issueFeed, issuedFeedSchema } from './calendar';
import { bearer, problems } from './openapi-shared';

export const schedules = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
schedules.use('*', limitBody(64 * 1024), requireJson());

/** A 400 shaped like a schema failure, for checks that need the database (unknown ids). */
export function invalid(errors: { path: string; message: string }[]): ProblemError {
  return new ProblemError(400, 'validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds (a number or digits), or an ISO date-time with Z or an offset; a bare local time would be ambiguous. */
export const instant = z
  .union([z.number(), z.string().max(40)])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' || /^\d{1,15}$/.test(v) ? Number(v) : INSTANT.test(v) ? DateTime.fromISO(v).toMillis() : NaN;
    if (Number.isSafeInteger(ms) && ms >= 0) return ms;
    ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date-time with Z or an offset, e.g. 2026-03-02T09:00:00Z' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'epoch milliseconds, or ISO 8601 with Z or an offset', example: '2026-03-02T09:00:00Z' });

const id = z.string().min(1).max(64);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm on a 24-hour clock, e.g. 09:00 or 17:30');
const rotationTypes = ['hourly', 'daily', 'weekly', 'custom'] as const;

const rotationInput = z
  .object({ type: z.enum(rotationTypes), hours: z.number().min(1).max(8760).optional().openapi({ description: 'length for custom (required) and hourly (default 1)' }) })
  .strict()
  .superRefine((r, ctx) => {
    if (r.type === 'custom' && r.hours === undefined) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'a custom rotation needs its length in hours' });
    if ((r.type === 'daily' || r.type === 'weekly') && r.hours !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['hours'], message: `a ${r.type} rotation has a fixed length; drop hours or use type custom` });
    }
  });

const restriction = z
  .object({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7).openapi({ description: '1 = Monday … 7 = Sunday' }), from: hhmm, to: hhmm })
  .strict()
  .openapi('Restriction', { description: 'A weekly window in the schedule’s zone; to ≤ from runs past midnight' });

const layerInput = z
  .object({
    id: z.string().regex(/^[\w-]{1,40}$/, 'letters, digits, _ and - only (up to 40)').optional(),
    name: z.string().trim().min(1).max(80).optional(),
    users: z.array(id).min(1).max(100).openapi({ description: 'in rotation order; the first takes the shift at start' }),
    rotation: rotationInput,
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/, 'expected a local date-time without offset in the schedule’s zone, e.g. 2026-03-02T09:00')
      .refine((s) => DateTime.fromISO(s, { zone: 'utc' }).isValid, 'not a real date and time')
      .openapi({ description: 'the first handoff, local to the schedule’s zone', example: '2026-03-02T09:00' }),
    restrictions: z.array(restriction).max(20).optional(),
  })
  .strict();

const scheduleInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    timeZone: z
      .string()
      .max(64)
      .refine((tz) => IANAZone.isValidZone(tz), 'unknown IANA time zone; use a name like Europe/Berlin or America/New_York')
      .openapi({ example: 'Europe/Berlin' }),
    teamId: id.nullable().optional(),
    layers: z
      .array(layerInput)
      .min(1)
      .max(10)
      .superRefine((layers, ctx) => {
        const seen = new Set<string>();
        layers.forEach((l, i) => {
          if (l.id !== undefined && seen.has(l.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `layer id ${l.id} is used twice` });
          if (l.id !== undefined) seen.add(l.id);
        });
      })
      .openapi({ description: 'lowest first; a higher layer wins wherever it has someone on call' }),
  })
  .strict()
  .openapi('ScheduleInput');

const layerSchema = z
  .object({ id: z.string(), name: z.string(), users: z.array(z.string()), rotation: z.object({ type: z.enum(rotationTypes), hours: z.number().optional() }), start: z.string(), restrictions: z.array(restriction).optional() })
  .openapi('Layer');
const overrideSchema = z.object({ id: z.string(), userId: z.string(), start: z.number(), end: z.number(), createdBy: z.string(), createdAt: z.number() }).openapi('Override');
const scheduleSchema = z
  .object({ id: z.string(), name: z.string(), timeZone: z.string(), teamId: z.string().nullable(), layers: z.array(layerSchema), overrides: z.array(overrideSchema), createdAt: z.number(), updatedAt: z.number() })
  .openapi('Schedule', { description: 'overrides: those not yet over' });
export const responderSchema = z.object({ id: z.string(), name: z.string(), reachable: z.boolean().openapi({ description: 'false: no push subscription, so this person cannot be paged' }) }).openapi('Responder');
const shiftSchema = responderSchema
  .omit({ id: true })
  .extend({ userId: z.string(), start: z.number(), end: z.number(), layerId: z.string().optional(), override: z.boolean().optional() })
  .openapi('Shift');

const idParam = z.object({ id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'sch_…' }) });
const scheduleResponse = (description: string) => ({ description, content: { 'application/json': { schema: z.object({ schedule: scheduleSchema }) } } });
const writeProblems = { 400: problems[400], 401: problems[401], 403: problems[403], 413: problems[413], 415: problems[415] } as const;
const MAX_WINDOW_DAYS = 90;

/** Unknown users and team become 400s naming the field; missing layer ids and names are filled in. */
async function toInput(db: D1Database, body: z.infer<typeof scheduleInput>): Promise<ScheduleInput> {
  const missing = new Set(await unknownUsers(db, body.layers.flatMap((l) => l.users)));
  const errors = body.layers.flatMap((l, i) => l.users.flatMap((u, j) => (missing.has(u) ? [{ path: `layers.${i}.users.${j}`, message: `unknown user ${u}` }] : [])));
  if (body.teamId && !(await teamExists(db, body.teamId))) errors.push({ path: 'teamId', message: `unknown team ${body.teamId}` });
  if (errors.length) throw invalid(errors);
  const layers = body.layers.map(({ restrictions, ...l }, i) => ({
    ...l,
    id: l.id ?? newId('lyr', 8),
    name: l.name ?? `Layer ${i + 1}`,
    ...(restrictions?.length ? { restrictions } : {}),
  }));
  return { name: body.name, timeZone: body.timeZone, teamId: body.teamId ?? null, layers };
}

/** The schedule with the overrides that are not over yet, or 404. */
async function current(db: D1Database, scheduleId: string): Promise<ScheduleRecord> {
  const schedule = await getSchedule(db, scheduleId, { from: now(), to: Number.MAX_SAFE_INTEGER });
  if (!schedule) throw notFound(`No schedule ${scheduleId}.`);
  return schedule;
}

async function mustExist(db: D1Database, scheduleId: string): Promise<void> {
  if (!(await scheduleExists(db, scheduleId))) throw notFound(`No schedule ${scheduleId}.`);
}

schedules.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['schedules'],
    summary: 'Create a schedule',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: scheduleInput } } } },
    responses: { 201: scheduleResponse('The new schedule'), ...writeProblems },
  }),
  async (c) => {
    const input = await toInput(c.env.DB, c.req.valid('json'));
    const scheduleId = newId('sch');
    await createSchedule(c.env.DB, scheduleId, input, now());
    return c.json({ schedule: await current(c.env.DB, scheduleId) }, 201, { location: `/api/schedules/${scheduleId}` });
  },
);

schedules.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['schedules'],
    summary: 'Every schedule',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: { 200: { description: 'Schedules by name', content: { 'application/json': { schema: z.object({ schedules: z.array(scheduleSchema) }) } } }, 401: problems[401] },
  }),
  async (c) => c.json({ schedules: await listSchedules(c.env.DB, { from: now(), to: Number.MAX_SAFE_INTEGER }) }, 200),
);

schedules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['schedules'],
    summary: 'One schedule with its current and future overrides',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam },
    responses: { 200: scheduleResponse('The schedule'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => c.json({ schedule: await current(c.env.DB, c.req.valid('param').id) }, 200),
);

schedules.openapi(
  createRoute({
    method: 'put',
    path: '/{id}',
    tags: ['schedules'],
    summary: 'Replace a schedule’s name, zone, team and layers (overrides stay)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam, body: { required: true, content: { 'application/json': { schema: scheduleInput } } } },
    responses: { 200: scheduleResponse('The schedule'), ...writeProblems, 404: problems[404] },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    const input = await toInput(c.env.DB, c.req.valid('json'));
    if (!(await updateSchedule(c.env.DB, scheduleId, input, now()))) throw notFound(`No schedule ${scheduleId}.`);
    return c.json({ schedule: await current(c.env.DB, scheduleId) }, 200);
  },
);

schedules.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['schedules'],
    summary: 'Delete a schedule no escalation policy targets, with its overrides and calendar feeds',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409] },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    const policies = await policiesUsingSchedule(c.env.DB, scheduleId);
    if (policies.length) {
      const names = policies.map((p) => `“${p.name}” (${p.id})`).join(', ');
      throw conflict(`Schedule ${scheduleId} is a target of ${policies.length === 1 ? 'policy' : 'policies'} ${names}; remove it from their levels first.`, { policies });
    }
    // The delete re-checks in the same statement, so a policy created since the check above still wins.
    if (!(await deleteSchedule(c.env.DB, scheduleId))) throw conflict(`A policy started targeting schedule ${scheduleId}; remove it from that policy first.`);
    return c.body(null, 204);
  },
);

schedules.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/overrides',
    tags: ['schedules'],
    summary: 'Put someone on call instead of whoever the rotation says, for an interval',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ userId: id, start: instant, end: instant })
              .strict()
              .superRefine((o, ctx) => {
                if (o.end <= o.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
              }),
          },
        },
      },
    },
    responses: { 201: { description: 'The override', content: { 'application/json': { schema: z.object({ override: overrideSchema }) } } }, ...writeProblems, 404: problems[404] },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    const body = c.req.valid('json');
    await mustExist(c.env.DB, scheduleId);
    if ((await unknownUsers(c.env.DB, [body.userId])).length) throw invalid([{ path: 'userId', message: `unknown user ${body.userId}` }]);
    const override = { id: newId('ovr'), userId: body.userId, start: body.start, end: body.end, createdBy: principalOf(c).id, createdAt: now() };
    await addOverride(c.env.DB, scheduleId, override);
    return c.json({ override }, 201);
  },
);

schedules.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/overrides/{oid}',
    tags: ['schedules'],
    summary: 'Remove an override',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam.extend({ oid: id }) },
    responses: { 204: { description: 'Removed' }, 401: problems[401], 403: problems[403], 404: problems[404] },
  }),
  async (c) => {
    const { id: scheduleId, oid } = c.req.valid('param');
    if (!(await deleteOverride(c.env.DB, scheduleId, oid))) throw notFound(`Schedule ${scheduleId} has no override ${oid}.`);
    return c.body(null, 204);
  },
);

schedules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/oncall',
    tags: ['schedules'],
    summary: 'Who is on call at an instant (default now), and whether they can be paged',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam, query: z.object({ at: instant.optional() }) },
    responses: {
      200: { description: 'Nobody, or the one person on call', content: { 'application/json': { schema: z.object({ at: z.number(), users: z.array(responderSchema) }) } } },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    const at = c.req.valid('query').at ?? now();
    const schedule = await getSchedule(c.env.DB, scheduleId, { from: at, to: at + 1 });
    if (!schedule) throw notFound(`No schedule ${scheduleId}.`);
    const userIds = onCallAt(schedule, at);
    const people = await describeUsers(c.env.DB, userIds);
    return c.json({ at, users: userIds.map((u) => people[u]!) }, 200);
  },
);

schedules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/shifts',
    tags: ['schedules'],
    summary: `The final shifts in [from, to) (default: the next 7 days; at most ${MAX_WINDOW_DAYS} days)`,
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam, query: z.object({ from: instant.optional(), to: instant.optional() }) },
    responses: {
      200: { description: 'Shifts, sorted', content: { 'application/json': { schema: z.object({ from: z.number(), to: z.number(), shifts: z.array(shiftSchema) }) } } },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    const query = c.req.valid('query');
    const from = query.from ?? now();
    const to = query.to ?? from + 7 * DAY;
    if (to <= from) throw invalid([{ path: 'to', message: 'must be after from' }]);
    if (to - from > MAX_WINDOW_DAYS * DAY) throw invalid([{ path: 'to', message: `the window is limited to ${MAX_WINDOW_DAYS} days; ask for it in pieces` }]);
    const schedule = await getSchedule(c.env.DB, scheduleId, { from, to });
    if (!schedule) throw notFound(`No schedule ${scheduleId}.`);
    const shifts = renderShifts(schedule, from, to);
    const people = await describeUsers(c.env.DB, shifts.map((s) => s.userId));
    return c.json({ from, to, shifts: shifts.map((s) => ({ ...s, name: people[s.userId]!.name, reachable: people[s.userId]!.reachable })) }, 200);
  },
);

schedules.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/calendar-feed',
    tags: ['schedules'],
    summary: 'A new secret iCalendar URL with everyone’s shifts on this schedule',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam },
    responses: { 201: { description: 'Subscribe to this URL; it is shown once', content: { 'application/json': { schema: issuedFeedSchema } } }, 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    return c.json(await issueFeed(c.env, c.req.url, 'schedule', scheduleId, principalOf(c).id), 201);
  },
);
