import { SELF } from 'cloudflare:test';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';

const ZONE = 'Europe/Berlin';
const lines = (ics: string, prefix: string): string[] =>
  ics.split('\r\n').filter((l) => l.startsWith(prefix));

let ana: TestUser;
let ben: TestUser;
let primary: string;
let secondary: string;

/** A daily rotation that started ten days ago, so the feed window (7 days back, 60 ahead) is full of shifts. */
async function rotation(name: string, users: string[]): Promise<string> {
  const start = DateTime.now().setZone(ZONE).minus({ days: 10 }).toFormat("yyyy-MM-dd'T'09:00");
  const res = await api('/api/schedules', {
    body: { name, timeZone: ZONE, layers: [{ users, rotation: { type: 'daily' }, start }] },
    headers: ADMIN,
  });
  return (await json<{ schedule: { id: string } }>(res, 201)).schedule.id;
}

async function feedUrl(path: string, who: TestUser): Promise<string> {
  return (await json<{ url: string }>(api(path, { method: 'POST', headers: who.auth }), 201)).url;
}

beforeAll(async () => {
  ana = await createUser('Ana', 'viewer');
  ben = await createUser('Ben');
  primary = await rotation('Primary', [ana.id, ben.id]);
  secondary = await rotation('Secondary', [ben.id, ana.id]);
});

describe('calendar feeds', () => {
  it('serves a schedule’s shifts as iCalendar at a secret URL any viewer can create', async () => {
    const url = await feedUrl(`/api/schedules/${primary}/calendar-feed`, ana);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:8787\/calendar\/fbc_[\w-]{43}\.ics$/);
    const res = await SELF.fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await res.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('X-WR-CALNAME:Primary on-call');
    // 67 days of daily shifts, the first and last clipped to the window.
    expect(lines(ics, 'BEGIN:VEVENT').length).toBeGreaterThanOrEqual(67);
    expect(new Set(lines(ics, 'SUMMARY:'))).toEqual(
      new Set(['SUMMARY:On call: Ana', 'SUMMARY:On call: Ben']),
    );
  });

  it('keeps every event’s UID the same from one fetch to the next', async () => {
    const url = await feedUrl(`/api/schedules/${primary}/calendar-feed`, ben);
    const first = lines(await (await SELF.fetch(url)).text(), 'UID:');
    const second = lines(await (await SELF.fetch(url)).text(), 'UID:');
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('serves my own shifts from every schedule in one calendar', async () => {
    const url = await feedUrl('/api/oncall/me/calendar-feed', ana);
    const ics = await (await SELF.fetch(url)).text();
    expect(lines(ics, 'BEGIN:VCALENDAR')).toHaveLength(1);
    expect(lines(ics, 'END:VCALENDAR')).toHaveLength(1);
    const summaries = new Set(lines(ics, 'SUMMARY:'));
    expect(summaries).toEqual(
      new Set(['SUMMARY:On call for Primary (Ana)', 'SUMMARY:On call for Secondary (Ana)']),
    );
    // Ana alternates on both schedules: about half of each schedule's 67 days, together about one per day.
    const events = lines(ics, 'BEGIN:VEVENT').length;
    expect(events).toBeGreaterThanOrEqual(66);
    expect(events).toBeLessThanOrEqual(70);
  });

  it('answers a wrong or malformed token with 404 and no calendar', async () => {
    const wrong = await SELF.fetch(`http://127.0.0.1:8787/calendar/fbc_${'A'.repeat(43)}.ics`);
    expect(wrong.status).toBe(404);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect((await SELF.fetch('http://127.0.0.1:8787/calendar/not-a-feed.ics')).status).toBe(404);
    expect(
      (await api('/api/schedules/sch_missing/calendar-feed', { method: 'POST', headers: ana.auth }))
        .status,
    ).toBe(404);
  });

  it('stops serving a schedule feed once the schedule is deleted', async () => {
    const doomed = await rotation('Doomed', [ben.id]);
    const url = await feedUrl(`/api/schedules/${doomed}/calendar-feed`, ben);
    expect((await SELF.fetch(url)).status).toBe(200);
    expect(
      (await api(`/api/schedules/${doomed}`, { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(204);
    expect((await SELF.fetch(url)).status).toBe(404);
  });
});

describe('my on-call', () => {
  it('lists my shifts over the next 14 days across schedules, and whether I can be paged', async () => {
    const me = await json<{
      from: number;
      to: number;
      reachable: boolean;
      shifts: { scheduleId: string; scheduleName: string; start: number; end: number }[];
    }>(api('/api/oncall/me', { headers: ben.auth }), 200);
    expect(me.to - me.from).toBe(14 * 86_400_000);
    expect(me.reachable).toBe(false);
    expect(new Set(me.shifts.map((s) => s.scheduleName))).toEqual(
      new Set(['Primary', 'Secondary']),
    );
    // Ben alternates on both rotations in opposite phase: on call on one of them all the time.
    expect(me.shifts.length).toBeGreaterThanOrEqual(14);
    expect(me.shifts.every((s, i) => i === 0 || s.start >= me.shifts[i - 1]!.start)).toBe(true);
    expect(me.shifts.every((s) => s.start >= me.from && s.end <= me.to)).toBe(true);
  });
});
