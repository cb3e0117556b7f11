import { describe, expect, it, vi } from 'vitest';
import { DateTime, IANAZone } from 'luxon';
import { layerShifts } from '../../worker/oncall/rotation';
import { onCallAt, renderShifts } from '../../worker/oncall/render';
import type { Layer, Schedule } from '../../worker/oncall/types';

const ZONE = 'Europe/Berlin';
const HOUR = 3_600_000;
const local = (iso: string, zone = ZONE): number => DateTime.fromISO(iso, { zone }).toMillis();
const layer = (over: Partial<Layer> = {}): Layer => ({
  id: 'L1',
  name: 'Primary',
  users: ['a', 'b', 'c'],
  rotation: { type: 'daily' },
  start: '2026-03-02T09:00',
  ...over,
});
const schedule = (layers: Layer[]): Schedule => ({
  id: 's1',
  name: 'Ops',
  timeZone: ZONE,
  layers,
  overrides: [],
});
const who = (l: Layer, iso: string): string[] => onCallAt(schedule([l]), local(iso));

describe('rotations', () => {
  it('hands a daily rotation of three users over at the start time each day and wraps around', () => {
    const shifts = layerShifts(layer(), ZONE, local('2026-03-02T09:00'), local('2026-03-06T09:00'));
    expect(shifts.map((s) => s.userId)).toEqual(['a', 'b', 'c', 'a']);
    expect(shifts.every((s) => s.end - s.start === 24 * HOUR)).toBe(true);
    expect(shifts[0]).toEqual({
      userId: 'a',
      start: Date.UTC(2026, 2, 2, 8),
      end: Date.UTC(2026, 2, 3, 8),
      layerId: 'L1',
    });
    expect(who(layer(), '2026-03-04T08:59')).toEqual(['b']);
    expect(who(layer(), '2026-03-04T09:00')).toEqual(['c']);
  });

  it('hands a weekly rotation over once a week at the same local time', () => {
    const l = layer({ users: ['a', 'b'], rotation: { type: 'weekly' } });
    const shifts = layerShifts(l, ZONE, local('2026-03-02T09:00'), local('2026-03-23T09:00'));
    expect(shifts.map((s) => [s.userId, (s.end - s.start) / HOUR])).toEqual([
      ['a', 168],
      ['b', 168],
      ['a', 168],
    ]);
    expect(who(l, '2026-03-12T03:00')).toEqual(['b']);
  });

  it('runs a custom 12-hour rotation as consecutive 12-hour shifts', () => {
    const l = layer({ rotation: { type: 'custom', hours: 12 }, start: '2026-01-05T08:00' });
    const shifts = layerShifts(l, ZONE, local('2026-01-05T08:00'), local('2026-01-07T08:00'));
    expect(shifts.map((s) => s.userId)).toEqual(['a', 'b', 'c', 'a']);
    expect(
      shifts.map((s) => DateTime.fromMillis(s.start, { zone: ZONE }).toFormat('HH:mm')),
    ).toEqual(['08:00', '20:00', '08:00', '20:00']);
  });

  it('runs an hourly rotation of one hour by default and of the given number of hours otherwise', () => {
    const hourly = layer({ rotation: { type: 'hourly' }, start: '2026-01-05T00:00' });
    expect(who(hourly, '2026-01-05T00:30')).toEqual(['a']);
    expect(who(hourly, '2026-01-05T01:30')).toEqual(['b']);
    expect(who(hourly, '2026-01-05T03:00')).toEqual(['a']);
    const fourHourly = layer({ rotation: { type: 'hourly', hours: 4 }, start: '2026-01-05T00:00' });
    expect(who(fourHourly, '2026-01-05T07:59')).toEqual(['b']);
  });

  it('refuses a custom rotation without a positive length and an unknown time zone', () => {
    expect(() => layerShifts(layer({ rotation: { type: 'custom' } }), ZONE, 0, 1)).toThrow(
      RangeError,
    );
    expect(() =>
      layerShifts(layer({ rotation: { type: 'custom', hours: 0 } }), ZONE, 0, 1),
    ).toThrow(RangeError);
    expect(() => layerShifts(layer(), 'Mars/Olympus_Mons', 0, 1)).toThrow(RangeError);
  });

  it('has nobody on call from a layer before its start and begins exactly at the first handoff', () => {
    const l = layer({ start: '2026-03-10T09:00' });
    expect(who(l, '2026-03-09T12:00')).toEqual([]);
    expect(who(l, '2026-03-10T08:59')).toEqual([]);
    const shifts = layerShifts(l, ZONE, local('2026-03-09T00:00'), local('2026-03-11T00:00'));
    expect(shifts).toEqual([
      {
        userId: 'a',
        start: local('2026-03-10T09:00'),
        end: local('2026-03-11T00:00'),
        layerId: 'L1',
      },
    ]);
  });

  it('has nobody on call from a layer without users', () => {
    expect(who(layer({ users: [] }), '2026-03-04T12:00')).toEqual([]);
  });
});

describe('restrictions', () => {
  const workHours = layer({
    users: ['a', 'b'],
    start: '2026-03-01T09:00',
    restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
  });

  it('limits a layer restricted to weekdays 09:00–17:00 to those hours and leaves nights and weekends empty', () => {
    const shifts = layerShifts(
      workHours,
      ZONE,
      local('2026-03-02T00:00'),
      local('2026-03-09T00:00'),
    );
    expect(shifts).toHaveLength(5);
    for (const s of shifts) {
      expect(DateTime.fromMillis(s.start, { zone: ZONE }).toFormat('HH:mm')).toBe('09:00');
      expect(DateTime.fromMillis(s.end, { zone: ZONE }).toFormat('HH:mm')).toBe('17:00');
    }
    expect(shifts.map((s) => s.userId)).toEqual(['b', 'a', 'b', 'a', 'b']);
    expect(who(workHours, '2026-03-03T12:00')).toEqual(['a']);
    expect(who(workHours, '2026-03-03T20:00')).toEqual([]);
    expect(who(workHours, '2026-03-04T03:00')).toEqual([]);
    expect(who(workHours, '2026-03-07T12:00')).toEqual([]);
    expect(who(workHours, '2026-03-08T12:00')).toEqual([]);
  });

  it('runs a restriction whose end is before its start past midnight into the next day', () => {
    const nights = layer({
      users: ['a'],
      restrictions: [{ days: [5], from: '22:00', to: '06:00' }],
    });
    expect(who(nights, '2026-03-06T21:59')).toEqual([]); // Friday
    expect(who(nights, '2026-03-06T23:00')).toEqual(['a']);
    expect(who(nights, '2026-03-07T05:59')).toEqual(['a']); // Saturday morning still belongs to Friday's window
    expect(who(nights, '2026-03-07T06:00')).toEqual([]);
    expect(who(nights, '2026-03-08T03:00')).toEqual([]); // Saturday night is not restricted in
    // A window that began before the render window is still found.
    expect(layerShifts(nights, ZONE, local('2026-03-07T03:00'), local('2026-03-07T12:00'))).toEqual(
      [
        {
          userId: 'a',
          start: local('2026-03-07T03:00'),
          end: local('2026-03-07T06:00'),
          layerId: 'L1',
        },
      ],
    );
  });

  it('splits a restricted window at a handoff that falls inside it', () => {
    const l = layer({
      users: ['a', 'b'],
      start: '2026-03-02T00:00',
      restrictions: [{ days: [1], from: '22:00', to: '02:00' }],
    });
    const shifts = renderShifts(
      schedule([l]),
      local('2026-03-02T00:00'),
      local('2026-03-04T00:00'),
    );
    expect(
      shifts.map((s) => [
        s.userId,
        DateTime.fromMillis(s.start, { zone: ZONE }).toFormat('ccc HH:mm'),
      ]),
    ).toEqual([
      ['a', 'Mon 22:00'],
      ['b', 'Tue 00:00'],
    ]);
  });
});

describe('far-future lookups', () => {
  it('answers three years after the start with arithmetic instead of walking every handoff', () => {
    const zone = IANAZone.create(ZONE); // luxon caches zone instances, so this is the one the code uses
    const offsets = vi.spyOn(zone, 'offset');
    try {
      // 2026-03-01 → 2029-03-01 is 1096 days; 1096 % 3 = 1 → 'b'.
      const daily = layer({ start: '2026-03-01T09:00' });
      expect(who(daily, '2029-03-01T09:01')).toEqual(['b']);
      expect(who(daily, '2029-03-01T08:59')).toEqual(['a']);
      const twelve = layer({
        users: ['a', 'b'],
        rotation: { type: 'custom', hours: 12 },
        start: '2026-01-05T08:00',
      });
      // Fixed-length shifts ignore DST: still 07:00Z/19:00Z handoffs three years on.
      const [shift] = layerShifts(twelve, ZONE, Date.UTC(2029, 0, 5, 10), Date.UTC(2029, 0, 5, 11));
      expect(shift?.userId).toBe('a');
      expect(
        layerShifts(twelve, ZONE, Date.UTC(2029, 0, 5, 7), Date.UTC(2029, 0, 5, 19, 30)).map(
          (s) => s.start,
        ),
      ).toEqual([Date.UTC(2029, 0, 5, 7), Date.UTC(2029, 0, 5, 19)]);
      // Walking ~1100 daily handoffs would need thousands of zone-offset lookups.
      expect(offsets.mock.calls.length).toBeLessThan(100);
    } finally {
      offsets.mockRestore();
    }
  });
});
