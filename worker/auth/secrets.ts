/** Hashing and comparing secrets: tokens are stored as keyed hashes, compared in constant time. */

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(secret, key);
  }
  return key;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Keyed hash of a token (the server secret is a pepper: a leaked table alone cannot be brute-forced offline). */
export async function hashSecret(pepper: string, token: string): Promise<string> {
  return hex(await crypto.subtle.sign('HMAC', await hmacKey(pepper), encoder.encode(token)));
}

/** Constant-time equality for two strings of any length (compared through fixed-length digests). */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db) && a.length === b.length;
}
