/**
 * Email subscribers of the status page, double opt-in: an address is stored unconfirmed and sent a signed link;
 * only after the link is followed does it get updates. The same per-client limit and total cap as push
 * subscribers (subscribers.ts), and the same one-tap unsubscribe token (an HMAC of the id; only its keyed hash
 * is stored). The confirmation link is signed, not stored: `<id>.<expiry>.<HMAC>`.
 */
import {
  claimConfirmMail,
  confirmEmailSubscriber,
  deleteEmailSubscribers,
  dropUnconfirmed,
  emailSubscriberCount,
  releaseConfirmMail,
  upsertEmailSubscriber,
} from '../directory/status-email-subscribers';
import type { Env } from '../env';
import { ProblemError } from '../errors';
import { base64url, newId } from '../ids';
import { sendMail, smtpConfigured } from '../notify/smtp';
import { confirmMail } from './status-mail';
import {
  countSubscribeAttempt,
  refuseNewPastCap,
  tokenHash,
  unsubscribeToken,
  unsubscribeUrl,
} from './subscribers';

/** How long a confirmation link works, and an unconfirmed address is kept. */
export const CONFIRM_FOR_MS = 48 * 3600_000;

/**
 * One address gets at most one confirmation mail in this time, however often (and from however many clients)
 * the form is sent with it: the per-client limit alone would let a botnet flood one inbox.
 */
export const CONFIRM_MAIL_EVERY_MS = 15 * 60_000;

const encoder = new TextEncoder();

const hmacKey = (secret: string) =>
  crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);

const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function confirmToken(secret: string, id: string, exp: number): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(secret),
    encoder.encode(`status-confirm:${id}.${exp}`),
  );
  return `${id}.${exp}.${base64url(new Uint8Array(mac))}`;
}

/** The subscriber id a confirmation token names, or null when it is forged, mangled or expired. */
async function verifyConfirmToken(
  secret: string,
  token: string,
  at: number,
): Promise<string | null> {
  const [id, exp, mac] = token.split('.');
  if (!id || !exp || !mac || !/^\d+$/.test(exp) || Number(exp) < at) return null;
  try {
    const ok = await crypto.subtle.verify(
      'HMAC',
      await hmacKey(secret),
      fromB64url(mac),
      encoder.encode(`status-confirm:${id}.${exp}`),
    );
    return ok ? id : null;
  } catch {
    return null;
  }
}

export const confirmUrl = (origin: string, token: string) =>
  `${origin}/status/subscriptions/email/confirm?token=${encodeURIComponent(token)}`;

export const pageName = (env: Pick<Env, 'STATUS_PAGE_NAME'>) => env.STATUS_PAGE_NAME || 'Firebell';

/**
 * Store `email` unconfirmed (or find it again) and mail it a confirmation link, unless one went to it in the
 * last CONFIRM_MAIL_EVERY_MS. The answer is the same whether or not the address was already subscribed or
 * mailed, so the form tells nobody who is.
 */
export async function subscribeEmail(
  env: Env,
  origin: string,
  client: string,
  email: string,
  at: number,
): Promise<void> {
  if (!smtpConfigured(env))
    throw new ProblemError(
      503,
      'unavailable',
      'Email updates are not available on this status page: no mail server is configured (SMTP_HOST, MAIL_FROM). Follow the Atom or RSS feed (/status/feed.atom) instead.',
    );
  await countSubscribeAttempt(env, client, at);
  await dropUnconfirmed(env.DB, at - CONFIRM_FOR_MS);
  const address = email.trim().toLowerCase();
  await refuseNewPastCap(
    env,
    'email subscribers',
    () => emailSubscriberCount(env.DB),
    'SELECT 1 AS x FROM status_email_subscribers WHERE email = ?',
    address,
  );
  const s = await upsertEmailSubscriber(env.DB, {
    id: newId('sse'),
    email: address,
    tokenHash: async (id) =>
      tokenHash(env.SESSION_SECRET, await unsubscribeToken(env.SESSION_SECRET, id)),
    at,
  });
  if (!s.created && !(await claimConfirmMail(env.DB, s.id, at, at - CONFIRM_MAIL_EVERY_MS))) return;
  const outcome = await sendMail(
    env,
    confirmMail({
      to: address,
      pageName: pageName(env),
      pageUrl: `${origin}/status`,
      confirmUrl: confirmUrl(
        origin,
        await confirmToken(env.SESSION_SECRET, s.id, at + CONFIRM_FOR_MS),
      ),
      expiresInHours: CONFIRM_FOR_MS / 3600_000,
      unsubscribeUrl: unsubscribeUrl(origin, await unsubscribeToken(env.SESSION_SECRET, s.id)),
    }),
  );
  if (outcome.kind === 'accepted') return;
  // A new address the mail server refuses is not kept; a known one may be mailed again at once.
  if (s.created) await deleteEmailSubscribers(env.DB, [s.id]);
  else await releaseConfirmMail(env.DB, s.id, at);
  if (outcome.kind === 'refused')
    throw new ProblemError(
      400,
      'validation',
      `The mail server refused this address: ${outcome.reply}`,
    );
  throw new ProblemError(
    503,
    'unavailable',
    'The confirmation email could not be sent just now; try again in a few minutes.',
    { retryAfter: 300 },
    { 'retry-after': '300' },
  );
}

/** Confirm the address a link names; false when the link is bad, expired, or the address was removed. */
export async function confirmEmail(env: Env, token: string, at: number): Promise<boolean> {
  const id = await verifyConfirmToken(env.SESSION_SECRET, token, at);
  return id !== null && (await confirmEmailSubscriber(env.DB, id, at));
}
