/**
 * Local time inside SQL. SQLite has no time zones, so a zone's UTC offsets over the report range are
 * worked out here (a year has at most a few DST transitions) and handed to SQL as a CASE over instants.
 * Out of hours = outside 09:00–17:00, Monday to Friday, local time in the report's zone (UTC by default).
 */
import type { IANAZone } from 'luxon';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A stretch of time from `start` during which the zone's offset is `offsetMs`. */
export interface OffsetSegment {
  start: number;
  offsetMs: number;
}

/** The zone's offsets across [from, to): one segment per DST period, transitions found to the millisecond. */
export function offsetSegments(zone: IANAZone | null, from: number, to: number): OffsetSegment[] {
  const offsetAt = (t: number) => (zone ? zone.offset(t) * MINUTE : 0);
  const segments: OffsetSegment[] = [{ start: from, offsetMs: offsetAt(from) }];
  for (let t = from; t < to; t += DAY) {
    const next = Math.min(t + DAY, to);
    const current = segments[segments.length - 1]!.offsetMs;
    if (offsetAt(next) === current) continue;
    let lo = t;
    let hi = next; // offset(lo) === current, offset(hi) !== current
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ start: hi, offsetMs: offsetAt(hi) });
  }
  return segments;
}

/** SQL for `column` (UTC ms) shifted to local wall-clock ms. Values are numbers computed here, never user text. */
export function localSql(column: string, segments: OffsetSegment[]): string {
  const [first, ...rest] = segments;
  if (!first) return column;
  if (!rest.length) return first.offsetMs ? `(${column} + ${first.offsetMs})` : column;
  const whens = rest
    .map((s, i) => `WHEN ${column} < ${s.start} THEN ${(i === 0 ? first : rest[i - 1]!).offsetMs}`)
    .join(' ');
  return `(${column} + CASE ${whens} ELSE ${rest[rest.length - 1]!.offsetMs} END)`;
}

/** SQL that is 1 when the local instant falls outside working hours. Day 0 (1970-01-01) was a Thursday. */
export function outOfHoursSql(local: string): string {
  const weekday = `((${local} / ${DAY} + 3) % 7)`; // 0 = Monday … 6 = Sunday
  const hourMs = `(${local} % ${DAY})`;
  return `(CASE WHEN ${weekday} >= 5 OR ${hourMs} < ${9 * HOUR} OR ${hourMs} >= ${17 * HOUR} THEN 1 ELSE 0 END)`;
}

/** SQL for the local day number (days since 1970-01-01) of the Monday starting the ISO week. */
export function weekStartDaySql(local: string): string {
  return `(${local} / ${DAY} - ((${local} / ${DAY} + 3) % 7))`;
}

/** ISO 8601 week label ("2025-W01") and Monday date for a day number from weekStartDaySql. */
export function isoWeek(mondayDay: number): { week: string; weekStart: string } {
  const monday = new Date(mondayDay * DAY);
  const thursday = new Date((mondayDay + 3) * DAY); // the ISO year is the year of the week's Thursday
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY);
  const week = Math.floor(dayOfYear / 7) + 1;
  return {
    week: `${year}-W${String(week).padStart(2, '0')}`,
    weekStart: monday.toISOString().slice(0, 10),
  };
}
