/**
 * iCalendar export of rendered shifts via ical-generator (plain JS, no Node built-ins; fine in workerd).
 *
 * Times are written in UTC ("…Z"): with a calendar timezone set, ical-generator formats JS Dates
 * with the *runtime's* local time (getHours()) and would emit a TZID without a VTIMEZONE, so
 * UTC is the only choice that is correct everywhere. Calendar apps show it in local time anyway.
 */
import ical from 'ical-generator';
import type { Schedule, Shift } from './types';

export interface CalendarOptions {
  /** Calendar display name (X-WR-CALNAME). */
  name: string;
  /** DTSTAMP for every event; passed in to keep the output pure. */
  now: number;
}

/** Stable per shift, so re-fetching a subscribed calendar updates events instead of duplicating them. */
export function shiftUid(scheduleId: string, shift: Shift): string {
  return `${encodeURIComponent(scheduleId)}-${shift.start}-${encodeURIComponent(shift.userId)}@firebell`;
}

function render(
  schedule: Schedule,
  shifts: readonly Shift[],
  opts: CalendarOptions,
  summary: (s: Shift) => string,
): string {
  const calendar = ical({ name: opts.name, prodId: '//Firebell//On-call//EN' });
  const stamp = new Date(opts.now);
  for (const s of shifts) {
    calendar.createEvent({
      id: shiftUid(schedule.id, s),
      start: new Date(s.start),
      end: new Date(s.end),
      stamp,
      summary: summary(s),
      description: `${schedule.name}${s.override ? ' (override)' : ''}`,
    });
  }
  return calendar.toString();
}

/** Everyone's shifts of one schedule, titled with the on-call user's name. */
export function scheduleCalendar(
  schedule: Schedule,
  shifts: readonly Shift[],
  userNames: Record<string, string>,
  opts: CalendarOptions,
): string {
  return render(schedule, shifts, opts, (s) => `On call: ${userNames[s.userId] ?? s.userId}`);
}

/** One user's shifts of one schedule, titled with the schedule name. */
export function userCalendar(
  schedule: Schedule,
  shifts: readonly Shift[],
  userId: string,
  userNames: Record<string, string>,
  opts: CalendarOptions,
): string {
  const mine = shifts.filter((s) => s.userId === userId);
  const who = userNames[userId] ?? userId;
  return render(schedule, mine, opts, () => `On call for ${schedule.name} (${who})`);
}

/** A maintenance window occurrence, as the calendar shows it. */
export interface MaintenanceEvent {
  windowId: string;
  name: string;
  services: string[];
  start: number;
  end: number;
}

/** Maintenance windows in a calendar of their own (merged into the on-call feeds), one event per occurrence. */
export function maintenanceCalendar(
  events: readonly MaintenanceEvent[],
  opts: CalendarOptions,
): string {
  const calendar = ical({ name: opts.name, prodId: '//Firebell//On-call//EN' });
  const stamp = new Date(opts.now);
  for (const e of events)
    calendar.createEvent({
      id: `${encodeURIComponent(e.windowId)}-${e.start}@firebell-maintenance`,
      start: new Date(e.start),
      end: new Date(e.end),
      stamp,
      summary: `Maintenance: ${e.name}`,
      description: `No one is paged for ${e.services.join(', ')} during this window.`,
    });
  return calendar.toString();
}
