/**
 * Standard Webhooks signatures with WebCrypto: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the
 * secret's bytes (the `whsec_` prefix removed, base64-decoded), the same as the `standardwebhooks` package's
 * Webhook.sign, whose pure-JS SHA-256 cost about a millisecond per delivery. Keys are imported once per isolate.
 */
const keys = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    // A rotated-out secret stops being asked for; the map only needs to stay bounded.
    if (keys.size >= 1_000) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** The `webhook-signature` header value: one `v1,` signature per secret, space-separated. */
export async function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const data = encoder.encode(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret), data));
      let bin = '';
      for (const b of mac) bin += String.fromCharCode(b);
      return `v1,${btoa(bin)}`;
    }),
  );
  return signatures.join(' ');
}
