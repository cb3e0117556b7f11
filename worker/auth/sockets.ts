/**
 * Withdrawing access from open sockets. A socket is authenticated once, at the upgrade; afterwards the
 * incident room re-checks its credential before every command, and this closes it as soon as access is
 * withdrawn (token revoked, signed out, session ended, role changed, account disabled or removed), so a
 * socket cannot go on receiving the timeline either.
 */
import type { Credential } from '../app-env';
import type { Env } from '../env';
import { feedStub, incidentStub } from '../stubs';

/** Remember that `userId` has a live socket in `incidentId`'s room (before it is accepted), so it can be found to close. */
export async function recordRoom(
  db: D1Database,
  userId: string,
  incidentId: string,
  at: number,
): Promise<void> {
  await db
    .prepare(
      'INSERT INTO live_rooms (user_id, incident_id, at) VALUES (?, ?, ?) ON CONFLICT (user_id, incident_id) DO UPDATE SET at = excluded.at',
    )
    .bind(userId, incidentId, at)
    .run();
}

/** Undo recordRoom when the socket was not opened after all (no such incident). */
export async function forgetRoom(
  db: D1Database,
  userId: string,
  incidentId: string,
): Promise<void> {
  await db
    .prepare('DELETE FROM live_rooms WHERE user_id = ? AND incident_id = ?')
    .bind(userId, incidentId)
    .run();
}

/**
 * Close `userId`'s sockets in every incident room they opened and in the list feed: those opened with
 * `credential` only, or all of them. A room that cannot be reached is logged, not fatal: its sockets
 * still meet the per-command check.
 */
export async function closeSockets(
  env: Pick<Env, 'DB' | 'INCIDENT' | 'FEED'>,
  userId: string,
  credential?: Credential,
): Promise<void> {
  const hash = credential?.hash ?? null;
  const { results } = await env.DB.prepare('SELECT incident_id FROM live_rooms WHERE user_id = ?')
    .bind(userId)
    .all<{ incident_id: string }>();
  const rooms = results.map((r) => incidentStub(env, r.incident_id));
  const feed = feedStub(env);
  const outcomes = await Promise.allSettled([
    feed.disconnect(userId, hash),
    ...rooms.map((room) => room.disconnect(userId, hash)),
  ]);
  for (const o of outcomes)
    if (o.status === 'rejected') console.error(`could not close a socket of ${userId}`, o.reason);
  // With every socket closed there is nothing left to find; with one credential's, the others may still be open.
  if (!hash) await env.DB.prepare('DELETE FROM live_rooms WHERE user_id = ?').bind(userId).run();
}
