/**
 * One layer's rotation: who is on call when, computed arithmetically from the first handoff.
 *
 * DST: daily/weekly handoffs happen at the same local wall-clock time every day/week, so the
 * shift spanning a DST change is 23h or 25h. Hourly/custom rotations are fixed lengths of real
 * time (a 12h rotation is always 12 real hours and drifts against the wall clock across DST).
 */
import type { DateTime, IANAZone } from 'luxon';
import type { Layer, Restriction, Shift } from './types';
import { DAY, HOUR, parseHHmm, parseWall, wallOf, wallToMs, zoneOf } from './zone';

/** Handoff k starts shift k (k = 0 at `layer.start`); indexAt(t) is the shift containing t (< 0: before start). */
interface Handoffs {
  at(k: number): number;
  indexAt(t: number): number;
}

function handoffs(layer: Layer, zone: IANAZone): Handoffs {
  const base = parseWall(layer.start);
  const { type, hours } = layer.rotation;
  if (type === 'daily' || type === 'weekly') {
    const days = type === 'daily' ? 1 : 7;
    const at = (k: number): number => wallToMs(base.plus({ days: k * days }), zone);
    return {
      at,
      indexAt(t) {
        // Estimate from wall-clock distance (exact up to DST), then correct by at most a step or two.
        let k = Math.floor((wallOf(t, zone).toMillis() - base.toMillis()) / (days * DAY));
        while (at(k) > t) k--;
        while (at(k + 1) <= t) k++;
        return k;
      },
    };
  }
  const length = type === 'hourly' ? (hours ?? 1) : hours;
  if (length === undefined || !Number.isFinite(length) || length <= 0) {
    throw new RangeError(`Layer ${layer.id}: ${type} rotation needs a positive 'hours'`);
  }
  const start = wallToMs(base, zone);
  const ms = Math.round(length * HOUR);
  return { at: (k) => start + k * ms, indexAt: (t) => Math.floor((t - start) / ms) };
}

type Interval = [start: number, end: number];

/** Restriction windows overlapping [from, to), clipped, sorted and merged. */
export function restrictionWindows(
  restrictions: Restriction[],
  zone: IANAZone,
  from: number,
  to: number,
): Interval[] {
  const parsed = restrictions.map((r) => {
    if (r.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      throw new RangeError(`Restriction days must be 1 (Mon) … 7 (Sun): ${r.days.join(',')}`);
    }
    const a = parseHHmm(r.from);
    const b = parseHHmm(r.to);
    return { days: r.days, a, b, overnight: b.hour * 60 + b.minute <= a.hour * 60 + a.minute };
  });
  const windows: Interval[] = [];
  // A window starting the day before `from` may still be running (overnight restriction).
  const last = wallOf(to, zone).startOf('day').toMillis();
  let day: DateTime = wallOf(from, zone).startOf('day').minus({ days: 1 });
  for (; day.toMillis() <= last; day = day.plus({ days: 1 })) {
    for (const r of parsed) {
      if (!r.days.includes(day.weekday)) continue;
      const s = wallToMs(day.set(r.a), zone);
      const e = wallToMs((r.overnight ? day.plus({ days: 1 }) : day).set(r.b), zone);
      const cs = Math.max(s, from);
      const ce = Math.min(e, to);
      if (ce > cs) windows.push([cs, ce]);
    }
  }
  windows.sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const w of windows) {
    const prev = merged[merged.length - 1];
    if (prev && w[0] <= prev[1]) prev[1] = Math.max(prev[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

/** Pieces of `shifts` that fall inside `windows` (both sorted and non-overlapping). */
function intersect(shifts: Shift[], windows: Interval[]): Shift[] {
  const out: Shift[] = [];
  let w = 0;
  for (const s of shifts) {
    while (w < windows.length && windows[w]![1] <= s.start) w++;
    for (let i = w; i < windows.length && windows[i]![0] < s.end; i++) {
      const [ws, we] = windows[i]!;
      out.push({ ...s, start: Math.max(s.start, ws), end: Math.min(s.end, we) });
    }
  }
  return out;
}

/**
 * The shifts of one layer within [from, to), one per rotation period (not merged), clipped to the
 * window and to the layer's restrictions. Nobody is on call before `layer.start`. An empty
 * `restrictions` array means unrestricted, like an absent one.
 */
export function layerShifts(layer: Layer, timeZone: string, from: number, to: number): Shift[] {
  if (!(to > from) || layer.users.length === 0) return [];
  const zone = zoneOf(timeZone);
  const rotation = handoffs(layer, zone);
  const shifts: Shift[] = [];
  let k = Math.max(0, rotation.indexAt(from));
  for (let start = rotation.at(k); start < to; k++) {
    const end = rotation.at(k + 1);
    const userId = layer.users[k % layer.users.length]!;
    shifts.push({
      userId,
      start: Math.max(start, from),
      end: Math.min(end, to),
      layerId: layer.id,
    });
    start = end;
  }
  const restrictions = layer.restrictions ?? [];
  return restrictions.length === 0
    ? shifts
    : intersect(shifts, restrictionWindows(restrictions, zone, from, to));
}
