/**
 * The on-call maths' reads from D1: a snapshot of schedules and people at an instant, which
 * oncall/targets.ts resolves purely, and the names and reachability the on-call views show.
 */
import type { EscalationLevel, EscalationTarget } from '../../schema/oncall';
import {
  onCallSafely,
  resolveIn,
  type OnCallSnapshot,
  type ResolvedTargets,
} from '../oncall/targets';
import type { Schedule } from '../oncall/types';
import { reachableUsers } from './reachability';
import { getSchedules } from './schedules';
import { ACTIVE } from './users';

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

/** Active users among `ids` whose notification rules reach them on something (reachability.ts). */
export { reachableUsers } from './reachability';

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

/** Who each level of a policy reaches at `at`, from one snapshot (index = level). */
export async function resolveLevels(
  db: D1Database,
  levels: readonly EscalationLevel[],
  at: number,
): Promise<ResolvedTargets[]> {
  const snapshot = await loadSnapshot(
    db,
    levels.flatMap((l) => l.targets),
    at,
  );
  return levels.map((l) => resolveIn(snapshot, l.targets));
}
