/** Status page email subscribers in D1 (status_email_subscribers): double opt-in, confirmed rows get updates. */

export interface EmailSubscriber {
  id: string;
  email: string;
}

/** Store an address (or find the same address again); returns its id and whether it is confirmed. */
export async function upsertEmailSubscriber(
  db: D1Database,
  s: { id: string; email: string; tokenHash: (id: string) => Promise<string>; at: number },
): Promise<{ id: string; created: boolean; confirmed: boolean }> {
  const existing = await db
    .prepare('SELECT id, confirmed_at FROM status_email_subscribers WHERE email = ?')
    .bind(s.email)
    .first<{ id: string; confirmed_at: number | null }>();
  if (existing)
    return { id: existing.id, created: false, confirmed: existing.confirmed_at !== null };
  await db
    .prepare(
      `INSERT INTO status_email_subscribers (id, email, token_hash, created_at, mailed_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
    )
    .bind(s.id, s.email, await s.tokenHash(s.id), s.at, s.at)
    .run();
  return { id: s.id, created: true, confirmed: false };
}

/**
 * Claim the next confirmation mail to `id`: true (and `mailed_at` set to `at`) unless one was sent after
 * `notBefore`. One conditional write, so two requests at once cannot both send.
 */
export async function claimConfirmMail(
  db: D1Database,
  id: string,
  at: number,
  notBefore: number,
): Promise<boolean> {
  const r = await db
    .prepare(
      'UPDATE status_email_subscribers SET mailed_at = ? WHERE id = ? AND (mailed_at IS NULL OR mailed_at <= ?)',
    )
    .bind(at, id, notBefore)
    .run();
  return r.meta.changes > 0;
}

/** Give back a claim whose mail was not sent, so the next attempt may send at once. */
export async function releaseConfirmMail(db: D1Database, id: string, at: number): Promise<void> {
  await db
    .prepare('UPDATE status_email_subscribers SET mailed_at = NULL WHERE id = ? AND mailed_at = ?')
    .bind(id, at)
    .run();
}

/** Mark `id` confirmed (once); false when there is no such subscriber any more. */
export async function confirmEmailSubscriber(
  db: D1Database,
  id: string,
  at: number,
): Promise<boolean> {
  const r = await db
    .prepare(
      'UPDATE status_email_subscribers SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?',
    )
    .bind(at, id)
    .run();
  return r.meta.changes > 0;
}

export async function emailSubscriberCount(db: D1Database): Promise<number> {
  return (
    (await db.prepare('SELECT count(*) AS n FROM status_email_subscribers').first<{ n: number }>())
      ?.n ?? 0
  );
}

/** Forget addresses that never confirmed since `before`. */
export async function dropUnconfirmed(db: D1Database, before: number): Promise<void> {
  await db
    .prepare('DELETE FROM status_email_subscribers WHERE confirmed_at IS NULL AND created_at < ?')
    .bind(before)
    .run();
}

export async function deleteEmailByTokenHash(db: D1Database, tokenHash: string): Promise<boolean> {
  const r = await db
    .prepare('DELETE FROM status_email_subscribers WHERE token_hash = ?')
    .bind(tokenHash)
    .run();
  return r.meta.changes > 0;
}

export async function deleteEmailSubscribers(
  db: D1Database,
  ids: readonly string[],
): Promise<void> {
  if (!ids.length) return;
  await db.batch(
    ids.map((id) => db.prepare('DELETE FROM status_email_subscribers WHERE id = ?').bind(id)),
  );
}

/** A page of confirmed subscribers after `afterId`, in id order (the fan-out's cursor). */
export async function confirmedAfter(
  db: D1Database,
  afterId: string,
  limit: number,
): Promise<EmailSubscriber[]> {
  const { results } = await db
    .prepare(
      `SELECT id, email FROM status_email_subscribers WHERE confirmed_at IS NOT NULL AND id > ?
       ORDER BY id LIMIT ?`,
    )
    .bind(afterId, limit)
    .all<EmailSubscriber>();
  return results;
}

/** The confirmed subscribers among `ids` (a retry skips those who unsubscribed meanwhile). */
export async function confirmedByIds(
  db: D1Database,
  ids: readonly string[],
): Promise<EmailSubscriber[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare(
      `SELECT id, email FROM status_email_subscribers WHERE confirmed_at IS NOT NULL
       AND id IN (${ids.map(() => '?').join(',')})`,
    )
    .bind(...ids)
    .all<EmailSubscriber>();
  return results;
}
