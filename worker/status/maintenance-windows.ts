/**
 * Maintenance windows published to the status page (opt-in, under a public name), read at render time: the
 * occurrence in progress, else the next one within UPCOMING_MS, becomes a maintenance publication. Its components
 * are those mapped to the window's services; while it is on they read "under maintenance" (unless something
 * worse is published). Only the public name and times are copied: never the window's own name, services or author.
 * Renders carry the minute (cache.ts), so a window starting or ending shows within a minute without a write.
 * Subscribers are told when one starts and ends (maintenanceNow, driven by the fan-out queue's alarm), and its
 * time counts as "under maintenance" in the uptime history (maintenanceIntervals), never as downtime.
 */
import type { ComponentState, StatusComponent } from '../../schema/status-page-schemas';
import type { StoredWindow } from '../../schema/maintenance-schemas';
import { occurrences, type Interval } from '../oncall/maintenance';
import type { PublicPublication } from './snapshot';

/** How far ahead an upcoming window is announced. */
export const UPCOMING_MS = 14 * 86_400_000;

export function windowPublications(
  windows: readonly StoredWindow[],
  components: readonly Pick<StatusComponent, 'id' | 'name' | 'serviceIds'>[],
  now: number,
): PublicPublication[] {
  const out: PublicPublication[] = [];
  for (const w of windows) {
    if (!w.statusPage) continue;
    const ahead = occurrences(w.schedule, now, now + UPCOMING_MS, w.endedAt);
    const o = ahead.find((x) => x.end > now);
    if (!o) continue;
    const active = o.start <= now;
    const status = active ? 'in_progress' : 'scheduled';
    const affected = components
      .filter((c) => c.serviceIds.some((s) => w.serviceIds.includes(s)))
      .map((c) => ({ id: c.id, name: c.name, state: 'under_maintenance' as const }));
    const id = `${w.id}-${o.start}`;
    const at = active ? o.start : w.updatedAt;
    out.push({
      id,
      kind: 'maintenance',
      title: w.statusPage.publicName,
      status,
      components: affected,
      updates: [
        {
          id: `${id}-${status}`,
          status,
          body: active ? 'The scheduled maintenance is in progress.' : 'Maintenance is scheduled.',
          components: [],
          createdAt: at,
        },
      ],
      scheduledFor: o.start,
      scheduledUntil: o.end,
      createdAt: w.createdAt,
      updatedAt: at,
      resolvedAt: null,
    });
  }
  return out;
}

/** A component's state with the active windows applied: maintenance shows over "operational" only. */
export function withMaintenance(
  id: string,
  state: ComponentState,
  published: readonly PublicPublication[],
): ComponentState {
  if (state !== 'operational') return state;
  const on = published.some(
    (p) => p.status === 'in_progress' && p.components.some((c) => c.id === id),
  );
  return on ? 'under_maintenance' : state;
}

/** A published window's occurrence in progress: the id its maintenance publication has on the page. */
export interface OnNow {
  id: string;
  publicName: string;
  components: string[];
}

/**
 * The published occurrences in progress at `now`, and when the next one starts or ends (at the latest
 * UPCOMING_MS ahead, to look again for windows recurring further out); null when nothing is published.
 */
export function maintenanceNow(
  windows: readonly StoredWindow[],
  components: readonly Pick<StatusComponent, 'name' | 'serviceIds'>[],
  now: number,
): { on: OnNow[]; nextAt: number | null } {
  const on: OnNow[] = [];
  let nextAt: number | null = null;
  for (const w of windows) {
    if (!w.statusPage) continue;
    nextAt = Math.min(nextAt ?? Infinity, now + UPCOMING_MS);
    for (const o of occurrences(w.schedule, now, now + UPCOMING_MS, w.endedAt)) {
      if (o.start > now) nextAt = Math.min(nextAt, o.start);
      else if (o.end > now) {
        nextAt = Math.min(nextAt, o.end);
        on.push({
          id: `${w.id}-${o.start}`,
          publicName: w.statusPage.publicName,
          components: components
            .filter((c) => c.serviceIds.some((s) => w.serviceIds.includes(s)))
            .map((c) => c.name),
        });
      }
    }
  }
  return { on, nextAt };
}

/** The published occurrences that covered component `serviceIds` between `from` and `to`, cut to that span. */
export function maintenanceIntervals(
  windows: readonly StoredWindow[],
  serviceIds: readonly string[],
  from: number,
  to: number,
): Interval[] {
  return windows
    .filter((w) => w.statusPage && w.serviceIds.some((s) => serviceIds.includes(s)))
    .flatMap((w) => occurrences(w.schedule, from, to, w.endedAt))
    .map((o) => ({ start: Math.max(o.start, from), end: Math.min(o.end, to) }))
    .filter((o) => o.end > o.start);
}
