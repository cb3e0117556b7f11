/**
 * Maintenance windows (docs/maintenance.md): created ahead of time, listed, edited and ended early by admins.
 * D1 holds them; each change is pushed, by version, to the router of every service it touches, which quiets
 * paging for incidents opened during a window without reading D1 per alert.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  maintenanceWindowSchema,
  toMs,
  windowInputSchema,
  type MaintenanceWindow,
  type StoredWindow,
  type WindowSchedule,
} from '../../schema/maintenance-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { getWindow, listWindows, saveWindow } from '../directory/maintenance';
import { listServices } from '../directory/services';
import { invalid, validationHook } from '../edge';
import type { Env } from '../env';
import { notFound } from '../errors';
import { newId } from '../ids';
import { occurrences, overlapIn, parseCron, parseRule, type Interval } from '../oncall/maintenance';
import { zoneOf } from '../oncall/zone';
import { pushQuiet } from './quiet-push';
import { afterWrite } from '../status/publish';
import { watchMaintenance } from '../status/notify-subscribers';

/** A published window changed: the status page's next read shows it (a new page version), subscribers hear when it starts and ends. */
async function statusPageChanged(env: Env, url: string, at: number): Promise<void> {
  await afterWrite(env, new URL(url).origin, at);
  await watchMaintenance(env, new URL(url).origin);
}
import { bearer, problems, writeProblems } from './openapi-shared';

/** Overlaps between recurring windows are looked for this far ahead. */
export const OVERLAP_HORIZON_MS = 90 * 86_400_000;

type WindowInput = z.infer<typeof windowInputSchema>;
type Problem = { path: string; message: string };

/** The stored schedule, or the problems naming each bad field. */
function scheduleOf(input: WindowInput['schedule'], at: number): WindowSchedule | Problem[] {
  if (input.type === 'once') {
    const start = toMs(input.start);
    const end = toMs(input.end);
    if (end <= start) return [{ path: 'schedule.end', message: 'must be after schedule.start' }];
    if (end <= at) return [{ path: 'schedule.end', message: 'the window is wholly in the past' }];
    return { type: 'once', start, end };
  }
  const errors: Problem[] = [];
  try {
    zoneOf(input.timeZone);
  } catch {
    errors.push({ path: 'schedule.timeZone', message: `unknown time zone ${input.timeZone}` });
  }
  try {
    if (input.type === 'rrule') parseRule(input.rule);
    else parseCron(input.expression);
  } catch (err) {
    const path = input.type === 'rrule' ? 'schedule.rule' : 'schedule.expression';
    errors.push({ path, message: `invalid: ${(err as Error).message}` });
  }
  if (errors.length) return errors;
  const from = input.from === undefined ? at : toMs(input.from);
  const until = input.until === undefined ? null : toMs(input.until);
  if (until !== null && until <= from)
    return [{ path: 'schedule.until', message: 'must be after schedule.from' }];
  if (until !== null && until <= at)
    return [{ path: 'schedule.until', message: 'the window is wholly in the past' }];
  const common = { timeZone: input.timeZone, durationMinutes: input.durationMinutes, from, until };
  const schedule: WindowSchedule =
    input.type === 'rrule'
      ? { type: 'rrule', rule: input.rule.trim().replace(/^RRULE:/i, ''), ...common }
      : { type: 'cron', expression: input.expression, ...common };
  const path = input.type === 'rrule' ? 'schedule.rule' : 'schedule.expression';
  try {
    if (!occurrences(schedule, at, until ?? at + OVERLAP_HORIZON_MS * 4).length)
      return [{ path, message: 'no occurrence from now on: the window is wholly in the past' }];
  } catch (err) {
    // A rule that parses but that rrule or croner cannot expand (BYDAY=XX) is bad input too.
    return [{ path, message: `invalid: ${(err as Error).message}` }];
  }
  return schedule;
}

/** Refuse unknown services and a window overlapping another on one of its services. */
async function checkWindow(env: Env, window: StoredWindow, at: number): Promise<void> {
  const known = new Set((await listServices(env.DB)).map((s) => s.id));
  const errors: Problem[] = window.serviceIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `serviceIds.${i}`, message: `no service ${id}` }],
  );
  if (errors.length) throw invalid(errors);
  const horizon = at + OVERLAP_HORIZON_MS;
  const mine = occurrences(window.schedule, at, horizon, window.endedAt);
  const others = (await listWindows(env.DB)).filter(
    (w) => w.id !== window.id && w.serviceIds.some((s) => window.serviceIds.includes(s)),
  );
  for (const other of others) {
    const clash = overlapIn(mine, occurrences(other.schedule, at, horizon, other.endedAt));
    if (clash) {
      const shared = other.serviceIds.filter((s) => window.serviceIds.includes(s));
      throw invalid([
        {
          path: 'schedule',
          message: `overlaps window ${other.id} (${other.name}) on ${shared.join(', ')} at ${new Date(clash.start).toISOString()}`,
        },
      ]);
    }
  }
}

/** A window with its occurrence in progress or the next one. */
export function withOccurrences(w: StoredWindow, at: number): MaintenanceWindow {
  const ahead: Interval[] = occurrences(w.schedule, at, at + OVERLAP_HORIZON_MS * 4, w.endedAt);
  const current = ahead.find((o) => o.start <= at) ?? null;
  const next = ahead.find((o) => o.start > at) ?? null;
  return { ...w, current, next };
}

const params = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The window' }),
});
const windowBody = z.object({ window: maintenanceWindowSchema });
const badInput =
  'Refused with 400 and `errors` [{path, message}]: end before start, a window wholly in the past, an unknown ' +
  'time zone, an RRULE or cron the libraries refuse, unknown services, and a window overlapping another on the ' +
  'same service (recurring windows are compared over the next 90 days).';

export const maintenance = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

maintenance.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['maintenance'],
    summary: 'Maintenance windows, with the occurrence in progress or the next one',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { query: z.object({ serviceId: z.string().max(64).optional() }) },
    responses: {
      200: {
        description: 'The windows',
        content: {
          'application/json': { schema: z.object({ windows: z.array(maintenanceWindowSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const at = now();
    const windows = await listWindows(c.env.DB, c.req.valid('query').serviceId);
    return c.json({ windows: windows.map((w) => withOccurrences(w, at)) }, 200);
  },
);

maintenance.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['maintenance'],
    summary:
      'Create a maintenance window (admin): one-off, or recurring by RRULE or cron in a time zone',
    description: `During a window alerts still open and update incidents, but no one is paged; an incident still open when the window ends pages from level 1. ${badInput}`,
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: windowInputSchema } } },
    },
    responses: {
      201: { description: 'The window', content: { 'application/json': { schema: windowBody } } },
      ...writeProblems,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const at = now();
    const schedule = scheduleOf(input.schedule, at);
    if (Array.isArray(schedule)) throw invalid(schedule);
    const who = principalOf(c);
    const window: StoredWindow = {
      id: newId('mw'),
      name: input.name,
      serviceIds: [...new Set(input.serviceIds)],
      schedule,
      endedAt: null,
      createdAt: at,
      createdBy: { id: who.id, name: who.name },
      updatedAt: at,
      statusPage: input.statusPage ?? null,
    };
    await checkWindow(c.env, window, at);
    await saveWindow(c.env.DB, window);
    await pushQuiet(c.env, window.serviceIds, at);
    if (window.statusPage) await statusPageChanged(c.env, c.req.url, at);
    return c.json({ window: withOccurrences(window, at) }, 201);
  },
);

maintenance.openapi(
  createRoute({
    method: 'put',
    path: '/{id}',
    tags: ['maintenance'],
    summary: 'Edit a maintenance window (admin); incidents held by it follow its new end',
    description: badInput,
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: windowInputSchema } } },
    },
    responses: {
      200: { description: 'The window', content: { 'application/json': { schema: windowBody } } },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const at = now();
    const before = await getWindow(c.env.DB, id);
    if (!before) throw notFound(`No maintenance window ${id}.`);
    const schedule = scheduleOf(input.schedule, at);
    if (Array.isArray(schedule)) throw invalid(schedule);
    const window: StoredWindow = {
      ...before,
      name: input.name,
      serviceIds: [...new Set(input.serviceIds)],
      schedule,
      endedAt: null,
      updatedAt: at,
      statusPage: input.statusPage === undefined ? (before.statusPage ?? null) : input.statusPage,
    };
    await checkWindow(c.env, window, at);
    await saveWindow(c.env.DB, window);
    await pushQuiet(c.env, [...new Set([...before.serviceIds, ...window.serviceIds])], at);
    if (before.statusPage || window.statusPage) await statusPageChanged(c.env, c.req.url, at);
    return c.json({ window: withOccurrences(window, at) }, 200);
  },
);

maintenance.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/end',
    tags: ['maintenance'],
    summary: 'End the window now (admin): incidents it held start paging from level 1',
    description:
      'Ends the occurrence in progress (a recurring window carries on at its next occurrence); a one-off window not yet begun is cancelled.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params },
    responses: {
      200: { description: 'The window', content: { 'application/json': { schema: windowBody } } },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const at = now();
    const before = await getWindow(c.env.DB, id);
    if (!before) throw notFound(`No maintenance window ${id}.`);
    const window: StoredWindow = { ...before, endedAt: at, updatedAt: at };
    await saveWindow(c.env.DB, window);
    await pushQuiet(c.env, window.serviceIds, at);
    if (window.statusPage) await statusPageChanged(c.env, c.req.url, at);
    return c.json({ window: withOccurrences(window, at) }, 200);
  },
);
