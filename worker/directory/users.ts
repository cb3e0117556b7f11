/** Users in D1: the directory of people who can be paged and act on incidents. */
import type { Role } from '../app-env';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  /** Set while an admin has suspended the account: no sign-in, no pages, no acknowledging. */
  disabledAt?: number | null;
  /** Set once an admin removed the person for good; the row stays so their name stays on history. */
  removedAt?: number | null;
}

/** The user behind ADMIN_TOKEN: it cannot be demoted, disabled or removed (rotate ADMIN_TOKEN instead). */
export const TOKEN_ADMIN_ID = 'usr_admin';

/** SQL condition for a user who may sign in, be paged and act (alias `u`). */
export const ACTIVE = 'u.disabled_at IS NULL AND u.removed_at IS NULL';

export const USER_COLUMNS = 'u.id, u.name, u.role, u.created_at, u.disabled_at, u.removed_at';
export type UserRow = {
  id: string;
  name: string;
  role: Role;
  created_at: number;
  disabled_at: number | null;
  removed_at: number | null;
};
export const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  removedAt: r.removed_at,
});

/** Whether the user may sign in, be paged and act. */
export const isActive = (u: User): boolean => !u.disabledAt && !u.removedAt;

export async function getUser(db: D1Database, id: string): Promise<User | null> {
  const row = await db
    .prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`)
    .bind(id)
    .first<UserRow>();
  return row ? toUser(row) : null;
}

/** Everyone not removed, by name (disabled people included, flagged). */
export async function listUsers(db: D1Database): Promise<User[]> {
  const { results } = await db
    .prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.removed_at IS NULL ORDER BY u.name`)
    .all<UserRow>();
  return results.map(toUser);
}

/** Display names for the given ids; ids that are not users are absent from the result. */
export async function userNames(
  db: D1Database,
  ids: readonly string[],
): Promise<Record<string, string>> {
  return names(db, ids, '1 = 1');
}

/** Display names of the ids that are active users: who may be assigned, paged or given a role. */
export async function activeUserNames(
  db: D1Database,
  ids: readonly string[],
): Promise<Record<string, string>> {
  return names(db, ids, ACTIVE);
}

async function names(
  db: D1Database,
  ids: readonly string[],
  where: string,
): Promise<Record<string, string>> {
  if (!ids.length) return {};
  const { results } = await db
    .prepare(
      `SELECT u.id, u.name FROM users u WHERE u.id IN (SELECT value FROM json_each(?)) AND ${where}`,
    )
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string; name: string }>();
  return Object.fromEntries(results.map((r) => [r.id, r.name]));
}

export async function createUser(db: D1Database, user: User): Promise<void> {
  await db
    .prepare('INSERT INTO users (id, name, role, created_at) VALUES (?, ?, ?, ?)')
    .bind(user.id, user.name, user.role, user.createdAt)
    .run();
}

/** Change a user's display name; the user as it now is, or null when there is no such user. */
export async function renameUser(db: D1Database, id: string, name: string): Promise<User | null> {
  const row = await db
    .prepare(
      'UPDATE users SET name = ? WHERE id = ? RETURNING id, name, role, created_at, disabled_at, removed_at',
    )
    .bind(name, id)
    .first<UserRow>();
  return row ? toUser(row) : null;
}

/** The admin user behind ADMIN_TOKEN; created on first use so a fresh deployment has one. */
export async function ensureAdmin(db: D1Database, now: number): Promise<User> {
  // Read first: the row exists after the first call, so ADMIN_TOKEN requests cost one D1 read, not a write and a read.
  const existing = await getUser(db, TOKEN_ADMIN_ID);
  if (existing) return existing;
  await db
    .prepare(
      "INSERT OR IGNORE INTO users (id, name, role, created_at) VALUES ('usr_admin', 'Admin', 'admin', ?)",
    )
    .bind(now)
    .run();
  return (await getUser(db, TOKEN_ADMIN_ID)) as User;
}

/** Admins who can be paged when nobody else can. */
export async function adminIds(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT u.id FROM users u WHERE u.role = 'admin' AND ${ACTIVE}`)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
