/** The final schedule: layers stacked (higher wins where it has someone), then overrides on top. */
import { layerShifts } from './rotation';
import type { Override, Schedule, Shift } from './types';

type Source = Omit<Shift, 'start' | 'end'>;

/**
 * Appends `next` to `out`, extending the last shift when it is the same user and touches it.
 * A merged shift keeps `layerId`/`override` only if both pieces agree, so provenance is never invented.
 */
function append(out: Shift[], next: Shift): void {
  const last = out[out.length - 1];
  if (!last || last.userId !== next.userId || last.end !== next.start) {
    out.push({ ...next });
    return;
  }
  last.end = next.end;
  if (last.layerId !== next.layerId) delete last.layerId;
  if (last.override !== next.override) delete last.override;
}

/** Merges touching shifts of the same user; input must be sorted and non-overlapping. */
export function mergeAdjacent(shifts: readonly Shift[]): Shift[] {
  const out: Shift[] = [];
  for (const s of shifts) append(out, s);
  return out;
}

/**
 * Final rendered shifts in [from, to): sorted, clipped to the window, touching same-user shifts
 * merged. When overrides overlap each other, the later one in `schedule.overrides` wins.
 */
export function renderShifts(schedule: Schedule, from: number, to: number): Shift[] {
  if (!(to > from)) return [];
  const layers = schedule.layers.map((l) => layerShifts(l, schedule.timeZone, from, to));
  const overrides: Override[] = schedule.overrides
    .map((o) => ({ userId: o.userId, start: Math.max(o.start, from), end: Math.min(o.end, to) }))
    .filter((o) => o.end > o.start);

  // Sweep the elementary intervals between all boundaries; each has exactly one winner (or none).
  const cuts = new Set<number>([from, to]);
  for (const shifts of layers) for (const s of shifts) cuts.add(s.start).add(s.end);
  for (const o of overrides) cuts.add(o.start).add(o.end);
  const points = [...cuts].sort((a, b) => a - b);

  const cursor = layers.map(() => 0);
  const winner = (t: number): Source | undefined => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i]!;
      if (o.start <= t && t < o.end) return { userId: o.userId, override: true };
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const shifts = layers[i]!;
      let c = cursor[i]!;
      while (c < shifts.length && shifts[c]!.end <= t) c++;
      cursor[i] = c;
      const s = shifts[c];
      if (s && s.start <= t) return { userId: s.userId, layerId: s.layerId };
    }
    return undefined;
  };

  const out: Shift[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const source = winner(start);
    if (source) append(out, { ...source, start, end: points[i + 1]! });
  }
  return out;
}

/** Who is on call at instant `at` (after layers and overrides): [] or one user id. */
export function onCallAt(schedule: Schedule, at: number): string[] {
  return renderShifts(schedule, at, at + 1).map((s) => s.userId);
}
