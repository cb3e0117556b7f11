/**
 * Wall-clock <-> instant conversion for one IANA zone.
 *
 * Wall-clock times are carried as luxon DateTimes in UTC, so `.plus({ days })`, `.weekday` and
 * `.set({ hour })` are plain calendar arithmetic with no DST. Only `wallToMs` and `wallOf` touch
 * the zone. We resolve wall times ourselves instead of `DateTime.fromObject/fromISO(…, { zone })`
 * because luxon resolves an ambiguous fall-back time using the zone's offset at *today's* date
 * (Settings.now()), so the same schedule would render differently in summer and winter.
 */
import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Throws on an unknown zone so a typo never silently renders in UTC. */
export function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`Unknown time zone: ${name}`);
  return zone;
}

/** Parses an ISO local date-time (no offset) into a wall-clock DateTime. */
export function parseWall(iso: string): DateTime {
  const t = iso.indexOf('T');
  if (t >= 0 && /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(iso.slice(t))) {
    throw new RangeError(`Expected a local date-time without offset: ${iso}`);
  }
  const wall = DateTime.fromISO(iso, { zone: 'utc' });
  if (!wall.isValid) throw new RangeError(`Invalid local date-time: ${iso}`);
  return wall;
}

/** Parses 'HH:mm' into minutes after midnight. */
export function parseHHmm(value: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new RangeError(`Expected HH:mm, got ${value}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** The wall-clock time in `zone` at instant `ms`. */
export function wallOf(ms: number, zone: IANAZone): DateTime {
  return DateTime.fromMillis(ms + zone.offset(ms) * MINUTE, { zone: 'utc' });
}

/**
 * The instant a wall-clock time happens in `zone`, deterministically (RFC 5545 / Temporal
 * "compatible"): an ambiguous fall-back time is its first occurrence; a time inside a
 * spring-forward gap is moved forward by the gap (02:30 → 03:30 in Europe/Berlin).
 * Assumes no zone changes offset twice within two days.
 */
export function wallToMs(wall: DateTime, zone: IANAZone): number {
  const w = wall.toMillis();
  const before = zone.offset(w - DAY) * MINUTE;
  const after = zone.offset(w + DAY) * MINUTE;
  if (zone.offset(w - before) * MINUTE === before) return w - before;
  if (zone.offset(w - after) * MINUTE === after) return w - after;
  return w - before; // gap: read with the pre-transition offset, which lands after the gap
}
