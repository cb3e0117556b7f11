/**
 * When drills run, as pure maths over rendered schedules: every handoff (a shift that starts after `from`)
 * and the instant its drill is due, `minutesBefore` ahead of it.
 */
import { renderShifts, type Schedule } from '../oncall';

/** A shift change: `userId` comes on call on `scheduleId` at `at`. */
export interface Handoff {
  scheduleId: string;
  at: number;
  userId: string;
}

/** How far ahead handoffs are looked for: a weekly rotation hands off at least once in it. */
export const HANDOFF_HORIZON_MS = 8 * 24 * 3600_000;

/** Handoffs in (from, to], earliest first. Rendered shifts are merged per person, so each start is a change. */
export function handoffs(schedules: readonly Schedule[], from: number, to: number): Handoff[] {
  return schedules
    .flatMap((s) =>
      renderShifts(s, from, to + 1)
        .filter((shift) => shift.start > from)
        .map((shift) => ({ scheduleId: s.id, at: shift.start, userId: shift.userId })),
    )
    .sort((a, b) => a.at - b.at || a.scheduleId.localeCompare(b.scheduleId));
}

/** The key a handoff is remembered by once drilled, so re-planning never drills it twice. */
export const handoffKey = (h: Handoff) => `${h.scheduleId}:${h.at}`;

/** When the drill for `h` is due: `minutesBefore` ahead of it. */
export const drillDueAt = (h: Handoff, minutesBefore: number) => h.at - minutesBefore * 60_000;

/** Whoever is on call at `at` on each schedule (an on-demand drill's people), de-duplicated. */
export function onCallNow(schedules: readonly Schedule[], at: number): string[] {
  return [...new Set(schedules.flatMap((s) => renderShifts(s, at, at + 1).map((x) => x.userId)))];
}
