/**
 * Maintenance window maths, pure: when a window's occurrences start and end. Recurrence is left to the
 * libraries (rrule for RRULEs, croner for cron); only the time zone step is ours, through zone.ts, so an RRULE
 * expands in wall-clock time ("every Sunday 02:00 in Berlin") and each occurrence lands on the right instant
 * on both sides of a DST change.
 */
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import type { WindowSchedule } from '../../schema/maintenance-schemas';
import { MINUTE, wallOf, wallToMs, zoneOf, DAY } from './zone';

export interface Interval {
  start: number;
  end: number;
}

/** Occurrences listed per query at most: a cron firing every minute must not make a check loop for ever. */
export const MAX_OCCURRENCES = 2000;

/** The window's occurrences that overlap [from, to), oldest first, cut at `endedAt` (ended early). */
export function occurrences(
  schedule: WindowSchedule,
  from: number,
  to: number,
  endedAt: number | null = null,
): Interval[] {
  const all = raw(schedule, from, to);
  const out: Interval[] = [];
  for (const o of all) {
    if (endedAt !== null && o.start <= endedAt && endedAt < o.end) o.end = endedAt;
    // A one-off window ended before it began is cancelled; a recurring one carries on next time.
    if (endedAt !== null && schedule.type === 'once' && o.start >= endedAt) continue;
    if (o.end > from && o.start < to && o.end > o.start) out.push(o);
  }
  return out;
}

/** The occurrence in progress at `now`, if any. */
export function activeAt(
  schedule: WindowSchedule,
  now: number,
  endedAt: number | null = null,
): Interval | null {
  return occurrences(schedule, now, now + 1, endedAt).find((o) => o.start <= now) ?? null;
}

/** Whether any occurrence of `a` overlaps one of `b` within [from, to). */
export function overlapIn(a: readonly Interval[], b: readonly Interval[]): Interval | null {
  for (const x of a) for (const y of b) if (x.start < y.end && y.start < x.end) return x;
  return null;
}

function raw(schedule: WindowSchedule, from: number, to: number): Interval[] {
  if (schedule.type === 'once') return [{ start: schedule.start, end: schedule.end }];
  const duration = schedule.durationMinutes * MINUTE;
  const notBefore = Math.max(schedule.from, from - duration);
  const notAfter = Math.min(schedule.until ?? Infinity, to);
  if (notBefore >= notAfter) return [];
  const starts =
    schedule.type === 'rrule'
      ? rruleStarts(schedule.rule, schedule.timeZone, schedule.from, notBefore, notAfter)
      : cronStarts(schedule.expression, schedule.timeZone, notBefore, notAfter);
  return starts.map((start) => ({ start, end: start + duration }));
}

/** Parse an RRULE body (no DTSTART: the window's `from` is its start); throws on anything rrule refuses. */
export function parseRule(rule: string): ReturnType<typeof RRule.parseString> {
  const body = rule.trim().replace(/^RRULE:/i, '');
  if (/DTSTART|TZID|\n/i.test(body))
    throw new RangeError('give the start as `from` and the zone as `timeZone`, not in the RRULE');
  const options = RRule.parseString(body);
  if (options.freq === undefined || options.freq === null)
    throw new RangeError('an RRULE needs FREQ (e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2)');
  // Minutely and secondly rules can make rrule walk millions of candidates; windows recur hourly at most.
  if (options.freq > RRule.HOURLY)
    throw new RangeError('FREQ must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY');
  if (options.interval !== undefined && options.interval < 1)
    throw new RangeError('INTERVAL must be 1 or more');
  return options;
}

/** Throws when croner refuses the expression. */
export function parseCron(expression: string): void {
  new Cron(expression, { paused: true });
}

/**
 * RRULE starts in [notBefore, notAfter): expanded in "floating" wall-clock time (a Date whose UTC fields are
 * the local ones, as rrule's own docs suggest), then each wall time placed in the zone.
 */
function rruleStarts(
  rule: string,
  timeZone: string,
  from: number,
  notBefore: number,
  notAfter: number,
): number[] {
  const zone = zoneOf(timeZone);
  const dtstart = wallOf(from, zone).set({ second: 0, millisecond: 0 }).toJSDate();
  const expanded = new RRule({ ...parseRule(rule), dtstart });
  // A day either side covers any zone offset; the exact bounds are applied to real instants below.
  const walls = expanded.between(
    new Date(wallOf(notBefore, zone).toMillis() - DAY),
    new Date(wallOf(notAfter, zone).toMillis() + DAY),
    true,
    (_, i) => i < MAX_OCCURRENCES,
  );
  return walls
    .map((d) => wallToMs(DateTime.fromJSDate(d, { zone: 'utc' }), zone))
    .filter((t) => t >= notBefore && t < notAfter && t >= from);
}

function cronStarts(
  expression: string,
  timeZone: string,
  notBefore: number,
  notAfter: number,
): number[] {
  zoneOf(timeZone);
  const cron = new Cron(expression, { timezone: timeZone, paused: true });
  const out: number[] = [];
  // nextRun is strictly after its argument: start a millisecond early so a run at `notBefore` counts.
  let next = cron.nextRun(new Date(notBefore - 1));
  while (next && next.getTime() < notAfter && out.length < MAX_OCCURRENCES) {
    out.push(next.getTime());
    next = cron.nextRun(next);
  }
  return out;
}
