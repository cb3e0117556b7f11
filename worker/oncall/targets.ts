/**
 * Who an escalation level reaches at an instant, pure over a snapshot the directory loads
 * (directory/on-call.ts): its users directly, plus whoever is on call on each of its schedules.
 * The escalation decision pages `userIds` and writes `empty` on the timeline, so nobody is silently skipped.
 */
import type { EscalationTarget } from '../../schema/oncall';
import type { CoverageData } from './gaps';
import { onCallAt } from './render';
import type { Schedule } from './types';

export interface ResolvedTargets {
  /** Users to page, de-duplicated, in target order. */
  userIds: string[];
  /** Display names of `userIds` (the id itself for a user that no longer exists). */
  names: Record<string, string>;
  /** Schedules with nobody on shift, and target ids that do not exist (named by their id) or may not be paged. */
  empty: EmptyTarget[];
}

/** A target that reaches nobody, and why: `inactive` is a person (or everyone on shift) disabled or removed by an admin. */
export interface EmptyTarget {
  type: 'user' | 'schedule';
  id: string;
  name: string;
  reason?: 'inactive';
}

/** What resolving needs at one instant (loaded from D1 by directory/on-call.ts); load once, resolve many target lists against it. */
export interface OnCallSnapshot {
  at: number;
  /** Overrides are loaded for [at, until): enough to render each schedule over that window (coverage gaps). */
  until: number;
  schedules: Map<string, Schedule>;
  /** Names of every known user among the direct targets and everyone on call. */
  names: Record<string, string>;
  /** Those of them an admin disabled or removed: never paged. */
  inactive: Set<string>;
}

/** The snapshot as coverage maths reads it: direct user targets that exist are named in it; disabled or removed people page nobody. */
export function coverageData(snapshot: OnCallSnapshot): CoverageData {
  return {
    schedules: snapshot.schedules,
    isUser: (id) => Object.hasOwn(snapshot.names, id) && !snapshot.inactive.has(id),
    pageable: (id) => !snapshot.inactive.has(id),
  };
}

/** Resolve targets against a snapshot (pure). */
export function resolveIn(
  snapshot: OnCallSnapshot,
  targets: readonly EscalationTarget[],
): ResolvedTargets {
  const userIds: string[] = [];
  const names: Record<string, string> = {};
  const empty: ResolvedTargets['empty'] = [];
  const add = (id: string) => {
    if (Object.hasOwn(names, id)) return;
    userIds.push(id);
    names[id] = snapshot.names[id] ?? id;
  };
  for (const t of targets) {
    if (t.type === 'user') {
      if (!Object.hasOwn(snapshot.names, t.id)) empty.push({ type: 'user', id: t.id, name: t.id });
      else if (snapshot.inactive.has(t.id))
        empty.push({
          type: 'user',
          id: t.id,
          name: snapshot.names[t.id] ?? t.id,
          reason: 'inactive',
        });
      else add(t.id);
      continue;
    }
    const schedule = snapshot.schedules.get(t.id);
    const onCall = schedule ? onCallSafely(schedule, snapshot.at) : [];
    const pageable = onCall.filter((id) => !snapshot.inactive.has(id));
    if (pageable.length) pageable.forEach(add);
    else
      empty.push({
        type: 'schedule',
        id: t.id,
        name: schedule?.name ?? t.id,
        ...(onCall.length ? { reason: 'inactive' as const } : {}),
      });
  }
  return { userIds, names, empty };
}

/**
 * onCallAt, but a schedule that cannot be rendered (layers edited outside the API) counts as
 * empty: the engine then skips it and says so, where a throw would stop escalation altogether.
 */
export function onCallSafely(schedule: Schedule, at: number): string[] {
  try {
    return onCallAt(schedule, at);
  } catch (err) {
    console.error('schedule cannot be rendered; treating it as empty', schedule.id, err);
    return [];
  }
}

/**
 * Whether these targets could page `userId`: as a direct target, or as someone in a targeted
 * schedule's rotation or override (overrides as loaded into the snapshot, i.e. those overlapping [at, until)).
 */
export function targetsInvolve(
  snapshot: OnCallSnapshot,
  targets: readonly EscalationTarget[],
  userId: string,
): boolean {
  return targets.some((t) => {
    if (t.type === 'user') return t.id === userId;
    const schedule = snapshot.schedules.get(t.id);
    return (
      !!schedule &&
      (schedule.layers.some((l) => l.users.includes(userId)) ||
        schedule.overrides.some((o) => o.userId === userId))
    );
  });
}
