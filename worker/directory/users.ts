/** Users in D1: the directory of people who can be paged and act on incidents. */
import type { Role } from '../app-env';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
}

type Row = { id: string; name: string; role: Role; created_at: number };
const toUser = (r: Row): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at });

export async function getUser(db: D1Database, id: string): Promise<User | null> {
  const row = await db.prepare('SELECT id, name, role, created_at FROM users WHERE id = ?').bind(id).first<Row>();
  return row ? toUser(row) : null;
}

export async function listUsers(db: D1Database): Promise<User[]> {
  const { results } = await db.prepare('SELECT id, name, role, created_at FROM users ORDER BY name').all<Row>();
  return results.map(toUser);
}

/** Display names for the given ids; ids that are not users are absent from the result. */
export async function userNames(db: D1Database, ids: readonly string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return {};
  const { results } = await db.prepare(`SELECT id, name FROM users WHERE id IN (${unique.map(() => '?').join(', ')})`).bind(...unique).all<{ id: string; name: string }>();
  return Object.fromEntries(results.map((r) => [r.id, r.name]));
}

export async function createUser(db: D1Database, user: User): Promise<void> {
  await db.prepare('INSERT INTO users (id, name, role, created_at) VALUES (?, ?, ?, ?)').bind(user.id, user.name, user.role, user.createdAt).run();
}

/** Change a user's display name; the user as it now is, or null when there is no such user. */
export async function renameUser(db: D1Database, id: string, name: string): Promise<User | null> {
  const row = await db.prepare('UPDATE users SET name = ? WHERE id = ? RETURNING id, name, role, created_at').bind(name, id).first<Row>();
  return row ? toUser(row) : null;
}

/** The admin user behind ADMIN_TOKEN; created on first use so a fresh deployment has one. */
export async function ensureAdmin(db: D1Database, now: number): Promise<User> {
  // Read first: the row exists after the first call, so ADMIN_TOKEN requests cost one D1 read, not a write and a read.
  const existing = await getUser(db, 'usr_admin');
  if (existing) return existing;
  await db.prepare("INSERT OR IGNORE INTO users (id, name, role, created_at) VALUES ('usr_admin', 'Admin', 'admin', ?)").bind(now).run();
  return (await getUser(db, 'usr_admin')) as User;
}

export async function adminIds(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM users WHERE role = 'admin'").all<{ id: string }>();
  return results.map((r) => r.id);
}
