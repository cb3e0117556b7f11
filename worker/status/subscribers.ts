/**
 * Subscribing to the status page by Web Push without an account: the one write anybody may make, so it is checked at the
 * edge (a browser push service's endpoint and well-formed keys), limited per client and capped in total, and
 * keeps nothing but the subscription and the hash of its unsubscribe token.
 *
 * The token is an HMAC of the subscriber's id under the server secret: the server can put it in every message
 * it sends (one-tap unsubscribe) without storing it, and a leaked table holds only its keyed hash.
 */
import type { StatusSubscribeBody } from '../../schema/status-subscriber-schemas';
import { hashSecret } from '../auth/secrets';
import {
  countAttempt,
  deleteByTokenHash,
  subscriberCount,
  upsertSubscriber,
} from '../directory/status-subscribers';
import { deleteEmailByTokenHash } from '../directory/status-email-subscribers';
import { invalid } from '../edge';
import type { Env } from '../env';
import { ProblemError } from '../errors';
import { base64url, newId } from '../ids';
import { endpointProblem } from '../push/validate';
import { vapidConfigured } from '../push/sender';

/** Subscribe attempts one client may make per window: a person subscribes a browser or two, not dozens. */
export const PER_CLIENT_LIMIT = 10;
export const RATE_WINDOW_MS = 60 * 60_000;
/** Subscribers in total unless STATUS_SUBSCRIBERS_MAX says otherwise: bounds the table and each fan-out. */
export const DEFAULT_MAX_SUBSCRIBERS = 50_000;

const encoder = new TextEncoder();

/** The unsubscribe token of subscriber `id`. */
export async function unsubscribeToken(secret: string, id: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`status-unsubscribe:${id}`));
  return base64url(new Uint8Array(mac));
}

/** What is stored of an unsubscribe token: its keyed hash. */
export const tokenHash = (secret: string, token: string) =>
  hashSecret(secret, `status-unsubscribe:${token}`);

export const unsubscribeUrl = (origin: string, token: string) =>
  `${origin}/status/unsubscribe?token=${encodeURIComponent(token)}`;

export function maxSubscribers(env: Pick<Env, 'STATUS_SUBSCRIBERS_MAX'>): number {
  const n = Number(env.STATUS_SUBSCRIBERS_MAX);
  return Number.isInteger(n) && n >= 0 && env.STATUS_SUBSCRIBERS_MAX ? n : DEFAULT_MAX_SUBSCRIBERS;
}

/**
 * Count one subscribe attempt (push or email) from `client`, its address as Cloudflare saw it; 429 past
 * PER_CLIENT_LIMIT in the window. Only an HMAC of the address is stored.
 */
/**
 * Past the total cap (push and email each), only a subscriber already stored (`knownSql` finds `key`) gets through;
 * a new one is refused with 503, pointing at the feeds, which cost the server nothing per reader.
 */
export async function refuseNewPastCap(
  env: Env,
  what: string,
  count: () => Promise<number>,
  knownSql: string,
  key: string,
): Promise<void> {
  const max = maxSubscribers(env);
  if ((await count()) < max) return;
  if (await env.DB.prepare(knownSql).bind(key).first()) return;
  throw new ProblemError(
    503,
    'unavailable',
    `This status page has reached its limit of ${max} ${what}. Follow the Atom or RSS feed (/status/feed.atom) instead.`,
    { retryAfter: 3600 },
    { 'retry-after': '3600' },
  );
}

export async function countSubscribeAttempt(env: Env, client: string, at: number): Promise<void> {
  const windowStart = Math.floor(at / RATE_WINDOW_MS) * RATE_WINDOW_MS;
  const clientKey = await hashSecret(env.SESSION_SECRET, `status-client:${client}`);
  const count = await countAttempt(env.DB, clientKey, windowStart);
  if (count > PER_CLIENT_LIMIT) {
    const retryAfter = Math.max(1, Math.ceil((windowStart + RATE_WINDOW_MS - at) / 1000));
    throw new ProblemError(
      429,
      'rate-limited',
      `Too many subscriptions from your network: at most ${PER_CLIENT_LIMIT} an hour. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
      { retryAfter },
      { 'retry-after': String(retryAfter) },
    );
  }
}

/** Check and store a subscription from `client` (its address as Cloudflare saw it). */
export async function subscribe(
  env: Env,
  origin: string,
  client: string,
  body: StatusSubscribeBody,
  at: number,
): Promise<{ id: string; created: boolean; token: string; url: string }> {
  if (!vapidConfigured(env))
    throw new ProblemError(
      503,
      'unavailable',
      'Notifications are not available on this status page: Web Push is not configured on the server (VAPID keys missing).',
    );
  const problem = endpointProblem(body.endpoint, env);
  if (problem) throw invalid([{ path: 'endpoint', message: problem }]);

  await countSubscribeAttempt(env, client, at);
  // A browser already subscribed may still refresh its keys; only new rows are refused.
  await refuseNewPastCap(
    env,
    'notification subscribers',
    () => subscriberCount(env.DB),
    'SELECT 1 AS x FROM status_subscribers WHERE endpoint = ?',
    body.endpoint,
  );
  const { id, created } = await upsertSubscriber(env.DB, {
    id: newId('ssb'),
    endpoint: body.endpoint,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
    tokenHash: async (id) =>
      tokenHash(env.SESSION_SECRET, await unsubscribeToken(env.SESSION_SECRET, id)),
    at,
  });
  const token = await unsubscribeToken(env.SESSION_SECRET, id);
  return { id, created, token, url: unsubscribeUrl(origin, token) };
}

/** Forget the subscriber holding `token`; false when no subscriber has it (already gone, or never valid). */
export async function unsubscribe(env: Env, token: string): Promise<boolean> {
  const hash = await tokenHash(env.SESSION_SECRET, token);
  return (await deleteByTokenHash(env.DB, hash)) || (await deleteEmailByTokenHash(env.DB, hash));
}
