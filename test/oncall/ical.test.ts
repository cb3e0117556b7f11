import { describe, expect, it } from 'vitest';
import { scheduleCalendar, shiftUid, userCalendar } from '../../worker/oncall/ical';
import { renderShifts } from '../../worker/oncall/render';
import type { Schedule } from '../../worker/oncall/types';

const schedule: Schedule = {
  id: 'sched-1',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      id: 'L1',
      name: 'Daily',
      users: ['u1', 'u2', 'u3'],
      rotation: { type: 'daily' },
      start: '2026-03-02T09:00',
    },
  ],
  overrides: [{ userId: 'u3', start: Date.UTC(2026, 2, 2, 12), end: Date.UTC(2026, 2, 2, 14) }],
};
const names = { u1: 'Ada Lovelace', u2: 'Grace Hopper', u3: 'Linus' };
const shifts = renderShifts(schedule, Date.UTC(2026, 2, 2, 8), Date.UTC(2026, 2, 5, 8));
const lines = (ics: string, prefix: string): string[] =>
  ics.split('\r\n').filter((l) => l.startsWith(prefix));

describe('iCalendar export', () => {
  it('writes one VEVENT per shift with its UTC start and end and the user name in the summary', () => {
    expect(shifts.map((s) => s.userId)).toEqual(['u1', 'u3', 'u1', 'u2', 'u3']);
    const ics = scheduleCalendar(schedule, shifts, names, {
      name: 'Payments on-call',
      now: Date.UTC(2026, 2, 1),
    });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('X-WR-CALNAME:Payments on-call');
    expect(lines(ics, 'BEGIN:VEVENT')).toHaveLength(shifts.length);
    expect(lines(ics, 'DTSTART:')).toEqual([
      'DTSTART:20260302T080000Z', // 09:00 CET
      'DTSTART:20260302T120000Z',
      'DTSTART:20260302T140000Z',
      'DTSTART:20260303T080000Z',
      'DTSTART:20260304T080000Z',
    ]);
    expect(lines(ics, 'DTEND:')[0]).toBe('DTEND:20260302T120000Z');
    expect(lines(ics, 'DTSTAMP:')).toEqual(Array(shifts.length).fill('DTSTAMP:20260301T000000Z'));
    expect(lines(ics, 'SUMMARY:')[0]).toBe('SUMMARY:On call: Ada Lovelace');
    expect(lines(ics, 'DESCRIPTION:')[1]).toBe('DESCRIPTION:Payments primary (override)');
  });

  it('gives each shift a UID built from schedule, start and user that is stable across exports', () => {
    const first = scheduleCalendar(schedule, shifts, names, {
      name: 'x',
      now: Date.UTC(2026, 2, 1),
    });
    const later = scheduleCalendar(
      schedule,
      renderShifts(schedule, Date.UTC(2026, 2, 2, 8), Date.UTC(2026, 2, 5, 8)),
      names,
      {
        name: 'x',
        now: Date.UTC(2026, 2, 2),
      },
    );
    const uids = lines(first, 'UID:');
    expect(uids).toEqual(shifts.map((s) => `UID:${shiftUid(schedule.id, s)}`));
    expect(uids[0]).toBe(`UID:sched-1-${Date.UTC(2026, 2, 2, 8)}-u1@firebell`);
    expect(new Set(uids).size).toBe(uids.length);
    expect(lines(later, 'UID:')).toEqual(uids);
  });

  it('exports only the given user’s shifts in a personal calendar', () => {
    const ics = userCalendar(schedule, shifts, 'u1', names, { name: 'My on-call', now: 0 });
    expect(lines(ics, 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines(ics, 'DTSTART:')).toEqual([
      'DTSTART:20260302T080000Z',
      'DTSTART:20260302T140000Z',
    ]);
    expect(lines(ics, 'SUMMARY:')[0]).toBe('SUMMARY:On call for Payments primary (Ada Lovelace)');
  });
});
