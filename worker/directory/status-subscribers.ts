/** Status page subscribers in D1 (status_subscribers) and the per-client subscribe counter (status_subscribe_rate). */

export interface StatusSubscriber {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Store a subscription, or refresh the keys and token of the same endpoint subscribing again; returns its id. */
export async function upsertSubscriber(
  db: D1Database,
  s: StatusSubscriber & { tokenHash: (id: string) => Promise<string>; at: number },
): Promise<{ id: string; created: boolean }> {
  const existing = await db
    .prepare('SELECT id FROM status_subscribers WHERE endpoint = ?')
    .bind(s.endpoint)
    .first<{ id: string }>();
  const id = existing?.id ?? s.id;
  const hash = await s.tokenHash(id);
  if (existing) {
    await db
      .prepare('UPDATE status_subscribers SET p256dh = ?, auth = ?, token_hash = ? WHERE id = ?')
      .bind(s.p256dh, s.auth, hash, id)
      .run();
    return { id, created: false };
  }
  await db
    .prepare(
      `INSERT INTO status_subscribers (id, endpoint, p256dh, auth, token_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO NOTHING`,
    )
    .bind(id, s.endpoint, s.p256dh, s.auth, hash, s.at)
    .run();
  return { id, created: true };
}

export async function subscriberCount(db: D1Database): Promise<number> {
  return (
    (await db.prepare('SELECT count(*) AS n FROM status_subscribers').first<{ n: number }>())?.n ??
    0
  );
}

/** Remove the subscriber whose token hashes to `tokenHash`; false when there is none. */
export async function deleteByTokenHash(db: D1Database, tokenHash: string): Promise<boolean> {
  const r = await db
    .prepare('DELETE FROM status_subscribers WHERE token_hash = ?')
    .bind(tokenHash)
    .run();
  return r.meta.changes > 0;
}

export async function deleteSubscribers(db: D1Database, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await db.batch(
    ids.map((id) => db.prepare('DELETE FROM status_subscribers WHERE id = ?').bind(id)),
  );
}

/** A page of subscribers after `afterId`, in id order (the fan-out's cursor). */
export async function subscribersAfter(
  db: D1Database,
  afterId: string,
  limit: number,
): Promise<StatusSubscriber[]> {
  const { results } = await db
    .prepare(
      'SELECT id, endpoint, p256dh, auth FROM status_subscribers WHERE id > ? ORDER BY id LIMIT ?',
    )
    .bind(afterId, limit)
    .all<StatusSubscriber>();
  return results;
}

/**
 * Count one subscribe attempt for `client` in the window starting `windowStart`; returns the count including it.
 * Windows before the current one are dropped on the way: the table only ever holds the current window.
 */
export async function countAttempt(
  db: D1Database,
  client: string,
  windowStart: number,
): Promise<number> {
  const [, row] = await db.batch<{ count: number }>([
    db.prepare('DELETE FROM status_subscribe_rate WHERE window_start < ?').bind(windowStart),
    db
      .prepare(
        `INSERT INTO status_subscribe_rate (client, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (client, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      )
      .bind(client, windowStart),
  ]);
  return row?.results[0]?.count ?? 1;
}

/** The subscribers among `ids` that still exist (a retry skips those who unsubscribed meanwhile). */
export async function subscribersByIds(
  db: D1Database,
  ids: readonly string[],
): Promise<StatusSubscriber[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare(
      `SELECT id, endpoint, p256dh, auth FROM status_subscribers WHERE id IN (${ids.map(() => '?').join(',')})`,
    )
    .bind(...ids)
    .all<StatusSubscriber>();
  return results;
}
