/**
 * iCalendar feeds behind secret URLs, for subscribing in a phone's calendar: one per schedule
 * (everyone's shifts) and one per user (their shifts on every schedule). The URL is the only
 * credential, so only its keyed hash is stored, and an unknown token looks like any missing page.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { hashSecret } from '../auth/secrets';
import { now } from '../clock';
import { calendarFeed, createCalendarFeed, type FeedKind } from '../directory/calendar-feeds';
import { getSchedule, listSchedules } from '../directory/schedules';
import { getUser, isActive } from '../directory/users';
import { validationHook } from '../edge';
import { notFound } from '../errors';
import { newId, newSecret } from '../ids';
import { renderShifts, scheduleCalendar, userCalendar } from '../oncall';
import { maintenanceCalendar } from '../oncall/ical';
import { occurrences } from '../oncall/maintenance';
import { listWindows } from '../directory/maintenance';
import { listServices } from '../directory/services';
import { describeUsers } from '../directory/on-call';
import type { Schedule } from '../oncall/types';
import { DAY } from '../oncall/zone';
import { problems } from './openapi-shared';

export const calendar = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const FEED_FILE = /^(fbc_[A-Za-z0-9_-]{43})\.ics$/;

/** Issue a fresh secret feed URL for a schedule or a user; the secret is in this answer only, the id revokes it. */
export async function issueFeed(
  env: AppEnv['Bindings'],
  requestUrl: string,
  kind: FeedKind,
  refId: string,
  createdBy: string,
): Promise<{ url: string; id: string }> {
  const token = newSecret('fbc');
  const id = newId('cal');
  await createCalendarFeed(env.DB, {
    id,
    tokenHash: await hashSecret(env.SESSION_SECRET, token),
    kind,
    refId,
    createdBy,
    createdAt: now(),
  });
  const origin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : new URL(requestUrl).origin;
  return { url: `${origin}/calendar/${token}.ics`, id };
}

/**
 * The rendered window: 7 days back to 60 ahead, cut at UTC midnights. Cutting at whole days keeps
 * the first (clipped) shift's start, and so its UID, the same on every fetch during a day.
 */
export function feedWindow(at: number): { from: number; to: number } {
  const today = Math.floor(at / DAY) * DAY;
  return { from: today - 7 * DAY, to: today + 60 * DAY };
}

calendar.openapi(
  createRoute({
    method: 'get',
    path: '/{file}',
    tags: ['on-call'],
    summary: 'A calendar feed (iCalendar); the secret in the URL is the only credential',
    request: { params: z.object({ file: z.string().max(100).openapi({ example: 'fbc_….ics' }) }) },
    responses: {
      200: {
        description: 'The shifts from 7 days ago to 60 days ahead',
        content: { 'text/calendar': { schema: z.string() } },
      },
      404: problems[404],
    },
  }),
  async (c) => {
    const token = FEED_FILE.exec(c.req.valid('param').file)?.[1];
    const feed = token
      ? await calendarFeed(c.env.DB, await hashSecret(c.env.SESSION_SECRET, token))
      : null;
    // A disabled or removed person's own feed stops answering with their access.
    const person = feed?.kind === 'user' ? await getUser(c.env.DB, feed.refId) : null;
    if (!feed || (feed.kind === 'user' && (!person || !isActive(person))))
      throw notFound('No calendar feed at this address.');
    const at = now();
    const window = feedWindow(at);
    const ics =
      feed.kind === 'schedule'
        ? await scheduleFeed(c.env.DB, feed.refId, window, at)
        : await userFeed(c.env.DB, feed.refId, window, at);
    if (ics === null) throw notFound('The schedule behind this calendar feed has been deleted.');
    return c.body(mergeCalendars([ics, await maintenanceFeed(c.env.DB, window, at)]), 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'cache-control': 'private, max-age=300',
    });
  },
);

async function scheduleFeed(
  db: D1Database,
  scheduleId: string,
  window: { from: number; to: number },
  at: number,
): Promise<string | null> {
  const schedule = await getSchedule(db, scheduleId, window);
  if (!schedule) return null;
  const shifts = renderShifts(schedule, window.from, window.to);
  const people = await describeUsers(
    db,
    shifts.map((s) => s.userId),
  );
  const names = Object.fromEntries(Object.values(people).map((p) => [p.id, p.name]));
  return scheduleCalendar(schedule, shifts, names, { name: `${schedule.name} on-call`, now: at });
}

async function userFeed(
  db: D1Database,
  userId: string,
  window: { from: number; to: number },
  at: number,
): Promise<string> {
  const [schedules, people] = await Promise.all([
    listSchedules(db, window),
    describeUsers(db, [userId]),
  ]);
  const names = { [userId]: people[userId]?.name ?? userId };
  const opts = { name: `${names[userId]}: my on-call`, now: at };
  const none: Schedule = { id: 'none', name: 'none', timeZone: 'UTC', layers: [], overrides: [] };
  const parts = (schedules.length ? schedules : [none]).map((s) =>
    userCalendar(s, renderShifts(s, window.from, window.to), userId, names, opts),
  );
  return mergeCalendars(parts);
}

/** Every maintenance window's occurrences in the feed's span: responders see when paging goes quiet. */
async function maintenanceFeed(
  db: D1Database,
  window: { from: number; to: number },
  at: number,
): Promise<string> {
  const [windows, services] = await Promise.all([listWindows(db), listServices(db)]);
  const names = new Map(services.map((s) => [s.id, s.name]));
  const events = windows.flatMap((w) =>
    occurrences(w.schedule, window.from, window.to, w.endedAt).map((o) => ({
      windowId: w.id,
      name: w.name,
      services: w.serviceIds.map((id) => names.get(id) ?? id),
      ...o,
    })),
  );
  return maintenanceCalendar(events, { name: 'Maintenance', now: at });
}

/**
 * One calendar from several: the first one's envelope with every calendar's events. userCalendar
 * renders one schedule at a time; a VEVENT block cannot contain a bare CRLF + "END:VEVENT"
 * (text values escape line breaks and folded lines start with a space), so the split is exact.
 */
function mergeCalendars(parts: string[]): string {
  const [first = '', ...rest] = parts;
  const events = rest.flatMap((ics) => ics.match(/BEGIN:VEVENT\r\n[\s\S]*?END:VEVENT\r\n/g) ?? []);
  const end = first.lastIndexOf('END:VCALENDAR');
  return `${first.slice(0, end)}${events.join('')}${first.slice(end)}`;
}
