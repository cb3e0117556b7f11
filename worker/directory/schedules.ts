/**
 * Schedules and their overrides in D1. Layers are stored as JSON (validated on the way in) and
 * rendered by the pure functions in worker/oncall; this file only loads and stores them.
 */
import type { Layer, Override, Schedule } from '../oncall/types';
import { TARGETS_SCHEDULE } from './policies';

/** An override as stored: the rendering fields plus who made it, so it can be listed and deleted. */
export interface StoredOverride extends Override {
  id: string;
  createdBy: string;
  createdAt: number;
}

/** A schedule with its bookkeeping; usable anywhere a Schedule is. */
export interface ScheduleRecord extends Schedule {
  teamId: string | null;
  overrides: StoredOverride[];
  createdAt: number;
  updatedAt: number;
}

/** Limit overrides to those overlapping [from, to): rendering a window never needs the others. */
export interface Window {
  from: number;
  to: number;
}

type Row = {
  id: string;
  name: string;
  team_id: string | null;
  time_zone: string;
  layers: string;
  created_at: number;
  updated_at: number;
};
type OverrideRow = {
  id: string;
  schedule_id: string;
  user_id: string;
  start_at: number;
  end_at: number;
  created_by: string;
  created_at: number;
};

const COLUMNS = 'id, name, team_id, time_zone, layers, created_at, updated_at';
const OVERRIDE_COLUMNS = 'id, schedule_id, user_id, start_at, end_at, created_by, created_at';

/**
 * One schedule with its overrides, oldest first (a later override wins where two overlap);
 * all of them, or only those overlapping `window`.
 */
export async function getSchedule(
  db: D1Database,
  id: string,
  window?: Window,
): Promise<ScheduleRecord | null> {
  return (await load(db, [id], window))[0] ?? null;
}

/** The schedules among `ids` that exist, each with its overrides (see getSchedule). */
export async function getSchedules(
  db: D1Database,
  ids: readonly string[],
  window?: Window,
): Promise<ScheduleRecord[]> {
  return ids.length ? load(db, ids, window) : [];
}

/** Every schedule, by name, each with its overrides (see getSchedule). */
export async function listSchedules(db: D1Database, window?: Window): Promise<ScheduleRecord[]> {
  return load(db, null, window);
}

async function load(
  db: D1Database,
  ids: readonly string[] | null,
  window?: Window,
): Promise<ScheduleRecord[]> {
  // Ids go in as one JSON parameter (D1 caps bound parameters at 100); filters are numbered so each
  // statement binds exactly the parameters it mentions.
  const idList = JSON.stringify(ids ?? []);
  const schedules = ids
    ? db
        .prepare(
          `SELECT ${COLUMNS} FROM schedules WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY name, id`,
        )
        .bind(idList)
    : db.prepare(`SELECT ${COLUMNS} FROM schedules ORDER BY name, id`);
  const where = [
    ids ? 'schedule_id IN (SELECT value FROM json_each(?1))' : '?1 IS NOT NULL',
    window ? 'end_at > ?2 AND start_at < ?3' : '?2 IS NULL AND ?3 IS NULL',
  ];
  const overrides = db
    .prepare(
      `SELECT ${OVERRIDE_COLUMNS} FROM schedule_overrides WHERE ${where.join(' AND ')} ORDER BY created_at, id`,
    )
    .bind(idList, window?.from ?? null, window?.to ?? null);
  const [scheduleRows, overrideRows] = await db.batch<Row | OverrideRow>([schedules, overrides]);
  const bySchedule = new Map<string, StoredOverride[]>();
  for (const o of (overrideRows?.results ?? []) as OverrideRow[]) {
    const list = bySchedule.get(o.schedule_id) ?? [];
    list.push({
      id: o.id,
      userId: o.user_id,
      start: o.start_at,
      end: o.end_at,
      createdBy: o.created_by,
      createdAt: o.created_at,
    });
    bySchedule.set(o.schedule_id, list);
  }
  return ((scheduleRows?.results ?? []) as Row[]).map((r) => ({
    id: r.id,
    name: r.name,
    teamId: r.team_id,
    timeZone: r.time_zone,
    layers: JSON.parse(r.layers) as Layer[],
    overrides: bySchedule.get(r.id) ?? [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function scheduleExists(db: D1Database, id: string): Promise<boolean> {
  return (
    (await db.prepare('SELECT 1 AS one FROM schedules WHERE id = ?').bind(id).first()) !== null
  );
}

/** The ids among `ids` that are not schedules, in the order given. */
export async function unknownSchedules(db: D1Database, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare('SELECT id FROM schedules WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string }>();
  const known = new Set(results.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** What an admin writes: everything but the overrides, which have their own routes. */
export interface ScheduleInput {
  name: string;
  timeZone: string;
  teamId: string | null;
  layers: Layer[];
}

export async function createSchedule(
  db: D1Database,
  id: string,
  input: ScheduleInput,
  now: number,
): Promise<void> {
  await db
    .prepare(`INSERT INTO schedules (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(id, input.name, input.teamId, input.timeZone, JSON.stringify(input.layers), now, now)
    .run();
}

/** Replace a schedule's definition (its overrides stay); false when there is no such schedule. */
export async function updateSchedule(
  db: D1Database,
  id: string,
  input: ScheduleInput,
  now: number,
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE schedules SET name = ?, team_id = ?, time_zone = ?, layers = ?, updated_at = ? WHERE id = ?',
    )
    .bind(input.name, input.teamId, input.timeZone, JSON.stringify(input.layers), now, id)
    .run();
  return res.meta.changes > 0;
}

/**
 * Delete a schedule with its overrides and calendar feeds, in one transaction, unless a policy
 * targets it (checked in the same statements, so a policy created meanwhile cannot be orphaned).
 * False when nothing was deleted.
 */
export async function deleteSchedule(db: D1Database, id: string): Promise<boolean> {
  const unreferenced = `NOT EXISTS (SELECT 1 FROM escalation_policies p WHERE ${TARGETS_SCHEDULE})`;
  const results = await db.batch([
    db
      .prepare(`DELETE FROM schedule_overrides WHERE schedule_id = ?1 AND ${unreferenced}`)
      .bind(id),
    db
      .prepare(
        `DELETE FROM calendar_feeds WHERE kind = 'schedule' AND ref_id = ?1 AND ${unreferenced}`,
      )
      .bind(id),
    db.prepare(`DELETE FROM schedules WHERE id = ?1 AND ${unreferenced}`).bind(id),
  ]);
  return (results[2]?.meta.changes ?? 0) > 0;
}

export async function addOverride(
  db: D1Database,
  scheduleId: string,
  override: StoredOverride,
): Promise<void> {
  await db
    .prepare(`INSERT INTO schedule_overrides (${OVERRIDE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(
      override.id,
      scheduleId,
      override.userId,
      override.start,
      override.end,
      override.createdBy,
      override.createdAt,
    )
    .run();
}

/** False when the schedule has no such override. */
export async function deleteOverride(
  db: D1Database,
  scheduleId: string,
  overrideId: string,
): Promise<boolean> {
  const res = await db
    .prepare('DELETE FROM schedule_overrides WHERE id = ? AND schedule_id = ?')
    .bind(overrideId, scheduleId)
    .run();
  return res.meta.changes > 0;
}
