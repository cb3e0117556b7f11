/**
 * Mattermost and Microsoft Teams in D1: per service, incoming-webhook URLs each incident event is posted to
 * (sealed: the URL is its own secret; only a hint is shown), and Mattermost's slash command token and linked
 * users. `hooksFor` runs on every incident event, so it is cached per isolate for a few seconds.
 */
import { hashSecret } from '../auth/secrets';
import { newId } from '../ids';
import { open, seal } from './secret-box';
import { normalizeCode } from './slack-directory';

export type ChatHookKind = 'mattermost' | 'teams';

export interface ChatHook {
  id: string;
  serviceId: string;
  kind: ChatHookKind;
  /** The URL's origin and the last characters of its path: enough to recognise it, not to use it. */
  urlHint: string;
  createdAt: number;
}

interface Row {
  id: string;
  service_id: string;
  kind: ChatHookKind;
  url: string;
  url_hint: string;
  created_at: number;
}

const CACHE_TTL_MS = 5_000;
let cache: { at: number; rows: ChatHook[] } | null = null;

const fromRow = (r: Row): ChatHook => ({
  id: r.id,
  serviceId: r.service_id,
  kind: r.kind,
  urlHint: r.url_hint,
  createdAt: r.created_at,
});

function hintOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}/…${u.pathname.slice(-6)}`;
}

export async function addHook(
  db: D1Database,
  sessionSecret: string,
  input: { serviceId: string; kind: ChatHookKind; url: string },
  at: number,
): Promise<ChatHook> {
  const hook = { id: newId('chh'), ...input, urlHint: hintOf(input.url), createdAt: at };
  await db
    .prepare(
      'INSERT INTO chat_webhooks (id, service_id, kind, url, url_hint, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .bind(
      hook.id,
      hook.serviceId,
      hook.kind,
      await seal(sessionSecret, input.url),
      hook.urlHint,
      at,
    )
    .run();
  cache = null;
  return {
    id: hook.id,
    serviceId: hook.serviceId,
    kind: hook.kind,
    urlHint: hook.urlHint,
    createdAt: at,
  };
}

export async function listHooks(db: D1Database): Promise<ChatHook[]> {
  const { results } = await db
    .prepare('SELECT * FROM chat_webhooks ORDER BY created_at, id')
    .all<Row>();
  return results.map(fromRow);
}

export async function deleteHook(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare('DELETE FROM chat_webhooks WHERE id = ?').bind(id).run();
  cache = null;
  return res.meta.changes > 0;
}

/** The hooks a service's incidents post to (cached per isolate for a few seconds). */
export async function hooksFor(db: D1Database, serviceId: string | null): Promise<ChatHook[]> {
  if (!serviceId) return [];
  const t = Date.now();
  if (!cache || t - cache.at > CACHE_TTL_MS) cache = { at: t, rows: await listHooks(db) };
  return cache.rows.filter((h) => h.serviceId === serviceId);
}

/** Whether `serviceId` has a hook, from this isolate's cache alone (no await): undefined when cold or old. */
export function hooksCached(serviceId: string | null): boolean | undefined {
  if (!serviceId) return false;
  if (!cache || Date.now() - cache.at > CACHE_TTL_MS) return undefined;
  return cache.rows.some((h) => h.serviceId === serviceId);
}

export function clearHookCache(): void {
  cache = null;
}

/** A hook with its URL opened, for delivery; null once it was removed. */
export async function hookTarget(
  db: D1Database,
  sessionSecret: string,
  id: string,
): Promise<{ kind: ChatHookKind; url: string; serviceId: string } | null> {
  const row = await db.prepare('SELECT * FROM chat_webhooks WHERE id = ?').bind(id).first<Row>();
  if (!row) return null;
  return { kind: row.kind, url: await open(sessionSecret, row.url), serviceId: row.service_id };
}

/** Set the token Mattermost sends with `/firebell` for a team. */
export async function saveMattermostCommand(
  db: D1Database,
  sessionSecret: string,
  teamId: string,
  token: string,
  at: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO mattermost_commands (team_id, token, created_at) VALUES (?, ?, ?)
       ON CONFLICT (team_id) DO UPDATE SET token = excluded.token`,
    )
    .bind(teamId, await seal(sessionSecret, token), at)
    .run();
}

export async function mattermostToken(
  db: D1Database,
  sessionSecret: string,
  teamId: string,
): Promise<string | null> {
  const row = await db
    .prepare('SELECT token FROM mattermost_commands WHERE team_id = ?')
    .bind(teamId)
    .first<{ token: string }>();
  return row ? open(sessionSecret, row.token) : null;
}

export async function mattermostUser(
  db: D1Database,
  teamId: string,
  mmUserId: string,
): Promise<{ id: string; name: string; role: string } | null> {
  return db
    .prepare(
      `SELECT u.id, u.name, u.role FROM mattermost_users m JOIN users u ON u.id = m.user_id
       WHERE m.team_id = ? AND m.mm_user_id = ? AND u.disabled_at IS NULL AND u.removed_at IS NULL`,
    )
    .bind(teamId, mmUserId)
    .first<{ id: string; name: string; role: string }>();
}

/** Redeem a Settings link code for a Mattermost user; null when unknown or expired. */
export async function redeemForMattermost(
  db: D1Database,
  pepper: string,
  code: string,
  link: { teamId: string; mmUserId: string; mmName: string },
  at: number,
): Promise<{ id: string; name: string } | null> {
  const row = await db
    .prepare(
      'DELETE FROM slack_link_codes WHERE code_hash = ? AND expires_at > ? RETURNING user_id',
    )
    .bind(await hashSecret(pepper, normalizeCode(code)), at)
    .first<{ user_id: string }>();
  if (!row) return null;
  await db
    .prepare(
      `INSERT INTO mattermost_users (team_id, mm_user_id, user_id, mm_name, linked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (team_id, mm_user_id) DO UPDATE SET user_id = excluded.user_id, mm_name = excluded.mm_name,
         linked_at = excluded.linked_at`,
    )
    .bind(link.teamId, link.mmUserId, row.user_id, link.mmName, at)
    .run();
  return db
    .prepare('SELECT id, name FROM users WHERE id = ?')
    .bind(row.user_id)
    .first<{ id: string; name: string }>();
}
