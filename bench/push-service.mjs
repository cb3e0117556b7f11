/**
 * A Web Push service stand-in on 127.0.0.1: answers 201 Created, records when each request arrived,
 * and can prove a message is real: verify the VAPID JWT (ES256) and decrypt the body with http_ece (RFC 8188 aes128gcm),
 * an implementation independent of the sender's.
 */
import { createECDH, randomBytes, webcrypto } from 'node:crypto';
import http from 'node:http';
import ece from 'http_ece';
import { now } from './lib.mjs';

/** Give `user` (from fb.user) a phone at the stand-in `push`; returns its keys, to decrypt what it is sent. */
export async function addPhone(fb, user, push) {
  const keys = subscriberKeys();
  await fb.must('/api/push/subscriptions', {
    body: {
      endpoint: `${push.origin}/push/${user.id}`,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
      label: 'bench phone',
    },
    headers: { authorization: `Bearer ${user.token}` },
  });
  return keys;
}

/** A browser's side of a subscription: a P-256 key pair and a 16-byte auth secret. */
export function subscriberKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth,
    decrypt: (body) =>
      Buffer.from(
        ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }),
      ).toString('utf8'),
  };
}

export async function startPushService() {
  const received = [];
  const server = http.createServer((req, res) => {
    const arrivedAt = now();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({
        arrivedAt,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(201, { location: `${req.url}/msg-${received.length}` });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** Verify `Authorization: vapid t=<jwt>, k=<key>` against the server's VAPID public key and the expected audience. */
export async function verifyVapid(authorization, publicKey, audience) {
  const match = /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(authorization ?? '');
  if (!match) return { ok: false, why: `not a vapid Authorization header: ${authorization}` };
  const [jwt, k] = [match[1], match[2]];
  if (k !== publicKey) return { ok: false, why: 'k is not the server VAPID key' };
  const [h, c, s] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
  const key = await webcrypto.subtle.importKey(
    'raw',
    Buffer.from(publicKey, 'base64url'),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const valid = await webcrypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    Buffer.from(s, 'base64url'),
    new TextEncoder().encode(`${h}.${c}`),
  );
  if (!valid) return { ok: false, why: 'bad ES256 signature' };
  if (claims.aud !== audience) return { ok: false, why: `aud ${claims.aud} ≠ ${audience}` };
  return { ok: true, claims };
}
