/**
 * The time range of a report: `from` inclusive, `to` exclusive. Each bound is epoch ms, an ISO instant
 * with an offset, or a local date / date-time read in the report's zone (UTC unless `zone` is given).
 * A date-only `to` includes that whole day, so from=2025-01-01&to=2025-01-31 is all of January.
 */
import { DateTime, type IANAZone } from 'luxon';
import { badRequest } from '../errors';
import { zoneOf } from '../oncall/zone';

const DAY = 86_400_000;
/** Ten years: the zone offsets are worked out day by day, and nobody charts more. */
const MAX_SPAN = 3660 * DAY;
const DEFAULT_SPAN = 30 * DAY;

export interface ReportRange {
  from: number;
  to: number;
  zone: IANAZone | null;
  zoneName: string;
}

export function parseRange(
  query: { from?: string; to?: string; zone?: string },
  now: number,
): ReportRange {
  let zone: IANAZone | null = null;
  if (query.zone && query.zone !== 'UTC') {
    try {
      zone = zoneOf(query.zone);
    } catch {
      throw badRequest(
        `zone: unknown time zone ${query.zone}; use an IANA name such as Europe/Berlin.`,
      );
    }
  }
  const to = query.to ? instant('to', query.to, zone, true) : now;
  const from = query.from ? instant('from', query.from, zone, false) : to - DEFAULT_SPAN;
  if (from >= to) throw badRequest('from must be before to.');
  if (to - from > MAX_SPAN) throw badRequest('A report covers at most ten years; narrow from/to.');
  return { from, to, zone, zoneName: zone?.name ?? 'UTC' };
}

function instant(name: string, value: string, zone: IANAZone | null, endOfDay: boolean): number {
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const parsed = DateTime.fromISO(value, { zone: zone ?? 'utc', setZone: false });
  if (!parsed.isValid)
    throw badRequest(`${name}: expected epoch ms or an ISO 8601 date or date-time, got ${value}.`);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return dateOnly && endOfDay ? parsed.plus({ days: 1 }).toMillis() : parsed.toMillis();
}
