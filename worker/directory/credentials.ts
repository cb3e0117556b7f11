/** Sessions, personal API tokens and invites in D1. Only keyed hashes of the secrets are stored. */
import type { Role } from '../app-env';
import type { ApiToken } from '../../schema/directory';
import { ACTIVE, USER_COLUMNS, toUser, type User, type UserRow } from './users';

/** The user a live session belongs to, unless it expired or the user was disabled or removed. */
export async function userBySession(
  db: D1Database,
  tokenHash: string,
  now: number,
): Promise<User | null> {
  const row = await db
    .prepare(
      `SELECT ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND ${ACTIVE}`,
    )
    .bind(tokenHash, now)
    .first<UserRow>();
  return row ? toUser(row) : null;
}

/** A session as its owner's admin sees it: never the secret or its hash. */
export interface SessionInfo {
  id: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
}

export async function createSession(
  db: D1Database,
  session: {
    id: string;
    tokenHash: string;
    userId: string;
    now: number;
    ttlMs: number;
    userAgent: string | null;
  },
): Promise<void> {
  await sessionInsert(db, session).run();
}

function sessionInsert(
  db: D1Database,
  s: {
    id: string;
    tokenHash: string;
    userId: string;
    now: number;
    ttlMs: number;
    userAgent: string | null;
  },
  onlyAfterChange = false,
): D1PreparedStatement {
  // In a batch after a conditional write, `changes() = 1` makes this insert happen only if that write did.
  const guard = onlyAfterChange ? ' WHERE changes() = 1' : '';
  return db
    .prepare(
      `INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, user_agent) SELECT ?, ?, ?, ?, ?, ?${guard}`,
    )
    .bind(s.id, s.tokenHash, s.userId, s.now, s.now + s.ttlMs, s.userAgent?.slice(0, 300) ?? null);
}

/** End one session by its secret's hash; returns whose it was (null when there was none). */
export async function deleteSession(db: D1Database, tokenHash: string): Promise<string | null> {
  const row = await db
    .prepare('DELETE FROM sessions WHERE token_hash = ? RETURNING user_id')
    .bind(tokenHash)
    .first<{ user_id: string }>();
  return row?.user_id ?? null;
}

/** The user's unexpired sessions, newest first. */
export async function listSessions(
  db: D1Database,
  userId: string,
  now: number,
): Promise<SessionInfo[]> {
  const { results } = await db
    .prepare(
      'SELECT id, created_at, expires_at, user_agent FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC',
    )
    .bind(userId, now)
    .all<{ id: string; created_at: number; expires_at: number; user_agent: string | null }>();
  return results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    userAgent: r.user_agent,
  }));
}

/** End one of the user's sessions by id (all of them when `id` is null); returns the ended sessions' hashes. */
export async function endSessions(
  db: D1Database,
  userId: string,
  id: string | null,
): Promise<string[]> {
  const { results } = await db
    .prepare(
      'DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2) RETURNING token_hash',
    )
    .bind(userId, id)
    .all<{ token_hash: string }>();
  return results.map((r) => r.token_hash);
}

/** The user a live API token belongs to (its last use moved on at most once a minute), unless they were disabled or removed. */
export async function userByApiToken(
  db: D1Database,
  tokenHash: string,
  now: number,
): Promise<User | null> {
  // One round trip: the user, and last_used_at moved on at most once a minute (a write per request costs an fsync).
  const [found] = await db.batch<UserRow>([
    db
      .prepare(
        `SELECT ${USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND ${ACTIVE}`,
      )
      .bind(tokenHash),
    db
      .prepare(
        'UPDATE api_tokens SET last_used_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < ?2 - 60000)',
      )
      .bind(tokenHash, now),
  ]);
  const user = found?.results[0];
  return user ? toUser(user) : null;
}

export async function createApiToken(
  db: D1Database,
  token: { id: string; userId: string; name: string; tokenHash: string; now: number },
): Promise<void> {
  await db
    .prepare(
      'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(token.id, token.userId, token.name, token.tokenHash, token.now)
    .run();
}

export async function listApiTokens(db: D1Database, userId: string): Promise<ApiToken[]> {
  const { results } = await db
    .prepare(
      'SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC',
    )
    .bind(userId)
    .all<{
      id: string;
      name: string;
      created_at: number;
      last_used_at: number | null;
      revoked_at: number | null;
    }>();
  return results.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revoke one of the user's tokens; returns its hash, or null when the user has no such live token. */
export async function revokeApiToken(
  db: D1Database,
  userId: string,
  id: string,
  now: number,
): Promise<string | null> {
  const row = await db
    .prepare(
      'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING token_hash',
    )
    .bind(now, id, userId)
    .first<{ token_hash: string }>();
  return row?.token_hash ?? null;
}

export interface Invite {
  role: Role;
  userId: string | null;
}

/**
 * Store an invite. A sign-in link for an existing user replaces that user's older unused ones in the same
 * batch, so only the newest link printed or sent for them still works.
 */
export async function createInvite(
  db: D1Database,
  invite: {
    tokenHash: string;
    role: Role;
    userId: string | null;
    createdBy: string;
    now: number;
    ttlMs: number;
  },
): Promise<void> {
  const insert = db
    .prepare(
      'INSERT INTO invites (token_hash, role, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .bind(
      invite.tokenHash,
      invite.role,
      invite.userId,
      invite.createdBy,
      invite.now,
      invite.now + invite.ttlMs,
    );
  if (!invite.userId) {
    await insert.run();
    return;
  }
  const expireOlder = db
    .prepare(
      'UPDATE invites SET expires_at = ?2 WHERE user_id = ?1 AND used_at IS NULL AND expires_at > ?2',
    )
    .bind(invite.userId, invite.now);
  await db.batch([expireOlder, insert]);
}

/** An unused, unexpired invite, without using it up. */
export async function findInvite(
  db: D1Database,
  tokenHash: string,
  now: number,
): Promise<Invite | null> {
  const row = await db
    .prepare(
      'SELECT role, user_id FROM invites WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
    )
    .bind(tokenHash, now)
    .first<{ role: Role; user_id: string | null }>();
  return row ? { role: row.role, userId: row.user_id } : null;
}

/**
 * Use an invite: mark it used, create the new user (or rename the existing one) and start the session, all in one
 * transaction. Only the request that marks the invite writes anything (a link works once, even when
 * opened twice at the same moment), and a failure anywhere leaves the invite as it was. False when the
 * invite was used or expired meanwhile.
 */
export async function redeemInvite(
  db: D1Database,
  input: {
    tokenHash: string;
    now: number;
    newUser: User | null;
    /** An existing user's new display name, typed when signing in with their link. */
    rename?: string | null;
    userId: string;
    session: { id: string; tokenHash: string; ttlMs: number; userAgent: string | null };
  },
): Promise<boolean> {
  const statements = [
    db
      .prepare(
        'UPDATE invites SET used_at = ?3, used_by = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?3',
      )
      .bind(input.tokenHash, input.userId, input.now),
  ];
  if (input.newUser) {
    const u = input.newUser;
    statements.push(
      db
        .prepare(
          'INSERT INTO users (id, name, role, created_at) SELECT ?, ?, ?, ? WHERE changes() = 1',
        )
        .bind(u.id, u.name, u.role, u.createdAt),
    );
  } else if (input.rename) {
    statements.push(
      db
        .prepare('UPDATE users SET name = ? WHERE id = ? AND changes() = 1')
        .bind(input.rename, input.userId),
    );
  }
  statements.push(
    sessionInsert(db, { ...input.session, userId: input.userId, now: input.now }, true),
  );
  const results = await db.batch(statements);
  return (results[0]?.meta.changes ?? 0) === 1;
}
