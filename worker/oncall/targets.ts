/**
 * Who an escalation level reaches at an instant: its users directly, plus whoever is on call on
 * each of its schedules. The seam between the directory (D1) and the escalation engine: the
 * engine pages `userIds` and writes `empty` on the timeline, so nobody is silently skipped.
 */
import type { EscalationTarget } from '../../schema/oncall';
import { getSchedules } from '../directory/schedules';
import { ACTIVE } from '../directory/users';
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

/** What resolving needs from D1 at one instant; load once, resolve many target lists against it. */
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

/** Load for resolving at `at`; pass `until` to also render the schedules up to then (coverage gaps). */
export async function loadSnapshot(
  db: D1Database,
  targets: readonly EscalationTarget[],
  at: number,
  until = at + 1,
): Promise<OnCallSnapshot> {
  const scheduleIds = [...new Set(targets.filter((t) => t.type === 'schedule').map((t) => t.id))];
  // Only overrides overlapping [at, until) matter for who is on call in it.
  const schedules = new Map(
    (await getSchedules(db, scheduleIds, { from: at, to: until })).map((s) => [
      s.id,
      s as Schedule,
    ]),
  );
  const userIds = targets.filter((t) => t.type === 'user').map((t) => t.id);
  for (const s of schedules.values()) userIds.push(...onCallSafely(s, at));
  // Rendering a window (coverage) needs to know who of everyone on these schedules may be paged.
  if (until > at + 1)
    for (const s of schedules.values())
      userIds.push(...s.layers.flatMap((l) => l.users), ...s.overrides.map((o) => o.userId));
  const people = await peopleOf(db, userIds);
  return { at, until, schedules, names: people.names, inactive: people.inactive };
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
function onCallSafely(schedule: Schedule, at: number): string[] {
  try {
    return onCallAt(schedule, at);
  } catch (err) {
    console.error('schedule cannot be rendered; treating it as empty', schedule.id, err);
    return [];
  }
}

/** Users directly, plus whoever is on call at `at` on each schedule, de-duplicated in order. */
export async function resolveTargets(
  db: D1Database,
  targets: EscalationTarget[],
  at: number,
): Promise<ResolvedTargets> {
  return resolveIn(await loadSnapshot(db, targets, at), targets);
}

/** A user as the on-call views show them: `reachable` is false when they have no way to be paged yet. */
export interface Responder {
  id: string;
  name: string;
  reachable: boolean;
}

/** Names and reachability for user ids (one query each, however many ids). */
export async function describeUsers(
  db: D1Database,
  ids: readonly string[],
): Promise<Record<string, Responder>> {
  const unique = [...new Set(ids)];
  const [{ names }, reachable] = await Promise.all([
    peopleOf(db, unique),
    reachableUsers(db, unique),
  ]);
  return Object.fromEntries(
    unique.map((id) => [id, { id, name: names[id] ?? id, reachable: reachable.has(id) }]),
  );
}

/** Active users among `ids` with at least one push subscription: the only way Firebell can page them. */
export async function reachableUsers(db: D1Database, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const { results } = await db
    .prepare(
      `SELECT DISTINCT p.user_id FROM push_subscriptions p JOIN users u ON u.id = p.user_id WHERE p.user_id IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`,
    )
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ user_id: string }>();
  return new Set(results.map((r) => r.user_id));
}

/** Display names of the ids that are users, and which of them are inactive; one JSON parameter, so any number of ids. */
async function peopleOf(
  db: D1Database,
  ids: readonly string[],
): Promise<{ names: Record<string, string>; inactive: Set<string> }> {
  if (!ids.length) return { names: {}, inactive: new Set() };
  const { results } = await db
    .prepare(
      `SELECT u.id, u.name, NOT (${ACTIVE}) AS inactive FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string; name: string; inactive: number }>();
  return {
    names: Object.fromEntries(results.map((r) => [r.id, r.name])),
    inactive: new Set(results.filter((r) => r.inactive).map((r) => r.id)),
  };
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
