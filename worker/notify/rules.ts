/**
 * Notification rules, pure: when a person is paged, which channel reaches them at which minute.
 * "At 0 min push; at 3 min email" runs from the moment they are paged until the incident is acknowledged
 * by anyone, resolved, or reassigned away from them (stillOwed), whatever later escalation levels do.
 * No D1, no clock: the incident object (incident/paging.ts) loads the rules, calls this, and schedules.
 */
import type { Severity } from '../../schema/alert';
import type {
  Channel,
  NotificationRules,
  RuleStep,
  Urgency,
  WorkingHours,
} from '../../schema/contact-schemas';

/** A new user's rules: push at once, email three minutes later if nobody acknowledged; any hour. */
export const DEFAULT_STEPS: readonly RuleStep[] = [
  { afterMinutes: 0, channel: 'push' },
  { afterMinutes: 3, channel: 'email' },
];

export const DEFAULT_RULES: NotificationRules = {
  high: [...DEFAULT_STEPS],
  low: [...DEFAULT_STEPS],
  workingHours: null,
};

/** Critical and error wake people; warning and info may wait for working hours. */
export function urgencyOf(severity: Severity): Urgency {
  return severity === 'critical' || severity === 'error' ? 'high' : 'low';
}

/** One planned notification: step `index` of the person's rules, due at `at` (epoch ms). */
export interface PlannedStep {
  index: number;
  channel: Channel;
  at: number;
  /** Moved from its rule time to the start of the next working period (low urgency). */
  deferred: boolean;
}

/**
 * The person's notifications for one page at `pagedAt`, in due order. Low urgency outside their working
 * hours is moved to the start of the next working period, never dropped.
 */
export function planSteps(
  rules: NotificationRules,
  urgency: Urgency,
  pagedAt: number,
): PlannedStep[] {
  const steps = urgency === 'high' ? rules.high : rules.low;
  const hours = urgency === 'low' ? rules.workingHours : null;
  const planned = steps.map((step, index) => {
    const due = pagedAt + step.afterMinutes * 60_000;
    const at = hours ? nextWorkingMoment(hours, due) : due;
    return { index, channel: step.channel, at, deferred: at !== due };
  });
  return planned.sort((a, b) => a.at - b.at || a.index - b.index);
}

/** Whether a person's rules still run: nobody acknowledged or resolved, and it was not reassigned away from them. */
export function stillOwed(
  incident: { status: string; assignees: readonly string[] },
  userId: string,
): boolean {
  if (incident.status !== 'triggered') return false;
  return incident.assignees.length === 0 || incident.assignees.includes(userId);
}

/** Why a rule set is unusable (shown as the problem's detail), or null. */
export function rulesProblem(rules: NotificationRules): string | null {
  for (const urgency of ['high', 'low'] as const) {
    if (!rules[urgency].length)
      return `${urgency} urgency needs at least one step, or nobody would be told.`;
  }
  const hours = rules.workingHours;
  if (hours) {
    if (!validZone(hours.timeZone))
      return `workingHours.timeZone: unknown time zone “${hours.timeZone}”`;
    if (minutesOf(hours.start) >= minutesOf(hours.end))
      return 'workingHours: start must be before end (a period that spans midnight is not supported).';
  }
  return null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function validZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (hhmm: string): number =>
  Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * The zone's offset from UTC at `ms`, in ms (local wall clock = ms + offset). Every real offset change
 * happens on a quarter hour, so the offset is remembered per zone and quarter hour: a page evaluation
 * reads the time-zone database a few times at most (format() is ~3× cheaper than formatToParts()).
 */
function offsetAt(timeZone: string, ms: number): number {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  // en-US, h23: "12/1/2026, 10:00:00"
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(formatter(timeZone).format(ms));
  if (!m) throw new RangeError(`Cannot read the wall clock in ${timeZone}`);
  const [, mo, d, y, h, mi, sec] = m.map(Number) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!);
  const offset = wall - Math.floor(ms / 1000) * 1000;
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** `at` itself when it falls in working hours, else the next start of a working period (DST-aware). */
export function nextWorkingMoment(hours: WorkingHours, at: number): number {
  const offset = offsetAt(hours.timeZone, at);
  const local = at + offset; // the wall clock, as if it were UTC
  const day = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = (local - day) / 60_000;
  const [start, end] = [minutesOf(hours.start), minutesOf(hours.end)];
  const weekday = (d: number) => ((Math.floor(d / 86_400_000) + 3) % 7) + 1; // 1970-01-01 was a Thursday (4)
  if (hours.days.includes(weekday(day)) && minute >= start && minute < end) return at;
  for (let d = 0; d <= 7; d++) {
    const candidateDay = day + d * 86_400_000;
    if (!hours.days.includes(weekday(candidateDay))) continue;
    const wall = candidateDay + start * 60_000;
    if (wall <= local) continue;
    // The offset may differ on that day (DST): take it at the first guess, which lands on the wall time.
    const guess = wall - offset;
    return wall - offsetAt(hours.timeZone, guess);
  }
  return at; // unreachable with at least one day; never drop a page
}
