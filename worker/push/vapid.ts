/**
 * The VAPID Authorization header (RFC 8292) of a push service's origin, signed once per isolate and reused for
 * that audience until an hour before the token expires (RFC 8292 lets an application server reuse a token for
 * the same audience). Signing it (an ES256 key import and a signature, @block65/webcrypto-web-push vapidHeaders)
 * on every page put that work between the decision and the push. Reuse ends REFRESH_BEFORE_EXPIRY_MS before the
 * `exp` read from the token itself, so no token is sent within an hour of expiring whatever expiry the library
 * signs (12 h today). Only the header is reused: each message still gets its own ECDH key pair and salt
 * (encryptNotification, RFC 8291).
 */
import { vapidHeaders } from '@block65/webcrypto-web-push';

export interface VapidKeys {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** A token is sent until an hour before it expires, then signed afresh. */
export const REFRESH_BEFORE_EXPIRY_MS = 3_600_000;
/** A handful of push services (FCM, Mozilla, Apple, Windows) per deployment; the bound only guards memory. */
const MAX_HELD = 64;

const held = new Map<string, { authorization: string; until: number }>();

/** `Authorization: vapid t=…, k=…` for pushes to `endpoint` (https), as of `at` (epoch ms, the token's clock). */
export async function vapidAuthorization(
  vapid: VapidKeys,
  endpoint: string,
  at = Date.now(),
): Promise<string> {
  const audience = new URL(endpoint).origin;
  const key = `${audience} ${vapid.subject} ${vapid.publicKey} ${vapid.privateKey}`;
  const hit = held.get(key);
  if (hit && at < hit.until) return hit.authorization;
  const { headers } = await vapidHeaders(
    { endpoint, expirationTime: null, keys: { p256dh: '', auth: '' } },
    vapid,
  );
  const until = expiryOf(headers.authorization) - REFRESH_BEFORE_EXPIRY_MS;
  held.delete(key);
  if (at < until) {
    held.set(key, { authorization: headers.authorization, until });
    if (held.size > MAX_HELD) held.delete(held.keys().next().value as string);
  }
  return headers.authorization;
}

/** The token's `exp` in epoch ms; 0 (never reused) when it cannot be read. */
function expiryOf(authorization: string): number {
  try {
    const claims = /t=[^.]+\.([^.]+)\./.exec(authorization)?.[1] ?? '';
    const json = atob(claims.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
