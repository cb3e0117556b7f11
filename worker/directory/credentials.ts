/** Sessions, personal API tokens and invites in D1. Only keyed hashes of the secrets are stored. */
import type { Role } from '../app-env';
import type { ApiToken } from '../../schema/directory';
import type { User } from './users';

type UserRow = { id: string; name: string; role: Role; created_at: number };
const toUser = (r: UserRow): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at });

export async function userBySession(db: D1Database, tokenHash: string, now: number): Promise<User | null> {
  const row = await db
    .prepare('SELECT u.id, u.name, u.role, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?')
    .bind(tokenHash, now)
    .first<UserRow>();
  return row ? toUser(row) : null;
}

export async function createSession(db: D1Database, tokenHash: string, userId: string, now: number, ttlMs: number): Promise<void> {
  await db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').bind(tokenHash, userId, now, now + ttlMs).run();
}

export async function deleteSession(db: D1Database, tokenHash: string): Promise<void> {
  await db.prepare('DELETE FROM sessions WHERE token_hash = ?').bind(tokenHash).run();
}

export async function userByApiToken(db: D1Database, tokenHash: string, now: number): Promise<User | null> {
  // One round trip: the user, and last_used_at moved on at most once a minute (a write per request costs an fsync).
  const [found] = await db.batch<UserRow>([
    db.prepare('SELECT u.id, u.name, u.role, u.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL').bind(tokenHash),
    db.prepare('UPDATE api_tokens SET last_used_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < ?2 - 60000)').bind(tokenHash, now),
  ]);
  const user = found?.results[0];
  return user ? toUser(user) : null;
}

export async function createApiToken(db: D1Database, token: { id: string; userId: string; name: string; tokenHash: string; now: number }): Promise<void> {
  await db.prepare('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').bind(token.id, token.userId, token.name, token.tokenHash, token.now).run();
}

export async function listApiTokens(db: D1Database, userId: string): Promise<ApiToken[]> {
  const { results } = await db
    .prepare('SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC')
    .bind(userId)
    .all<{ id: string; name: string; created_at: number; last_used_at: number | null; revoked_at: number | null }>();
  return results.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** Revoke one of the user's tokens; false when the user has no such live token. */
export async function revokeApiToken(db: D1Database, userId: string, id: string, now: number): Promise<boolean> {
  const res = await db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').bind(now, id, userId).run();
  return res.meta.changes > 0;
}

export interface Invite {
  role: Role;
  userId: string | null;
}

/**
 * Store an invite. A sign-in link for an existing user replaces that user's older unused ones in the same
 * batch, so only the newest link printed or sent for them still works.
 */
export async function createInvite(db: D1Database, invite: { tokenHash: string; role: Role; userId: string | null; createdBy: string; now: number; ttlMs: number }): Promise<void> {
  const insert = db
    .prepare('INSERT INTO invites (token_hash, role, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(invite.tokenHash, invite.role, invite.userId, invite.createdBy, invite.now, invite.now + invite.ttlMs);
  if (!invite.userId) {
    await insert.run();
    return;
  }
  const expireOlder = db.prepare('UPDATE invites SET expires_at = ?2 WHERE user_id = ?1 AND used_at IS NULL AND expires_at > ?2').bind(invite.userId, invite.now);
  await db.batch([expireOlder, insert]);
}

/** Mark an invite used, atomically: a link works once, even when opened twice at the same moment. */
export async function redeemInvite(db: D1Database, tokenHash: string, usedBy: string, now: number): Promise<Invite | null> {
  const row = await db
    .prepare('UPDATE invites SET used_at = ?3, used_by = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?3 RETURNING role, user_id')
    .bind(tokenHash, usedBy, now)
    .first<{ role: Role; user_id: string | null }>();
  return row ? { role: row.role, userId: row.user_id } : null;
}
