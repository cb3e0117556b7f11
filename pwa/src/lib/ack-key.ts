/**
 * The Idempotency-Key of "acknowledge with this page's action token", shared by the service worker and
 * the page so that every attempt (a replay after a dropped network, a second tap) is the same request.
 * A hash, not the token: keys end up in logs and queues, the capability should not.
 */
export async function ackKey(token: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)),
  );
  return `ack:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
