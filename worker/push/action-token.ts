/**
 * Action tokens: a short-lived capability carried in a page, so the notification's buttons
 * (acknowledge, delivery receipt) work on a lock screen whose app session has long expired.
 *
 * Format: base64url(JSON claims) + '.' + base64url(HMAC-SHA256). The HMAC key is derived from
 * SESSION_SECRET with a purpose label, so an action-token signature can never double as some
 * other keyed hash made with the same secret (token hashes in D1 use the raw secret).
 */
import { base64url } from '../ids';

/** What a token lets its bearer do: act as `userId` on `incidentId` until `exp` (epoch ms). */
export interface ActionClaims {
  userId: string;
  incidentId: string;
  /** The device the page went to; receipts name it, and removing the device revokes the token. */
  subscriptionId?: string;
  /** Expiry, epoch milliseconds (the clock convention of the whole worker). */
  exp: number;
}

/** A page's token lives 24 h: long enough to act on a page read the morning after, short enough to bound a leaked screenshot. */
export const ACTION_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

const PURPOSE = 'firebell action token v1';
const MAX_TOKEN_LENGTH = 1024;
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function actionKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey(
        'raw',
        encoder.encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const derived = await crypto.subtle.sign('HMAC', root, encoder.encode(PURPOSE));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
    })();
    keys.set(secret, key);
  }
  return key;
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Sign claims into a compact token. */
export async function signActionToken(secret: string, claims: ActionClaims): Promise<string> {
  const body: Record<string, unknown> = { u: claims.userId, i: claims.incidentId, e: claims.exp };
  if (claims.subscriptionId) body.s = claims.subscriptionId;
  const payload = base64url(encoder.encode(JSON.stringify(body)));
  const sig = await crypto.subtle.sign('HMAC', await actionKey(secret), encoder.encode(payload));
  return `${payload}.${base64url(new Uint8Array(sig))}`;
}

/** The claims of a genuine, unexpired token; null when it is forged, malformed or expired at `now` (epoch ms). */
export async function verifyActionToken(
  secret: string,
  token: string,
  now: number,
): Promise<ActionClaims | null> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const [payload, sig, ...rest] = token.split('.');
  if (!payload || !sig || rest.length) return null;
  const sigBytes = fromBase64url(sig);
  if (!sigBytes || sigBytes.byteLength !== 32) return null;
  // crypto.subtle.verify compares in constant time; check the signature before parsing anything.
  if (
    !(await crypto.subtle.verify(
      'HMAC',
      await actionKey(secret),
      sigBytes,
      encoder.encode(payload),
    ))
  )
    return null;
  const bytes = fromBase64url(payload);
  if (!bytes) return null;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { u, i, s, e } = body as Record<string, unknown>;
  if (
    typeof u !== 'string' ||
    typeof i !== 'string' ||
    typeof e !== 'number' ||
    (s !== undefined && typeof s !== 'string')
  )
    return null;
  if (!(now < e)) return null;
  return { userId: u, incidentId: i, exp: e, ...(s !== undefined ? { subscriptionId: s } : {}) };
}
