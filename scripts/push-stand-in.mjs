/**
 * A push service on 127.0.0.1, playing the part FCM or Mozilla's autopush play in production, for the
 * local trial (`npm run demo`) and the end-to-end tests: it accepts `POST /push/<id>`, checks the VAPID
 * JWT (RFC 8292) the way a push service must, decrypts the aes128gcm body (RFC 8291) with the subscriber's
 * private key using the independent `http_ece` implementation, records when each request arrived, and answers 201.
 *
 * Firebell must run with ALLOW_INSECURE_PUSH=true: it then sends to `http://127.0.0.1:<port>/push/<id>` while
 * signing for the audience `https://127.0.0.1:<port>` (see worker/push/sender.ts).
 */
import { createECDH, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import ece from 'http_ece';

export class PushStandIn extends EventEmitter {
  /** Every message accepted, decrypted, in arrival order. */
  received = [];
  /** Requests refused, with why: any entry fails a test that checks `errors` is empty. */
  errors = [];
  #subscribers = new Map();
  #server;
  #vapidPublicKey;

  constructor(server, port, vapidPublicKey) {
    super();
    this.#server = server;
    this.port = port;
    this.#vapidPublicKey = vapidPublicKey;
  }

  /** Listen on a loopback port (0: any free one); JWTs must carry `vapidPublicKey` (the Firebell instance's). */
  static async start(vapidPublicKey, port = 0) {
    let standIn = null;
    const server = createServer((req, res) => void standIn?.#handle(req, res));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    standIn = new PushStandIn(server, server.address().port, vapidPublicKey);
    return standIn;
  }

  /** The VAPID public key a Firebell instance was started with (its dev.vars file). */
  static vapidKeyOf(devVarsPath) {
    const key = /VAPID_PUBLIC_KEY="([^"]+)"/.exec(readFileSync(devVarsPath, 'utf8'))?.[1];
    if (!key) throw new Error(`no VAPID_PUBLIC_KEY in ${devVarsPath}`);
    return key;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A new subscription at this push service: an ECDH P-256 key pair and a 16-byte auth secret, as a browser makes. */
  subscribe() {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    this.#subscribers.set(id, { ecdh, auth });
    return {
      id,
      endpoint: `${this.origin}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
    };
  }

  /** The first received message matching `match`, waiting up to `timeoutMs` for one to arrive. */
  next(match, what, timeoutMs = 15_000) {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onPush = (push) => {
        if (!match(push)) return;
        clearTimeout(timer);
        this.off('push', onPush);
        resolve(push);
      };
      const timer = setTimeout(() => {
        this.off('push', onPush);
        reject(
          new Error(
            `timed out waiting for ${what}${this.errors.length ? `; refused: ${this.errors.join('; ')}` : ''}`,
          ),
        );
      }, timeoutMs);
      this.on('push', onPush);
    });
  }

  async close() {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const arrivedAt = Date.now();
    const refuse = (status, why) => {
      this.errors.push(`${req.method} ${req.url}: ${why}`);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(why);
    };

    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const subscriber = id ? this.#subscribers.get(id) : undefined;
    if (req.method !== 'POST' || !id) return refuse(404, 'not a push endpoint');
    if (!subscriber) return refuse(410, 'no such subscription');

    const vapid = await this.#checkVapid(req.headers.authorization);
    if (vapid) return refuse(403, vapid);
    if (req.headers['content-encoding'] !== 'aes128gcm')
      return refuse(415, `content-encoding ${req.headers['content-encoding']} is not aes128gcm`);
    if (!req.headers.ttl) return refuse(400, 'missing TTL header');

    let text;
    try {
      text = Buffer.from(
        ece.decrypt(Buffer.concat(chunks), {
          version: 'aes128gcm',
          privateKey: subscriber.ecdh,
          authSecret: subscriber.auth,
        }),
      ).toString('utf8');
    } catch (err) {
      return refuse(400, `could not decrypt: ${String(err)}`);
    }
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      return refuse(400, 'decrypted body is not JSON');
    }
    const header = (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const push = {
      subscriptionId: id,
      arrivedAt,
      headers: { ttl: header('ttl'), urgency: header('urgency'), topic: header('topic') },
      text,
      payload,
    };
    this.received.push(push);
    res.writeHead(201, { location: `${this.origin}/message/${randomUUID()}` }).end();
    this.emit('push', push);
  }

  /** Why the `Authorization: vapid t=<jwt>, k=<key>` header is unacceptable, or null when it checks out. */
  async #checkVapid(authorization) {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match?.[1] || !match[2]) return `not a VAPID Authorization header: ${authorization}`;
    const [jwt, k] = [match[1], match[2]];
    if (k !== this.#vapidPublicKey)
      return 'k= is not the VAPID public key this Firebell instance was configured with';
    const [h, c, s] = jwt.split('.');
    if (!h || !c || !s) return 'malformed JWT';
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (header.alg !== 'ES256') return `JWT alg ${String(header.alg)} is not ES256`;
    const key = await webcrypto.subtle.importKey(
      'raw',
      Buffer.from(k, 'base64url'),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const ok = await webcrypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      Buffer.from(s, 'base64url'),
      new TextEncoder().encode(`${h}.${c}`),
    );
    if (!ok) return 'JWT signature does not verify against k=';
    const audience = `https://127.0.0.1:${this.port}`;
    if (claims.aud !== audience) return `JWT aud ${String(claims.aud)} is not ${audience}`;
    const nowSec = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec || claims.exp > nowSec + 24 * 3600)
      return `JWT exp ${String(claims.exp)} is not within the next 24 hours`;
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
      return `JWT sub ${String(claims.sub)} is not a mailto: or https: contact`;
    return null;
  }
}
