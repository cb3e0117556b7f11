/** Test-side Web Push parties: a VAPID key pair, a subscribing browser, and a push-service transport that records requests. */
import { createECDH } from 'node:crypto';
import ece from 'http_ece';
import type { Transport } from '../../worker/push/sender';

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url');
const fromB64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

/** A fresh VAPID key pair in the form the Worker's env holds it (as scripts/setup.mjs makes it). */
export async function vapidKeys(): Promise<{
  VAPID_PUBLIC_KEY: string;
  VAPID_PRIVATE_KEY: string;
  VAPID_SUBJECT: string;
}> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = (await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return {
    VAPID_PUBLIC_KEY: b64url(raw),
    VAPID_PRIVATE_KEY: jwk.d ?? '',
    VAPID_SUBJECT: 'mailto:oncall@firebell.test',
  };
}

/** A browser's push subscription: an ECDH P-256 key pair made with WebCrypto and a random 16-byte auth secret. */
export interface Subscriber {
  p256dh: string;
  auth: string;
  /** Decrypt an aes128gcm body with the independent http_ece implementation, as the browser would. */
  decrypt(body: Uint8Array): string;
}

export async function subscriber(): Promise<Subscriber> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const auth = b64url(crypto.getRandomValues(new Uint8Array(16)));
  // http_ece wants a node ECDH object holding the receiver's private key.
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(fromB64url(jwk.d ?? ''));
  return {
    p256dh: b64url(raw),
    auth,
    decrypt: (body) =>
      Buffer.from(
        ece.decrypt(Buffer.from(body), {
          version: 'aes128gcm',
          privateKey: ecdh,
          authSecret: auth,
        }),
      ).toString('utf8'),
  };
}

export interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array;
}

/** A push service stand-in: records each request and answers with the next scripted response (then the last one again). */
export function pushService(
  ...answers: (
    number | { status: number; headers?: Record<string, string>; body?: string } | 'network-error'
  )[]
): { transport: Transport; requests: Captured[] } {
  const requests: Captured[] = [];
  let i = 0;
  const transport: Transport = async (request) => {
    requests.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    });
    const answer = answers[Math.min(i++, answers.length - 1)] ?? 201;
    if (answer === 'network-error') throw new TypeError('Network connection lost.');
    const { status, headers, body } =
      typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
    return new Response(body ?? null, { status, headers });
  };
  return { transport, requests };
}

/** The JWT and key from `Authorization: vapid t=<jwt>, k=<key>`, with the JWT's parts decoded. */
export function parseVapid(authorization: string | null): {
  jwt: string;
  k: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const match = /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(authorization ?? '');
  if (!match?.[1] || !match[2])
    throw new Error(`not a vapid Authorization header: ${authorization}`);
  const [h = '', c = ''] = match[1].split('.');
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { jwt: match[1], k: match[2], header: decode(h), claims: decode(c) };
}

/** Verify an ES256 JWT against a raw base64url P-256 public key, independently of the sender library. */
export async function verifyEs256(jwt: string, publicKey: string): Promise<boolean> {
  const [h, c, s] = jwt.split('.');
  if (!h || !c || !s) return false;
  const key = await crypto.subtle.importKey(
    'raw',
    fromB64url(publicKey),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    fromB64url(s),
    new TextEncoder().encode(`${h}.${c}`),
  );
}
