/** How a schedule layer hands over and when it is on call, in words. */
import type { Restriction, ScheduleLayer } from './types';

export function rotationText(r: ScheduleLayer['rotation']): string {
  if (r.type === 'daily') return 'Daily';
  if (r.type === 'weekly') return 'Weekly';
  const hours = r.hours ?? 1;
  return hours === 1 ? 'Hourly' : `Every ${hours} hours`;
}

export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** [1,2,3,4,5] → "Mon–Fri"; [1,3] → "Mon, Wed"; all seven → "every day". */
export function daysText(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'every day';
  const runs: number[][] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === d - 1) run.push(d);
    else runs.push([d]);
  }
  const name = (d: number) => DAY_NAMES[d - 1] ?? String(d);
  return runs
    .map((r) =>
      r.length >= 3 ? `${name(r[0]!)}–${name(r[r.length - 1]!)}` : r.map(name).join(', '),
    )
    .join(', ');
}

/** "Mon–Fri 09:00–17:00"; a window past midnight reads "22:00–06:00 (next day)". */
export function restrictionText(r: Restriction): string {
  return `${daysText(r.days)} ${r.from}–${r.to}${r.to <= r.from ? ' (next day)' : ''}`;
}
