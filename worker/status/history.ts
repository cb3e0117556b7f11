/**
 * 90 days of a component's history, from its state changes: per calendar day in the page's time zone, the
 * worst state it was in and the share of the day it was up (partial and major outages count as down).
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
