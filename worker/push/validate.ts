/**
 * What a push subscription must look like before we store it or send to it.
 * Shared by the subscription routes and the sender, so both enforce the same rules.
 */
import type { Env } from '../env';

export const MAX_ENDPOINT_LENGTH = 2048;

/**
 * True when this deployment accepts `http://127.0.0.1:<port>` push endpoints.
 * UNSAFE for production: pages would travel to a local stand-in over plain http. It exists only
 * so tests and local trials can run a push-service stand-in on loopback. Off unless exactly 'true'.
 */
export function insecurePushAllowed(env: Pick<Env, 'ALLOW_INSECURE_PUSH'>): boolean {
  return env.ALLOW_INSECURE_PUSH === 'true';
}

/** An http endpoint on 127.0.0.1 (the only insecure form ever allowed, and only with ALLOW_INSECURE_PUSH). */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

/** Why `endpoint` is not acceptable, or null when it is. */
export function endpointProblem(endpoint: string, env: Pick<Env, 'ALLOW_INSECURE_PUSH'>): string | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return `must be at most ${MAX_ENDPOINT_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return null;
  if (isLoopbackHttp(url) && insecurePushAllowed(env)) return null;
  return 'must be an https URL (the push service URL your browser returned from PushManager.subscribe)';
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
  if (bytes.byteLength !== 65 || bytes[0] !== 0x04) return `must decode to a 65-byte uncompressed P-256 point starting 0x04 (got ${bytes.byteLength} bytes)`;
  return null;
}

/** Why an auth secret is wrong (must be 16 bytes, RFC 8291 §3.2), or null. */
export function authSecretProblem(key: string): string | null {
  const bytes = decodeBase64url(key);
  if (!bytes) return 'must be base64url';
  if (bytes.byteLength !== 16) return `must decode to 16 bytes (got ${bytes.byteLength})`;
  return null;
}
