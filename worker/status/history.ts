/**
 * 90 days of a component's history, from its state changes: per calendar day in the page's time zone, the
 * worst state it was in and the share of the day it was up (partial and major outages count as down; time
 * under maintenance is up).
 */
import { DateTime } from 'luxon';
import type { ComponentState } from '../../schema/status-page-schemas';
import { worst } from './state';

export interface StateChange {
  state: ComponentState;
  at: number;
}

export interface DayBar {
  /** yyyy-MM-dd in the page's zone. */
  date: string;
  worst: ComponentState;
  /** 0..1; null for days before the component existed. */
  uptime: number | null;
}

const DOWN: ReadonlySet<ComponentState> = new Set(['partial_outage', 'major_outage']);

/**
 * `changes` sorted by time; the component is in `changes[i].state` from its `at` until the next change. Days
 * before the first change (the component's creation) have no data. Today counts up to `now`.
 */
export function dayBars(
  changes: readonly StateChange[],
  now: number,
  zone: string,
  days = 90,
): DayBar[] {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const out: DayBar[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = today.minus({ days: i });
    const start = day.toMillis();
    const end = Math.min(day.plus({ days: 1 }).toMillis(), now);
    out.push(barFor(changes, start, end, day.toFormat('yyyy-MM-dd')));
  }
  return out;
}

function barFor(changes: readonly StateChange[], start: number, end: number, date: string): DayBar {
  const first = changes[0];
  if (!first || first.at >= end) return { date, worst: 'operational', uptime: null };
  const seen: ComponentState[] = [];
  let down = 0;
  let known = 0;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const from = Math.max(c.at, start);
    const to = Math.min(changes[i + 1]?.at ?? end, end);
    if (to <= from && !(c.at >= start && c.at < end)) continue;
    seen.push(c.state);
    const span = Math.max(0, to - from);
    known += span;
    if (DOWN.has(c.state)) down += span;
  }
  return { date, worst: worst(seen), uptime: known > 0 ? 1 - down / known : 1 };
}

/**
 * `changes` with maintenance `intervals` laid over them: while one is on, an operational component reads
 * "under maintenance" (a worse published state stays). Nothing is added before the first change.
 */
export function withIntervals(
  changes: readonly StateChange[],
  intervals: readonly { start: number; end: number }[],
): StateChange[] {
  const first = changes[0];
  if (!first || !intervals.length) return [...changes];
  const points = new Set(changes.map((c) => c.at));
  for (const i of intervals)
    if (i.end > first.at) {
      points.add(Math.max(i.start, first.at));
      points.add(i.end);
    }
  const out: StateChange[] = [];
  let k = 0;
  for (const at of [...points].sort((a, b) => a - b)) {
    while (changes[k + 1] && changes[k + 1]!.at <= at) k++;
    const base = changes[k]!.state;
    const on = intervals.some((i) => i.start <= at && at < i.end);
    const state = base === 'operational' && on ? 'under_maintenance' : base;
    if (out.at(-1)?.state !== state) out.push({ state, at });
  }
  return out;
}
