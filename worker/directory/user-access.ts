/**
 * An admin changing what someone else may do: their role, suspending them, or removing them for good.
 * Each is one D1 statement or one batch (a transaction); closing the person's open sockets is the caller's
 * next step (worker/auth/sockets.ts).
 */
import type { Role } from '../app-env';
import type { Named } from './policies';
import { toUser, type User, type UserRow } from './users';

/** Set a person's role and/or suspend or restore them; null when there is no such (unremoved) person. */
export async function updateAccess(
  db: D1Database,
  id: string,
  change: { role?: Role; disabled?: boolean },
  at: number,
): Promise<User | null> {
  const disabledAt = change.disabled === undefined ? null : change.disabled ? at : 0;
  const row = await db
    .prepare(
      `UPDATE users SET role = COALESCE(?2, role),
         disabled_at = CASE WHEN ?3 IS NULL THEN disabled_at WHEN ?3 = 0 THEN NULL ELSE COALESCE(disabled_at, ?3) END
       WHERE id = ?1 AND removed_at IS NULL RETURNING id, name, role, created_at, disabled_at, removed_at`,
    )
    .bind(id, change.role ?? null, disabledAt)
    .first<UserRow>();
  return row ? toUser(row) : null;
}

/**
 * Remove a person for good, in one transaction: they can never sign in again (sessions ended, tokens
 * revoked, pending sign-in links voided), are never paged again (devices, team places and current or
 * future overrides gone), and their calendar feeds stop answering. Their row stays, marked removed, so
 * timelines and reviews keep their name. False when there is no such (unremoved) person.
 */
export async function removeUser(db: D1Database, id: string, at: number): Promise<boolean> {
  const results = await db.batch([
    db
      .prepare(
        'UPDATE users SET removed_at = ?2, disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1 AND removed_at IS NULL',
      )
      .bind(id, at),
    db.prepare('DELETE FROM sessions WHERE user_id = ?').bind(id),
    db
      .prepare('UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL')
      .bind(id, at),
    db
      .prepare(
        "UPDATE invites SET used_at = ?2, used_by = 'removed' WHERE user_id = ?1 AND used_at IS NULL",
      )
      .bind(id, at),
    db.prepare('DELETE FROM push_subscriptions WHERE user_id = ?').bind(id),
    db.prepare('DELETE FROM team_members WHERE user_id = ?').bind(id),
    db.prepare('DELETE FROM schedule_overrides WHERE user_id = ?1 AND end_at > ?2').bind(id, at),
    db
      .prepare(
        "DELETE FROM calendar_feeds WHERE (kind = 'user' AND ref_id = ?1) OR created_by = ?1",
      )
      .bind(id),
  ]);
  return (results[0]?.meta.changes ?? 0) > 0;
}

/**
 * Schedules whose rotations and policies whose levels still name the person: after a removal (or while
 * disabled) those places page nobody, and the admin should fill them.
 */
export async function placesNaming(
  db: D1Database,
  id: string,
): Promise<{ schedules: Named[]; policies: Named[] }> {
  const [schedules, policies] = await db.batch<Named>([
    db
      .prepare(
        "SELECT s.id, s.name FROM schedules s WHERE EXISTS (SELECT 1 FROM json_each(s.layers) l, json_each(l.value, '$.users') u WHERE u.value = ?1) ORDER BY s.name, s.id",
      )
      .bind(id),
    db
      .prepare(
        `SELECT p.id, p.name FROM escalation_policies p WHERE EXISTS (SELECT 1 FROM json_each(p.levels) l, json_each(l.value, '$.targets') t
           WHERE json_extract(t.value, '$.type') = 'user' AND json_extract(t.value, '$.id') = ?1) ORDER BY p.name, p.id`,
      )
      .bind(id),
  ]);
  return { schedules: schedules?.results ?? [], policies: policies?.results ?? [] };
}
