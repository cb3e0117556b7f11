/**
 * Secret calendar feed URLs in D1 (calendar_feeds): one per schedule or per person, the URL the only
 * credential, so only its keyed hash is stored. Each has an id to list and revoke it by.
 */

/** A calendar feed shows one schedule, or one user's shifts across all schedules. */
export type FeedKind = 'schedule' | 'user';

/** A feed as listed: never its secret or hash. */
export interface CalendarFeedInfo {
  id: string;
  kind: FeedKind;
  refId: string;
  /** The schedule's or the person's name, when it still exists. */
  refName: string | null;
  createdBy: string | null;
  createdAt: number;
}

export async function createCalendarFeed(
  db: D1Database,
  feed: {
    id: string;
    tokenHash: string;
    kind: FeedKind;
    refId: string;
    createdBy: string;
    createdAt: number;
  },
): Promise<void> {
  await db
    .prepare(
      'INSERT INTO calendar_feeds (id, token_hash, kind, ref_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .bind(feed.id, feed.tokenHash, feed.kind, feed.refId, feed.createdBy, feed.createdAt)
    .run();
}

export async function calendarFeed(
  db: D1Database,
  tokenHash: string,
): Promise<{ kind: FeedKind; refId: string } | null> {
  const row = await db
    .prepare('SELECT kind, ref_id FROM calendar_feeds WHERE token_hash = ?')
    .bind(tokenHash)
    .first<{ kind: FeedKind; ref_id: string }>();
  return row ? { kind: row.kind, refId: row.ref_id } : null;
}

type Row = {
  id: string;
  kind: FeedKind;
  ref_id: string;
  ref_name: string | null;
  created_by: string | null;
  created_at: number;
};

/** Every feed (`person` null), or those about or made by `person`, newest first. */
export async function listCalendarFeeds(
  db: D1Database,
  person: string | null,
): Promise<CalendarFeedInfo[]> {
  const { results } = await db
    .prepare(
      `SELECT f.id, f.kind, f.ref_id, f.created_by, f.created_at,
         CASE f.kind WHEN 'user' THEN (SELECT name FROM users WHERE id = f.ref_id) ELSE (SELECT name FROM schedules WHERE id = f.ref_id) END AS ref_name
       FROM calendar_feeds f
       WHERE ?1 IS NULL OR (f.kind = 'user' AND f.ref_id = ?1) OR f.created_by = ?1
       ORDER BY f.created_at DESC, f.id`,
    )
    .bind(person)
    .all<Row>();
  return results.map((r) => ({
    id: r.id,
    kind: r.kind,
    refId: r.ref_id,
    refName: r.ref_name,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/** Revoke a feed by id: any feed (`person` null), or only one about or made by `person`. False when there was none. */
export async function revokeCalendarFeed(
  db: D1Database,
  id: string,
  person: string | null,
): Promise<boolean> {
  const res = await db
    .prepare(
      "DELETE FROM calendar_feeds WHERE id = ?1 AND (?2 IS NULL OR (kind = 'user' AND ref_id = ?2) OR created_by = ?2)",
    )
    .bind(id, person)
    .run();
  return res.meta.changes > 0;
}
