import { describe, expect, it } from 'vitest';
import { DateTime, Settings } from 'luxon';
import { layerShifts } from '../../worker/oncall/rotation';
import { onCallAt, renderShifts } from '../../worker/oncall/render';
import type { Layer, Schedule, Shift } from '../../worker/oncall/types';

const HOUR = 3_600_000;
const users = ['a', 'b', 'c'];
const daily = (start: string): Layer => ({
  id: 'L1',
  name: 'Primary',
  users,
  rotation: { type: 'daily' },
  start,
});
const schedule = (layer: Layer, timeZone: string): Schedule => ({
  id: 's1',
  name: 'Ops',
  timeZone,
  layers: [layer],
  overrides: [],
});
const localTime = (ms: number, zone: string): string =>
  DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');
const hours = (shifts: Shift[]): number[] => shifts.map((s) => (s.end - s.start) / HOUR);

/** Each user follows the previous one in rotation order: nobody skipped or on twice in a row. */
function expectNoSkipOrRepeat(shifts: Shift[]): void {
  for (let i = 1; i < shifts.length; i++) {
    expect(users.indexOf(shifts[i]!.userId)).toBe(
      (users.indexOf(shifts[i - 1]!.userId) + 1) % users.length,
    );
    expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
  }
}

describe('daily rotations across DST keep the local handoff time', () => {
  it('makes the Europe/Berlin spring-forward shift 23 hours and keeps handing off at 09:00 local', () => {
    const zone = 'Europe/Berlin';
    // 2026-03-29 02:00 CET → 03:00 CEST.
    const shifts = layerShifts(
      daily('2026-03-01T09:00'),
      zone,
      Date.UTC(2026, 2, 27, 8),
      Date.UTC(2026, 2, 31, 7),
    );
    expect(shifts.map((s) => localTime(s.start, zone))).toEqual([
      '2026-03-27 09:00 +01:00',
      '2026-03-28 09:00 +01:00',
      '2026-03-29 09:00 +02:00',
      '2026-03-30 09:00 +02:00',
    ]);
    expect(hours(shifts)).toEqual([24, 23, 24, 24]);
    expect(shifts.map((s) => s.userId)).toEqual(['c', 'a', 'b', 'c']); // day 26 of the rotation → users[26 % 3]
    expectNoSkipOrRepeat(shifts);
    expect(
      onCallAt(schedule(daily('2026-03-01T09:00'), zone), Date.UTC(2026, 2, 29, 6, 59)),
    ).toEqual(['a']);
    expect(onCallAt(schedule(daily('2026-03-01T09:00'), zone), Date.UTC(2026, 2, 29, 7))).toEqual([
      'b',
    ]);
  });

  it('makes the Europe/Berlin fall-back shift 25 hours and keeps handing off at 09:00 local', () => {
    const zone = 'Europe/Berlin';
    // 2026-10-25 03:00 CEST → 02:00 CET.
    const shifts = layerShifts(
      daily('2026-03-01T09:00'),
      zone,
      Date.UTC(2026, 9, 23, 7),
      Date.UTC(2026, 9, 27, 8),
    );
    expect(shifts.map((s) => localTime(s.start, zone))).toEqual([
      '2026-10-23 09:00 +02:00',
      '2026-10-24 09:00 +02:00',
      '2026-10-25 09:00 +01:00',
      '2026-10-26 09:00 +01:00',
    ]);
    expect(hours(shifts)).toEqual([24, 25, 24, 24]);
    expectNoSkipOrRepeat(shifts);
  });

  it('makes the America/New_York shifts 23 and 25 hours across both 2026 transitions', () => {
    const zone = 'America/New_York';
    const l = daily('2026-03-01T09:00');
    const spring = layerShifts(l, zone, Date.UTC(2026, 2, 6, 14), Date.UTC(2026, 2, 10, 13));
    expect(spring.map((s) => localTime(s.start, zone).slice(11))).toEqual([
      '09:00 -05:00',
      '09:00 -05:00',
      '09:00 -04:00',
      '09:00 -04:00',
    ]);
    expect(hours(spring)).toEqual([24, 23, 24, 24]);
    expectNoSkipOrRepeat(spring);
    const fall = layerShifts(l, zone, Date.UTC(2026, 9, 30, 13), Date.UTC(2026, 10, 3, 14));
    expect(fall.map((s) => localTime(s.start, zone).slice(11))).toEqual([
      '09:00 -04:00',
      '09:00 -04:00',
      '09:00 -05:00',
      '09:00 -05:00',
    ]);
    expect(hours(fall)).toEqual([24, 25, 24, 24]);
    expectNoSkipOrRepeat(fall);
  });

  it('makes the weekly shift containing spring-forward one hour shorter and keeps Monday 09:00 local', () => {
    const zone = 'Europe/Berlin';
    const weekly: Layer = { ...daily('2026-03-23T09:00'), rotation: { type: 'weekly' } };
    const shifts = layerShifts(weekly, zone, Date.UTC(2026, 2, 23, 8), Date.UTC(2026, 3, 6, 7));
    expect(shifts.map((s) => localTime(s.start, zone))).toEqual([
      '2026-03-23 09:00 +01:00',
      '2026-03-30 09:00 +02:00',
    ]);
    expect(hours(shifts)).toEqual([167, 168]);
  });

  it('moves a handoff that falls in the spring-forward gap to 03:30 on that day only', () => {
    const zone = 'Europe/Berlin';
    const shifts = layerShifts(
      daily('2026-03-28T02:30'),
      zone,
      Date.UTC(2026, 2, 28),
      Date.UTC(2026, 2, 31, 0, 30),
    );
    expect(shifts.map((s) => localTime(s.start, zone).slice(5))).toEqual([
      '03-28 02:30 +01:00',
      '03-29 03:30 +02:00',
      '03-30 02:30 +02:00',
    ]);
    expect(hours(shifts)).toEqual([24, 23, 24]);
  });

  it('resolves a handoff at an ambiguous fall-back time to its first occurrence, whatever today’s date is', () => {
    const zone = 'Europe/Berlin';
    const render = (): Shift[] =>
      layerShifts(
        daily('2026-10-24T02:30'),
        zone,
        Date.UTC(2026, 9, 24),
        Date.UTC(2026, 9, 27, 1, 30),
      );
    const previous = Settings.now;
    try {
      Settings.now = () => Date.UTC(2026, 0, 15); // luxon's own zone resolution depends on this
      const winter = render();
      Settings.now = () => Date.UTC(2026, 6, 15);
      const summer = render();
      expect(summer).toEqual(winter);
      expect(winter.map((s) => localTime(s.start, zone).slice(5))).toEqual([
        '10-24 02:30 +02:00',
        '10-25 02:30 +02:00',
        '10-26 02:30 +01:00',
      ]);
      expect(hours(winter)).toEqual([24, 25, 24]);
    } finally {
      Settings.now = previous;
    }
  });
});

describe('fixed-length rotations across DST', () => {
  it('keeps a 12-hour custom rotation at 12 real hours through both Berlin transitions', () => {
    const zone = 'Europe/Berlin';
    const l: Layer = {
      id: 'L1',
      name: 'Follow the sun',
      users: ['a', 'b'],
      rotation: { type: 'custom', hours: 12 },
      start: '2026-03-27T08:00',
    };
    const spring = layerShifts(l, zone, Date.UTC(2026, 2, 27, 7), Date.UTC(2026, 2, 31, 7));
    expect(hours(spring).every((h) => h === 12)).toBe(true);
    expect(spring).toHaveLength(8);
    // Handoffs stay on the UTC grid, so the local clock reading moves by an hour.
    expect(localTime(spring[0]!.start, zone).slice(11, 16)).toBe('08:00');
    expect(localTime(spring[6]!.start, zone).slice(11, 16)).toBe('09:00');
    expect(spring.map((s) => s.userId).join('')).toBe('abababab');
    const fall = layerShifts(l, zone, Date.UTC(2026, 9, 24, 7), Date.UTC(2026, 9, 27, 7));
    expect(hours(fall).every((h) => h === 12)).toBe(true);
    expect(fall).toHaveLength(6);
    expect(localTime(fall[0]!.start, zone).slice(11, 16)).toBe('09:00');
    expect(localTime(fall[2]!.start, zone).slice(11, 16)).toBe('08:00');
  });

  it('keeps a 09:00–17:00 restriction at local office hours after the clocks change', () => {
    const zone = 'Europe/Berlin';
    const l: Layer = {
      ...daily('2026-03-01T09:00'),
      restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
    };
    const shifts = renderShifts(schedule(l, zone), Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 31));
    expect(shifts.map((s) => localTime(s.start, zone).slice(5))).toEqual([
      '03-27 09:00 +01:00',
      '03-30 09:00 +02:00',
    ]);
    expect(hours(shifts)).toEqual([8, 8]);
  });
});
