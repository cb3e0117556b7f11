/**
 * What a push subscription must look like before we store it or send to it.
 * Shared by the subscription routes and the sender, so both enforce the same rules.
 */
import { checkOutboundUrl, type OutboundEnv, type OutboundRule } from '../net/outbound';

export const MAX_ENDPOINT_LENGTH = 2048;

/**
 * The browsers' push services: a subscription endpoint is always on one of these. Anything else is a
 * server somebody wants Firebell to send requests to, which is not what a push subscription is for.
 */
export const PUSH_SERVICES: OutboundRule = {
  hosts: [
    'fcm.googleapis.com', // Chrome, Edge on Android, Opera, Samsung Internet, Brave
    'android.googleapis.com', // older Chrome subscriptions (GCM-era endpoints)
    '*.push.services.mozilla.com', // Firefox (autopush)
    '*.push.apple.com', // Safari on macOS and iOS
    '*.notify.windows.com', // Edge on Windows (WNS)
  ],
  hostsLabel:
    "a browser push service's URL (Google FCM, Mozilla, Apple or Windows) as PushManager.subscribe returned it",
};

/** Why `endpoint` is not acceptable, or null when it is. */
export function endpointProblem(endpoint: string, env: OutboundEnv): string | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH)
    return `must be at most ${MAX_ENDPOINT_LENGTH} characters`;
  const check = checkOutboundUrl(endpoint, env, PUSH_SERVICES);
  if (check.ok) return null;
  return check.problem === 'must be an https URL'
    ? 'must be an https URL (the push service URL your browser returned from PushManager.subscribe)'
    : check.problem;
}

/** Decode base64url (padding and standard alphabet tolerated, as browsers differ); null when it is not base64. */
export function decodeBase64url(text: string): Uint8Array | null {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(normal) || normal.length % 4 === 1) return null;
  try {
    return Uint8Array.from(atob(normal), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Why a p256dh key is wrong (must be an uncompressed P-256 point: 65 bytes starting 0x04), or null. */
export function p256dhProblem(key: string): string | null {
  const bytes = decodeBase64url(key);
  if (!bytes) return 'must be base64url';
  if (bytes.byteLength !== 65 || bytes[0] !== 0x04)
    return `must decode to a 65-byte uncompressed P-256 point starting 0x04 (got ${bytes.byteLength} bytes)`;
  return null;
}

/** Why an auth secret is wrong (must be 16 bytes, RFC 8291 §3.2), or null. */
export function authSecretProblem(key: string): string | null {
  const bytes = decodeBase64url(key);
  if (!bytes) return 'must be base64url';
  if (bytes.byteLength !== 16) return `must decode to 16 bytes (got ${bytes.byteLength})`;
  return null;
}
