import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  policyCoverage,
  scheduleGaps,
  targetGaps,
  uncovered,
  type CoverageData,
} from '../../worker/oncall/gaps';
import type { Layer, Schedule } from '../../worker/oncall/types';

const HOUR = 3_600_000;
const ZONE = 'Europe/Berlin';
const local = (iso: string, zone = ZONE): number => DateTime.fromISO(iso, { zone }).toMillis();
const wall = (ms: number, zone = ZONE): string =>
  DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');
const schedule = (
  layers: Layer[],
  timeZone = ZONE,
  overrides: Schedule['overrides'] = [],
): Schedule => ({ id: 'sch', name: 'Ops', timeZone, layers, overrides });
const shown = (gaps: { start: number; end: number }[], zone = ZONE) =>
  gaps.map((g) => `${wall(g.start, zone)} → ${wall(g.end, zone)}`);

const officeHours: Layer = {
  id: 'office',
  name: 'Office',
  users: ['a', 'b'],
  rotation: { type: 'weekly' },
  start: '2026-03-02T09:00',
  restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
};

describe('coverage gaps of a schedule', () => {
  it('finds nobody on call from now until a first handover set for tomorrow 09:00', () => {
    const now = local('2026-03-03T15:20');
    const s = schedule([
      {
        id: 'l',
        name: 'L',
        users: ['a', 'b'],
        rotation: { type: 'daily' },
        start: '2026-03-04T09:00',
      },
    ]);
    expect(shown(scheduleGaps(s, now, now + 7 * 24 * HOUR))).toEqual([
      'Tue 2026-03-03 15:20 → Wed 2026-03-04 09:00',
    ]);
  });

  it('finds no gap when the first handover is at or before now', () => {
    const now = local('2026-03-03T15:20');
    const s = schedule([
      { id: 'l', name: 'L', users: ['a'], rotation: { type: 'daily' }, start: '2026-03-03T09:00' },
    ]);
    expect(scheduleGaps(s, now, now + 7 * 24 * HOUR)).toEqual([]);
  });

  it('finds evenings and the weekend outside an office-hours restriction', () => {
    const from = local('2026-03-06T12:00'); // a Friday
    expect(shown(scheduleGaps(schedule([officeHours]), from, local('2026-03-10T00:00')))).toEqual([
      'Fri 2026-03-06 17:00 → Mon 2026-03-09 09:00',
      'Mon 2026-03-09 17:00 → Tue 2026-03-10 00:00',
    ]);
  });

  it('measures the weekend gap across the spring-forward change as 63 hours, handing back at 09:00 local', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST: the weekend of 27–30 March is an hour short.
    const gaps = scheduleGaps(
      schedule([officeHours]),
      local('2026-03-27T12:00'),
      local('2026-03-30T12:00'),
    );
    expect(shown(gaps)).toEqual(['Fri 2026-03-27 17:00 → Mon 2026-03-30 09:00']);
    expect((gaps[0]!.end - gaps[0]!.start) / HOUR).toBe(63);
  });

  it('measures an overnight gap across the fall-back change as 17 hours in America/New_York', () => {
    // 2026-11-01 02:00 EDT → 01:00 EST; covered 08:00–16:00 every day.
    const zone = 'America/New_York';
    const days: Layer = {
      id: 'd',
      name: 'Days',
      users: ['a'],
      rotation: { type: 'daily' },
      start: '2026-10-01T08:00',
      restrictions: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '16:00' }],
    };
    const gaps = scheduleGaps(
      schedule([days], zone),
      local('2026-10-31T12:00', zone),
      local('2026-11-01T12:00', zone),
    );
    expect(shown(gaps, zone)).toEqual(['Sat 2026-10-31 16:00 → Sun 2026-11-01 08:00']);
    expect((gaps[0]!.end - gaps[0]!.start) / HOUR).toBe(17);
  });

  it('lets an override fill a gap, and a lower layer fill what a restricted higher layer leaves', () => {
    const from = local('2026-03-06T12:00');
    const to = local('2026-03-09T12:00');
    const override = {
      userId: 'c',
      start: local('2026-03-07T10:00'),
      end: local('2026-03-07T18:00'),
    };
    expect(shown(scheduleGaps(schedule([officeHours], ZONE, [override]), from, to))).toEqual([
      'Fri 2026-03-06 17:00 → Sat 2026-03-07 10:00',
      'Sat 2026-03-07 18:00 → Mon 2026-03-09 09:00',
    ]);
    const allDay: Layer = {
      id: 'base',
      name: 'Base',
      users: ['z'],
      rotation: { type: 'daily' },
      start: '2026-03-01T09:00',
    };
    expect(scheduleGaps(schedule([allDay, officeHours]), from, to)).toEqual([]);
  });

  it('treats a schedule that cannot be rendered as covering nobody', () => {
    const broken = schedule([
      { id: 'x', name: 'X', users: ['a'], rotation: { type: 'custom' }, start: '2026-03-01T09:00' },
    ]);
    expect(scheduleGaps(broken, 0, HOUR)).toEqual([{ start: 0, end: HOUR }]);
  });
});

describe('coverage gaps of escalation targets and policies', () => {
  const notYet = schedule([
    { id: 'n', name: 'N', users: ['b'], rotation: { type: 'daily' }, start: '2026-03-04T09:00' },
  ]);
  const office = schedule([officeHours]);
  const data: CoverageData = {
    schedules: new Map([
      ['not-yet', notYet],
      ['office', office],
    ]),
    isUser: (id) => id === 'ana',
  };
  const now = local('2026-03-03T18:00'); // Tuesday evening
  const to = now + 7 * 24 * HOUR;

  it('counts a user who exists as always covering, and an unknown id as covering nothing', () => {
    expect(
      targetGaps(
        [
          { type: 'schedule', id: 'office' },
          { type: 'user', id: 'ana' },
        ],
        data,
        now,
        to,
      ),
    ).toEqual([]);
    expect(
      targetGaps(
        [
          { type: 'user', id: 'ghost' },
          { type: 'schedule', id: 'gone' },
        ],
        data,
        now,
        to,
      ),
    ).toEqual([{ start: now, end: to }]);
  });

  it('joins the shifts of every schedule on a level', () => {
    expect(
      shown(
        targetGaps(
          [
            { type: 'schedule', id: 'office' },
            { type: 'schedule', id: 'not-yet' },
          ],
          data,
          now,
          to,
        ),
      ),
    ).toEqual(['Tue 2026-03-03 18:00 → Wed 2026-03-04 09:00']);
  });

  it('names the levels that reach nobody now and until when, and finds the policy gaps where no level reaches anyone', () => {
    const coverage = policyCoverage(
      [
        { delayMinutes: 5, targets: [{ type: 'schedule', id: 'office' }] },
        { delayMinutes: 5, targets: [{ type: 'schedule', id: 'not-yet' }] },
        { delayMinutes: 5, targets: [{ type: 'user', id: 'ana' }] },
        { delayMinutes: 5, targets: [{ type: 'user', id: 'ghost' }] },
      ],
      data,
      now,
      to,
    );
    expect(coverage.emptyNow).toEqual([
      { level: 1, until: local('2026-03-04T09:00') },
      { level: 2, until: local('2026-03-04T09:00') },
      { level: 4, until: null },
    ]);
    expect(coverage.gaps).toEqual([]);
    const thin = policyCoverage(
      [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'office' }] }],
      data,
      now,
      to,
    );
    expect(shown(thin.gaps).slice(0, 2)).toEqual([
      'Tue 2026-03-03 18:00 → Wed 2026-03-04 09:00',
      'Wed 2026-03-04 17:00 → Thu 2026-03-05 09:00',
    ]);
  });
});

describe('uncovered', () => {
  it('returns the parts of a window no interval covers, whatever their order and overlap', () => {
    expect(
      uncovered(
        [
          { start: 5, end: 8 },
          { start: 1, end: 3 },
          { start: 2, end: 4 },
        ],
        0,
        10,
      ),
    ).toEqual([
      { start: 0, end: 1 },
      { start: 4, end: 5 },
      { start: 8, end: 10 },
    ]);
    expect(uncovered([{ start: -5, end: 20 }], 0, 10)).toEqual([]);
    expect(uncovered([], 3, 3)).toEqual([]);
  });
});
