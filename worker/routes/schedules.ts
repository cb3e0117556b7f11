/**
 * /api/schedules: rotations and overrides (admin), who is on call and the rendered shifts (viewer),
 * and secret calendar feeds. Rendering is the pure maths in worker/oncall; handlers load and answer.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { policiesUsingSchedule } from '../directory/policies';
import { replanScheduledDrills } from '../drills/object';
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
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { conflict, notFound } from '../errors';
import { newId } from '../ids';
import { onCallAt, renderShifts } from '../oncall';
import { COVERAGE_DAYS } from '../../schema/oncall';
import { scheduleCoverage, scheduleGaps } from '../oncall/gaps';
import { describeUsers } from '../directory/on-call';
import { DAY } from '../oncall/zone';
import { issuedFeedSchema } from '../../schema/credential-schemas';
import { issueFeed } from './calendar';
import { bearer, problems, writeProblems } from './openapi-shared';
import {
  coverageSchema,
  id,
  instant,
  overrideSchema,
  onCallAtSchema,
  scheduleInput,
  scheduleSchema,
  shiftsSchema,
} from '../../schema/schedule-schemas';

export const schedules = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
schedules.use('*', limitBody(64 * 1024), requireJson());
// An edit can move a handoff: drills planned before handoffs follow it before the answer goes back.
schedules.use('*', async (c, next) => {
  await next();
  if (c.req.method !== 'GET' && c.res.status < 400) await replanScheduledDrills(c.env);
});

const idParam = z.object({
  id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'sch_…' }),
});
const scheduleResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ schedule: scheduleSchema }) } },
});
const MAX_WINDOW_DAYS = 90;

/** Unknown users and team become 400s naming the field; missing layer ids and names are filled in. */
async function toInput(
  db: D1Database,
  body: z.infer<typeof scheduleInput>,
): Promise<ScheduleInput> {
  const missing = new Set(
    await unknownUsers(
      db,
      body.layers.flatMap((l) => l.users),
    ),
  );
  const errors = body.layers.flatMap((l, i) =>
    l.users.flatMap((u, j) =>
      missing.has(u) ? [{ path: `layers.${i}.users.${j}`, message: `unknown user ${u}` }] : [],
    ),
  );
  if (body.teamId && !(await teamExists(db, body.teamId)))
    errors.push({ path: 'teamId', message: `unknown team ${body.teamId}` });
  if (errors.length) throw invalid(errors);
  const layers = body.layers.map(({ restrictions, ...l }, i) => ({
    ...l,
    id: l.id ?? newId('lyr', 8),
    name: l.name ?? `Layer ${i + 1}`,
    ...(restrictions?.length ? { restrictions } : {}),
  }));
  return { name: body.name, timeZone: body.timeZone, teamId: body.teamId ?? null, layers };
}

/** A schedule as readers get it: its gaps over the next days alongside, so nobody discovers them at 3 a.m. */
function present(schedule: ScheduleRecord, at: number) {
  return { ...schedule, coverage: scheduleCoverage(schedule, at, at + COVERAGE_DAYS * DAY) };
}

/** The schedule with the overrides that are not over yet, or 404. */
async function current(db: D1Database, scheduleId: string) {
  const at = now();
  const schedule = await getSchedule(db, scheduleId, { from: at, to: Number.MAX_SAFE_INTEGER });
  if (!schedule) throw notFound(`No schedule ${scheduleId}.`);
  return present(schedule, at);
}

const windowQuery = z.object({ from: instant.optional(), to: instant.optional() });

/**
 * The schedule with the overrides of [from, to) from the query (default the next 7 days, at most
 * MAX_WINDOW_DAYS), or 404.
 */
async function inWindow(db: D1Database, scheduleId: string, query: z.infer<typeof windowQuery>) {
  const from = query.from ?? now();
  const to = query.to ?? from + 7 * DAY;
  if (to <= from) throw invalid([{ path: 'to', message: 'must be after from' }]);
  if (to - from > MAX_WINDOW_DAYS * DAY)
    throw invalid([
      {
        path: 'to',
        message: `the window is limited to ${MAX_WINDOW_DAYS} days; ask for it in pieces`,
      },
    ]);
  const schedule = await getSchedule(db, scheduleId, { from, to });
  if (!schedule) throw notFound(`No schedule ${scheduleId}.`);
  return { schedule, from, to };
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
    request: {
      body: { required: true, content: { 'application/json': { schema: scheduleInput } } },
    },
    responses: { 201: scheduleResponse('The new schedule'), ...writeProblems },
  }),
  async (c) => {
    const input = await toInput(c.env.DB, c.req.valid('json'));
    const scheduleId = newId('sch');
    await createSchedule(c.env.DB, scheduleId, input, now());
    return c.json({ schedule: await current(c.env.DB, scheduleId) }, 201, {
      location: `/api/schedules/${scheduleId}`,
    });
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
    responses: {
      200: {
        description: 'Schedules by name',
        content: {
          'application/json': { schema: z.object({ schedules: z.array(scheduleSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const at = now();
    return c.json(
      {
        schedules: (await listSchedules(c.env.DB, { from: at, to: Number.MAX_SAFE_INTEGER })).map(
          (s) => present(s, at),
        ),
      },
      200,
    );
  },
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
    request: {
      params: idParam,
      body: { required: true, content: { 'application/json': { schema: scheduleInput } } },
    },
    responses: { 200: scheduleResponse('The schedule'), ...writeProblems, 404: problems[404] },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    const input = await toInput(c.env.DB, c.req.valid('json'));
    if (!(await updateSchedule(c.env.DB, scheduleId, input, now())))
      throw notFound(`No schedule ${scheduleId}.`);
    return c.json({ schedule: await current(c.env.DB, scheduleId) }, 200);
  },
);

schedules.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['schedules'],
    summary:
      'Delete a schedule no escalation policy targets, with its overrides and calendar feeds',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    const policies = await policiesUsingSchedule(c.env.DB, scheduleId);
    if (policies.length) {
      const names = policies.map((p) => `“${p.name}” (${p.id})`).join(', ');
      throw conflict(
        `Schedule ${scheduleId} is a target of ${policies.length === 1 ? 'policy' : 'policies'} ${names}; remove it from their levels first.`,
        { policies },
      );
    }
    // The delete re-checks in the same statement, so a policy created since the check above still wins.
    if (!(await deleteSchedule(c.env.DB, scheduleId)))
      throw conflict(
        `A policy started targeting schedule ${scheduleId}; remove it from that policy first.`,
      );
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
                if (o.end <= o.start)
                  ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
              }),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The override',
        content: { 'application/json': { schema: z.object({ override: overrideSchema }) } },
      },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    const body = c.req.valid('json');
    await mustExist(c.env.DB, scheduleId);
    if ((await unknownUsers(c.env.DB, [body.userId])).length)
      throw invalid([{ path: 'userId', message: `unknown user ${body.userId}` }]);
    const override = {
      id: newId('ovr'),
      userId: body.userId,
      start: body.start,
      end: body.end,
      createdBy: principalOf(c).id,
      createdAt: now(),
    };
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
    responses: {
      204: { description: 'Removed' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id: scheduleId, oid } = c.req.valid('param');
    if (!(await deleteOverride(c.env.DB, scheduleId, oid)))
      throw notFound(`Schedule ${scheduleId} has no override ${oid}.`);
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
      200: {
        description: 'Nobody, or the one person on call',
        content: {
          'application/json': {
            schema: onCallAtSchema,
          },
        },
      },
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
    request: { params: idParam, query: windowQuery },
    responses: {
      200: {
        description: 'Shifts, sorted',
        content: {
          'application/json': {
            schema: shiftsSchema,
          },
        },
      },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { schedule, from, to } = await inWindow(
      c.env.DB,
      c.req.valid('param').id,
      c.req.valid('query'),
    );
    const shifts = renderShifts(schedule, from, to);
    const people = await describeUsers(
      c.env.DB,
      shifts.map((s) => s.userId),
    );
    return c.json(
      {
        from,
        to,
        shifts: shifts.map((s) => ({
          ...s,
          name: people[s.userId]!.name,
          reachable: people[s.userId]!.reachable,
        })),
      },
      200,
    );
  },
);

schedules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/gaps',
    tags: ['schedules'],
    summary: `When nobody is on call in [from, to) (default: the next 7 days; at most ${MAX_WINDOW_DAYS} days), after layers, restrictions and overrides`,
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam, query: windowQuery },
    responses: {
      200: {
        description: 'Gaps, sorted; one ending at `to` may run on past it',
        content: { 'application/json': { schema: coverageSchema } },
      },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { schedule, from, to } = await inWindow(
      c.env.DB,
      c.req.valid('param').id,
      c.req.valid('query'),
    );
    return c.json({ from, to, gaps: scheduleGaps(schedule, from, to) }, 200);
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
    responses: {
      201: {
        description: 'Subscribe to this URL; it is shown once',
        content: { 'application/json': { schema: issuedFeedSchema } },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const scheduleId = c.req.valid('param').id;
    await mustExist(c.env.DB, scheduleId);
    return c.json(
      await issueFeed(c.env, c.req.url, 'schedule', scheduleId, principalOf(c).id),
      201,
    );
  },
);
