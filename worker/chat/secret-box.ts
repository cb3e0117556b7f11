/**
 * Secrets Firebell must use in clear (a Slack bot token, a signing secret) but should not keep in clear:
 * AES-GCM with a key derived (HKDF) from SESSION_SECRET, so a copy of D1 alone does not reveal them.
 * Stored as "v1." + base64url(iv ‖ ciphertext).
 */
import { base64url } from '../ids';

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          {
            name: 'HKDF',
            hash: 'SHA-256',
            salt: new Uint8Array(0),
            info: encoder.encode('firebell chat secrets v1'),
          },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    keys.set(secret, key);
  }
  return key;
}

function fromBase64url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Encrypt `plain` under the deployment's SESSION_SECRET. */
export async function seal(sessionSecret: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      await keyFor(sessionSecret),
      encoder.encode(plain),
    ),
  );
  const all = new Uint8Array(iv.byteLength + sealed.byteLength);
  all.set(iv);
  all.set(sealed, iv.byteLength);
  return `v1.${base64url(all)}`;
}

/** Decrypt what seal() made; throws when SESSION_SECRET changed or the text was altered. */
export async function open(sessionSecret: string, sealed: string): Promise<string> {
  const all = fromBase64url(sealed.replace(/^v1\./, ''));
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: all.subarray(0, 12) },
    await keyFor(sessionSecret),
    all.subarray(12),
  );
  return new TextDecoder().decode(plain);
}
