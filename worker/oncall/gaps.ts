/**
 * Coverage gaps: when nobody is on call. Pure, over data the directory loads; every instant comes in
 * as an argument. Shifts come from renderShifts, so layers, restrictions, overrides and DST are
 * decided in one place and a gap is exactly "renderShifts has nobody here".
 */
import type {
  Coverage,
  EmptyLevel,
  EscalationLevel,
  EscalationTarget,
  Interval,
} from '../../schema/oncall';
import { renderShifts } from './render';
import type { Schedule, Shift } from './types';

/** The parts of [from, to) that no interval in `covered` (any order, may overlap) covers, sorted. */
export function uncovered(covered: readonly Interval[], from: number, to: number): Interval[] {
  if (!(to > from)) return [];
  const sorted = [...covered]
    .filter((c) => c.end > from && c.start < to)
    .sort((a, b) => a.start - b.start);
  const gaps: Interval[] = [];
  let cursor = from;
  for (const c of sorted) {
    if (c.start > cursor) gaps.push({ start: cursor, end: Math.min(c.start, to) });
    cursor = Math.max(cursor, c.end);
    if (cursor >= to) break;
  }
  if (cursor < to) gaps.push({ start: cursor, end: to });
  return gaps;
}

/** Shifts of a schedule, or null when it cannot be rendered (layers edited outside the API): then it covers nothing. */
function shiftsOf(schedule: Schedule, from: number, to: number): Shift[] | null {
  try {
    return renderShifts(schedule, from, to);
  } catch {
    return null;
  }
}

/** When nobody is on call on `schedule` within [from, to), after layers, restrictions and overrides. */
export function scheduleGaps(schedule: Schedule, from: number, to: number): Interval[] {
  return uncovered(shiftsOf(schedule, from, to) ?? [], from, to);
}

/** A schedule's coverage over [from, to). */
export function scheduleCoverage(schedule: Schedule, from: number, to: number): Coverage {
  return { from, to, gaps: scheduleGaps(schedule, from, to) };
}

/** What target coverage needs: the targeted schedules (with overrides over the window) and which user ids exist. */
export interface CoverageData {
  schedules: ReadonlyMap<string, Schedule>;
  /** A user who exists and may be paged (not disabled or removed). */
  isUser: (id: string) => boolean;
  /** Whether a shift's user may be paged; absent, everyone on shift may. A disabled person's shift covers nothing. */
  pageable?: (id: string) => boolean;
}

/**
 * When `targets` reach nobody within [from, to). A user who exists and may be paged is always reachable as a
 * target (whether their phone rings is `reachable`'s business, not coverage's); a schedule through its shifts
 * of people who may be paged; an unknown id, or a disabled or removed person, covers nothing.
 */
export function targetGaps(
  targets: readonly EscalationTarget[],
  data: CoverageData,
  from: number,
  to: number,
): Interval[] {
  const covered: Interval[] = [];
  for (const t of targets) {
    if (t.type === 'user') {
      if (data.isUser(t.id)) return [];
      continue;
    }
    const schedule = data.schedules.get(t.id);
    const shifts = schedule ? (shiftsOf(schedule, from, to) ?? []) : [];
    covered.push(...(data.pageable ? shifts.filter((s) => data.pageable?.(s.userId)) : shifts));
  }
  return uncovered(covered, from, to);
}

/**
 * A policy's coverage over [from, to): the gaps are when no level reaches anyone (the engine skips
 * empty levels, so the policy pages nobody only when all are empty); `emptyNow` lists the levels that
 * reach nobody at `from`, with when each next reaches someone.
 */
export function policyCoverage(
  levels: readonly EscalationLevel[],
  data: CoverageData,
  from: number,
  to: number,
): Coverage & { emptyNow: EmptyLevel[] } {
  const emptyNow: EmptyLevel[] = [];
  levels.forEach((level, i) => {
    const first = targetGaps(level.targets, data, from, to)[0];
    if (first && first.start === from)
      emptyNow.push({ level: i + 1, until: first.end < to ? first.end : null });
  });
  return {
    from,
    to,
    gaps: targetGaps(
      levels.flatMap((l) => l.targets),
      data,
      from,
      to,
    ),
    emptyNow,
  };
}
