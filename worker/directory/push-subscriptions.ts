/** Web Push subscriptions in D1: one row per device a user registered (push_subscriptions). */
import type { PushDevice } from '../../schema/directory';
import { ACTIVE } from './users';

/** A device with what the sender needs to encrypt for it. */
export interface PushSubscriptionRecord extends PushDevice {
  userId: string;
  p256dh: string;
  auth: string;
}

type Row = {
  id: string;
  user_id: string;
  label: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
  verified_at: number | null;
};

const COLUMNS =
  'id, user_id, label, endpoint, p256dh, auth, created_at, last_success_at, last_failure_at, last_failure, verified_at';

const toRecord = (r: Row): PushSubscriptionRecord => ({
  id: r.id,
  userId: r.user_id,
  label: r.label,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  createdAt: r.created_at,
  lastSuccessAt: r.last_success_at,
  lastFailureAt: r.last_failure_at,
  lastFailure: r.last_failure,
  verifiedAt: r.verified_at,
});

/** The owner's view of a record: key material stays on the server. */
export function toDevice(r: PushSubscriptionRecord): PushDevice {
  return {
    id: r.id,
    label: r.label,
    endpoint: r.endpoint,
    createdAt: r.createdAt,
    lastSuccessAt: r.lastSuccessAt,
    lastFailureAt: r.lastFailureAt,
    lastFailure: r.lastFailure,
    verifiedAt: r.verifiedAt,
  };
}

/**
 * Register a device, or refresh it when the same user registers its endpoint again: a browser
 * re-subscribing keeps its row (and id) and takes the new keys and label. An endpoint registered to
 * someone else is left exactly as it is (null): whoever learns a device's endpoint must not be able
 * to move its pages to themselves.
 */
export async function addSubscription(
  db: D1Database,
  sub: {
    id: string;
    userId: string;
    label: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    now: number;
  },
): Promise<{ subscription: PushSubscriptionRecord; created: boolean } | null> {
  const row = await db
    .prepare(
      `INSERT INTO push_subscriptions (id, user_id, label, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(endpoint) DO UPDATE SET label = excluded.label, p256dh = excluded.p256dh, auth = excluded.auth,
         last_failure_at = NULL, last_failure = NULL
       WHERE push_subscriptions.user_id = excluded.user_id
       RETURNING ${COLUMNS}`,
    )
    .bind(sub.id, sub.userId, sub.label, sub.endpoint, sub.p256dh, sub.auth, sub.now)
    .first<Row>();
  return row ? { subscription: toRecord(row), created: row.id === sub.id } : null;
}

/** Devices only count while their owner is active: a disabled or removed person is never paged, nor acts from a page. */
const OWNER_ACTIVE = `EXISTS (SELECT 1 FROM users u WHERE u.id = push_subscriptions.user_id AND ${ACTIVE})`;

/** Every device of a user, oldest first, with keys: what pageUser sends to. */
export async function subscriptionsForUser(
  db: D1Database,
  userId: string,
): Promise<PushSubscriptionRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM push_subscriptions WHERE user_id = ? AND ${OWNER_ACTIVE} ORDER BY created_at, id`,
    )
    .bind(userId)
    .all<Row>();
  return results.map(toRecord);
}

/** The user's devices as they see them. */
export async function listSubscriptions(db: D1Database, userId: string): Promise<PushDevice[]> {
  return (await subscriptionsForUser(db, userId)).map(toDevice);
}

export async function countSubscriptions(db: D1Database, userId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COUNT(*) AS n FROM push_subscriptions WHERE user_id = ?')
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** One of the user's devices; null when it does not exist, belongs to someone else, or its owner is no longer active. */
export async function getSubscription(
  db: D1Database,
  userId: string,
  id: string,
): Promise<PushSubscriptionRecord | null> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS} FROM push_subscriptions WHERE id = ? AND user_id = ? AND ${OWNER_ACTIVE}`,
    )
    .bind(id, userId)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** Rename one of the user's devices; null when they have no such device. */
export async function renameSubscription(
  db: D1Database,
  userId: string,
  id: string,
  label: string,
): Promise<PushDevice | null> {
  const row = await db
    .prepare(
      `UPDATE push_subscriptions SET label = ? WHERE id = ? AND user_id = ? RETURNING ${COLUMNS}`,
    )
    .bind(label, id, userId)
    .first<Row>();
  return row ? toDevice(toRecord(row)) : null;
}

/** The user removes one of their devices; false when they have no such device. */
export async function deleteSubscription(
  db: D1Database,
  userId: string,
  id: string,
): Promise<boolean> {
  const res = await db
    .prepare('DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?')
    .bind(id, userId)
    .run();
  return res.meta.changes > 0;
}

/** A test page's (or drill's) receipt came back from this device: it is verified, from the first time on. */
export async function markSubscriptionVerified(
  db: D1Database,
  id: string,
  at: number,
): Promise<void> {
  await db
    .prepare('UPDATE push_subscriptions SET verified_at = ? WHERE id = ? AND verified_at IS NULL')
    .bind(at, id)
    .run();
}

/** Firebell removes a device the push service says is gone (404/410). */
export async function removeSubscription(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare('DELETE FROM push_subscriptions WHERE id = ?').bind(id).run();
  return res.meta.changes > 0;
}

export async function markSubscriptionSuccess(
  db: D1Database,
  id: string,
  at: number,
): Promise<void> {
  await db
    .prepare('UPDATE push_subscriptions SET last_success_at = ? WHERE id = ?')
    .bind(at, id)
    .run();
}

export async function markSubscriptionFailure(
  db: D1Database,
  id: string,
  at: number,
  detail: string,
): Promise<void> {
  await db
    .prepare('UPDATE push_subscriptions SET last_failure_at = ?, last_failure = ? WHERE id = ?')
    .bind(at, detail.slice(0, 500), id)
    .run();
}

/** Which of `userIds` have at least one device, i.e. can be paged by push at all. */
export async function reachableUsers(
  db: D1Database,
  userIds: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(userIds)];
  const reachable = new Set<string>();
  // D1 allows 100 bound parameters per statement.
  for (let i = 0; i < unique.length; i += 90) {
    const chunk = unique.slice(i, i + 90);
    const { results } = await db
      .prepare(
        `SELECT DISTINCT user_id FROM push_subscriptions WHERE user_id IN (${chunk.map(() => '?').join(', ')})`,
      )
      .bind(...chunk)
      .all<{ user_id: string }>();
    for (const r of results) reachable.add(r.user_id);
  }
  return reachable;
}
