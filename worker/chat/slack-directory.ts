/**
 * Slack in D1: installed workspaces (secrets sealed, see secret-box.ts), the channel each service posts to,
 * linked users, link codes, seen signatures and the errors Slack returned. `channelFor` runs on every
 * incident event, so it is cached per isolate for a few seconds (cleared at once by an edit here).
 */
import {
  SLACK_API_BASE,
  type SlackChannel,
  type SlackError,
  type SlackLink,
  type SlackWorkspace,
  type SlackWorkspaceInput,
} from '../../schema/slack-schemas';
import { hashSecret } from '../auth/secrets';
import { newId } from '../ids';
import { open, seal } from './secret-box';

interface WorkspaceRow {
  team_id: string;
  name: string;
  bot_token: string;
  signing_secret: string;
  api_base: string;
  created_at: number;
}

/** A workspace with its secrets opened: for the Worker's own calls, never for an answer. */
export interface SlackCredentials {
  teamId: string;
  name: string;
  apiBase: string;
  botToken: string;
  signingSecret: string;
}

const CACHE_TTL_MS = 5_000;
const ERRORS_KEPT = 200;
let channels: { at: number; rows: SlackChannel[] } | null = null;

const workspaceOf = (r: WorkspaceRow): SlackWorkspace => ({
  teamId: r.team_id,
  name: r.name,
  apiBase: r.api_base,
  createdAt: r.created_at,
});

/** Install (or re-install, replacing its secrets) a workspace. */
export async function saveWorkspace(
  db: D1Database,
  sessionSecret: string,
  input: SlackWorkspaceInput,
  at: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO slack_workspaces (team_id, name, bot_token, signing_secret, api_base, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (team_id) DO UPDATE SET name = excluded.name, bot_token = excluded.bot_token,
         signing_secret = excluded.signing_secret, api_base = excluded.api_base`,
    )
    .bind(
      input.teamId,
      input.name,
      await seal(sessionSecret, input.botToken),
      await seal(sessionSecret, input.signingSecret),
      input.apiBase ?? SLACK_API_BASE,
      at,
    )
    .run();
}

export async function listWorkspaces(db: D1Database): Promise<SlackWorkspace[]> {
  const { results } = await db
    .prepare('SELECT * FROM slack_workspaces ORDER BY created_at, team_id')
    .all<WorkspaceRow>();
  return results.map(workspaceOf);
}

export async function getWorkspace(db: D1Database, teamId: string): Promise<SlackWorkspace | null> {
  const row = await db
    .prepare('SELECT * FROM slack_workspaces WHERE team_id = ?')
    .bind(teamId)
    .first<WorkspaceRow>();
  return row ? workspaceOf(row) : null;
}

/** The workspace with its secrets opened, or null when it is not installed. */
export async function credentials(
  db: D1Database,
  sessionSecret: string,
  teamId: string,
): Promise<SlackCredentials | null> {
  const row = await db
    .prepare('SELECT * FROM slack_workspaces WHERE team_id = ?')
    .bind(teamId)
    .first<WorkspaceRow>();
  if (!row) return null;
  return {
    teamId: row.team_id,
    name: row.name,
    apiBase: row.api_base,
    botToken: await open(sessionSecret, row.bot_token),
    signingSecret: await open(sessionSecret, row.signing_secret),
  };
}

export async function deleteWorkspace(db: D1Database, teamId: string): Promise<boolean> {
  const [, , res] = await db.batch([
    db.prepare('DELETE FROM slack_channels WHERE team_id = ?').bind(teamId),
    db.prepare('DELETE FROM slack_users WHERE team_id = ?').bind(teamId),
    db.prepare('DELETE FROM slack_workspaces WHERE team_id = ?').bind(teamId),
  ]);
  channels = null;
  return (res?.meta.changes ?? 0) > 0;
}

export async function setChannel(db: D1Database, mapping: SlackChannel): Promise<void> {
  await db
    .prepare(
      `INSERT INTO slack_channels (service_id, team_id, channel_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (service_id) DO UPDATE SET team_id = excluded.team_id, channel_id = excluded.channel_id`,
    )
    .bind(mapping.serviceId, mapping.teamId, mapping.channelId, mapping.createdAt)
    .run();
  channels = null;
}

export async function deleteChannel(db: D1Database, serviceId: string): Promise<boolean> {
  const res = await db
    .prepare('DELETE FROM slack_channels WHERE service_id = ?')
    .bind(serviceId)
    .run();
  channels = null;
  return res.meta.changes > 0;
}

export async function listChannels(db: D1Database): Promise<SlackChannel[]> {
  const { results } = await db
    .prepare(
      'SELECT service_id AS serviceId, team_id AS teamId, channel_id AS channelId, created_at AS createdAt FROM slack_channels ORDER BY created_at, service_id',
    )
    .all<SlackChannel>();
  return results;
}

/** The channel a service's incidents post to, or null (cached per isolate for a few seconds). */
export async function channelFor(
  db: D1Database,
  serviceId: string | null,
): Promise<SlackChannel | null> {
  if (!serviceId) return null;
  const t = Date.now();
  if (!channels || t - channels.at > CACHE_TTL_MS)
    channels = { at: t, rows: await listChannels(db) };
  return channels.rows.find((c) => c.serviceId === serviceId) ?? null;
}

/**
 * Whether `serviceId` has a channel, from this isolate's cache alone (no await, so it can run inside a storage
 * transaction): undefined when the cache is cold or older than its TTL, and the caller must assume yes.
 */
export function channelCached(serviceId: string | null): boolean | undefined {
  if (!serviceId) return false;
  if (!channels || Date.now() - channels.at > CACHE_TTL_MS) return undefined;
  return channels.rows.some((c) => c.serviceId === serviceId);
}

/** Forget the cached mappings (tests edit D1 directly). */
export function clearChannelCache(): void {
  channels = null;
}

/** The Firebell user a Slack user is linked to, or null. */
export async function linkedUser(
  db: D1Database,
  teamId: string,
  slackUserId: string,
): Promise<{ id: string; name: string; role: string } | null> {
  return db
    .prepare(
      `SELECT u.id, u.name, u.role FROM slack_users s JOIN users u ON u.id = s.user_id
       WHERE s.team_id = ? AND s.slack_user_id = ? AND u.disabled_at IS NULL AND u.removed_at IS NULL`,
    )
    .bind(teamId, slackUserId)
    .first<{ id: string; name: string; role: string }>();
}

/** Keep the name Slack gives (users.info) next to the link. */
export async function renameLink(
  db: D1Database,
  teamId: string,
  slackUserId: string,
  slackName: string,
): Promise<void> {
  await db
    .prepare('UPDATE slack_users SET slack_name = ? WHERE team_id = ? AND slack_user_id = ?')
    .bind(slackName, teamId, slackUserId)
    .run();
}

export async function linksOf(db: D1Database, userId: string): Promise<SlackLink[]> {
  const { results } = await db
    .prepare(
      'SELECT team_id AS teamId, slack_user_id AS slackUserId, slack_name AS slackName, linked_at AS linkedAt FROM slack_users WHERE user_id = ? ORDER BY linked_at',
    )
    .bind(userId)
    .all<SlackLink>();
  return results;
}

/** Store a one-time link code for `userId` (its keyed hash only). */
export async function saveLinkCode(
  db: D1Database,
  pepper: string,
  code: string,
  userId: string,
  expiresAt: number,
): Promise<void> {
  await db
    .prepare('INSERT INTO slack_link_codes (code_hash, user_id, expires_at) VALUES (?, ?, ?)')
    .bind(await hashSecret(pepper, normalizeCode(code)), userId, expiresAt)
    .run();
}

/** Redeem a code: link the Slack user to its Firebell user. Null when the code is unknown or expired. */
export async function redeemLinkCode(
  db: D1Database,
  pepper: string,
  code: string,
  link: { teamId: string; slackUserId: string; slackName: string },
  at: number,
): Promise<{ id: string; name: string } | null> {
  const hash = await hashSecret(pepper, normalizeCode(code));
  const row = await db
    .prepare(
      `DELETE FROM slack_link_codes WHERE code_hash = ? AND expires_at > ?
       RETURNING user_id`,
    )
    .bind(hash, at)
    .first<{ user_id: string }>();
  if (!row) return null;
  await db
    .prepare(
      `INSERT INTO slack_users (team_id, slack_user_id, user_id, slack_name, linked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (team_id, slack_user_id) DO UPDATE SET user_id = excluded.user_id,
         slack_name = excluded.slack_name, linked_at = excluded.linked_at`,
    )
    .bind(link.teamId, link.slackUserId, row.user_id, link.slackName, at)
    .run();
  return db
    .prepare('SELECT id, name FROM users WHERE id = ?')
    .bind(row.user_id)
    .first<{ id: string; name: string }>();
}

/** Codes are typed by hand: case and dashes do not matter. */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Record an accepted signature; false when it was already seen (a replay). */
export async function firstSighting(
  db: D1Database,
  signature: string,
  at: number,
): Promise<boolean> {
  const res = await db
    .prepare(
      'INSERT INTO slack_seen (signature, at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING',
    )
    .bind(signature, at)
    .run();
  if (res.meta.changes === 0) return false;
  // Outside the window a replay is refused by its timestamp, so older rows can go.
  await db
    .prepare('DELETE FROM slack_seen WHERE at < ?')
    .bind(at - 10 * 60_000)
    .run();
  return true;
}

export async function recordError(db: D1Database, error: Omit<SlackError, 'id'>): Promise<void> {
  await db.batch([
    db
      .prepare(
        'INSERT INTO slack_errors (id, team_id, channel_id, incident_id, method, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .bind(
        newId('sle'),
        error.teamId,
        error.channelId,
        error.incidentId,
        error.method,
        error.error,
        error.at,
      ),
    db
      .prepare(
        'DELETE FROM slack_errors WHERE id IN (SELECT id FROM slack_errors ORDER BY at DESC LIMIT -1 OFFSET ?)',
      )
      .bind(ERRORS_KEPT),
  ]);
}

export async function listErrors(db: D1Database): Promise<SlackError[]> {
  const { results } = await db
    .prepare(
      `SELECT id, team_id AS teamId, channel_id AS channelId, incident_id AS incidentId, method, error, at
       FROM slack_errors ORDER BY at DESC LIMIT 100`,
    )
    .all<SlackError>();
  return results;
}
