/** Coverage gaps in words, and wall-clock times in a schedule's zone for the schedule form. Pure, `now` passed in. */
import type { Interval } from './types';

const pad = (n: number) => String(n).padStart(2, '0');

/** "now", "Tue 09:00" within the coming week, else "Tue 10 Mar 09:00" (the phone's time zone). */
export function whenShort(at: number, now: number): string {
  if (at <= now) return 'now';
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const day = d.toLocaleDateString(
    undefined,
    at - now < 6 * 86_400_000
      ? { weekday: 'short' }
      : { weekday: 'short', day: 'numeric', month: 'short' },
  );
  return `${day} ${time}`;
}

/**
 * A gap for people: "Tue 09:00 → Wed 09:00", "now → Wed 09:00", or "from Sat 12:00" when it runs
 * past the window the server looked at (`until`).
 */
export function gapText(gap: Interval, until: number, now: number): string {
  return gap.end >= until
    ? `from ${whenShort(gap.start, now)}`
    : `${whenShort(gap.start, now)} → ${whenShort(gap.end, now)}`;
}

/** The gap under way at `now`, if any. */
export const gapNow = (gaps: readonly Interval[] | undefined, now: number): Interval | undefined =>
  gaps?.find((g) => g.start <= now && now < g.end);

/** The phone's IANA time zone (UTC when it cannot say). */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Wall-clock parts in `zone` (the phone's own zone when it is not a valid IANA name). */
function wallParts(
  at: number,
  zone: string,
): { y: number; m: number; d: number; hh: number; mm: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    const d = new Date(at);
    return {
      y: d.getFullYear(),
      m: d.getMonth() + 1,
      d: d.getDate(),
      hh: d.getHours(),
      mm: d.getMinutes(),
    };
  }
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    y: get('year'),
    m: get('month'),
    d: get('day'),
    hh: get('hour') % 24,
    mm: get('minute'),
  };
}

/** The wall-clock time in `zone` at `at`, as a datetime-local value: "2026-03-03T15:20". */
export function wallNow(zone: string, at: number): string {
  const w = wallParts(at, zone);
  return `${w.y}-${pad(w.m)}-${pad(w.d)}T${pad(w.hh)}:${pad(w.mm)}`;
}

/**
 * The start of the shift under way for handovers at `handover` (HH:mm) in `zone`: today's handover if
 * it has passed, else yesterday's. A new schedule starting there covers someone from the moment it is saved.
 */
export function currentShiftStart(zone: string, at: number, handover = '09:00'): string {
  const w = wallParts(at, zone);
  const today = `${pad(w.hh)}:${pad(w.mm)}` >= handover;
  const day = new Date(Date.UTC(w.y, w.m - 1, w.d - (today ? 0 : 1)));
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T${handover}`;
}
