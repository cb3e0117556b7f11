/**
 * A push service on 127.0.0.1 for end-to-end tests, playing the part FCM or Mozilla's autopush play in
 * production: it accepts `POST /push/<id>`, checks the VAPID JWT (RFC 8292) the way a push service must,
 * decrypts the aes128gcm body (RFC 8291) with the subscriber's private key using the independent
 * `http_ece` implementation, records when each request arrived, and answers 201.
 *
 * Firebell runs with ALLOW_INSECURE_PUSH=true, so it sends to `http://127.0.0.1:<port>/push/<id>` while
 * signing for the audience `https://127.0.0.1:<port>` (see worker/push/sender.ts).
 */
import { createECDH, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import type { Browser, Worker } from 'playwright-core';
import type { PagePayload } from '../../worker/push/payload';
import { afterAll, beforeAll } from 'vitest';
import { ServiceWorkerDevtools, firebellInChromium, serviceWorkerActivated, signInThroughInvite, type SignedIn } from './browser';
import { until, type Firebell } from './harness';

/** firebellInChromium with insecure push allowed, plus a push-service stand-in that checks this Firebell's VAPID key. */
export function pagingStand(): { readonly fb: Firebell; readonly browser: Browser; readonly standIn: PushStandIn } {
  const stand = firebellInChromium({ ALLOW_INSECURE_PUSH: 'true' }) as { fb: Firebell; browser: Browser; standIn: PushStandIn };
  // Hooks run in order: Firebell is up (and its VAPID key known) by now.
  beforeAll(async () => {
    stand.standIn = await PushStandIn.start(PushStandIn.vapidKeyOf(stand.fb.devVars));
  });
  afterAll(async () => {
    await stand.standIn?.close();
  });
  return stand;
}

/** One push request as the stand-in received it. */
export interface ReceivedPush {
  subscriptionId: string;
  /** Date.now() when the request's body had fully arrived. */
  arrivedAt: number;
  headers: { ttl: string | undefined; urgency: string | undefined; topic: string | undefined };
  /** The decrypted body, exactly as the browser's service worker would be handed it. */
  text: string;
  payload: PagePayload;
}

/** A subscription the test holds the private half of; register `toJSON()` through the API. */
export interface StandInSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Subscriber {
  ecdh: ReturnType<typeof createECDH>;
  auth: string;
}

export class PushStandIn {
  readonly received: ReceivedPush[] = [];
  /** Requests refused, with why: any entry fails a test that checks `errors` is empty. */
  readonly errors: string[] = [];
  private readonly subscribers = new Map<string, Subscriber>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The VAPID public key every JWT must be signed with. */
    private readonly vapidPublicKey: string,
  ) {}

  /** Listen on a random loopback port; JWTs must carry `vapidPublicKey` (the Firebell instance's, from its dev.vars). */
  static async start(vapidPublicKey: string): Promise<PushStandIn> {
    let standIn: PushStandIn | null = null;
    const server = createServer((req, res) => void standIn?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn = new PushStandIn(server, (server.address() as AddressInfo).port, vapidPublicKey);
    return standIn;
  }

  /** The VAPID public key a Firebell instance was started with (its dev.vars file). */
  static vapidKeyOf(devVarsPath: string): string {
    const key = /VAPID_PUBLIC_KEY="([^"]+)"/.exec(readFileSync(devVarsPath, 'utf8'))?.[1];
    if (!key) throw new Error(`no VAPID_PUBLIC_KEY in ${devVarsPath}`);
    return key;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A new subscription at this push service: an ECDH P-256 key pair and a 16-byte auth secret, as a browser makes. */
  subscribe(): StandInSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    this.subscribers.set(id, { ecdh, auth });
    return { id, endpoint: `${this.origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
  }

  /** The first received message matching `match`, waiting up to `timeoutMs` for it. */
  next(match: (push: ReceivedPush) => boolean, what: string, timeoutMs = 15_000): Promise<ReceivedPush> {
    return until(() => this.received.find(match), what, timeoutMs, 5);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const arrivedAt = Date.now();
    const refuse = (status: number, why: string) => {
      this.errors.push(`${req.method} ${req.url}: ${why}`);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(why);
    };

    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const subscriber = id ? this.subscribers.get(id) : undefined;
    if (req.method !== 'POST' || !id) return refuse(404, 'not a push endpoint');
    if (!subscriber) return refuse(410, 'no such subscription');

    const vapid = await this.checkVapid(req.headers.authorization);
    if (vapid) return refuse(403, vapid);
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, `content-encoding ${req.headers['content-encoding']} is not aes128gcm`);
    if (!req.headers.ttl) return refuse(400, 'missing TTL header');

    let text: string;
    try {
      text = Buffer.from(ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: subscriber.ecdh, authSecret: subscriber.auth })).toString('utf8');
    } catch (err) {
      return refuse(400, `could not decrypt: ${String(err)}`);
    }
    let payload: PagePayload;
    try {
      payload = JSON.parse(text) as PagePayload;
    } catch {
      return refuse(400, 'decrypted body is not JSON');
    }
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    this.received.push({ subscriptionId: id, arrivedAt, headers: { ttl: header('ttl'), urgency: header('urgency'), topic: header('topic') }, text, payload });
    res.writeHead(201, { location: `${this.origin}/message/${randomUUID()}` }).end();
  }

  /** Why the `Authorization: vapid t=<jwt>, k=<key>` header is unacceptable, or null when it checks out. */
  private async checkVapid(authorization: string | undefined): Promise<string | null> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match?.[1] || !match[2]) return `not a VAPID Authorization header: ${authorization}`;
    const [jwt, k] = [match[1], match[2]];
    if (k !== this.vapidPublicKey) return 'k= is not the VAPID public key this Firebell instance was configured with';
    const [h, c, s] = jwt.split('.');
    if (!h || !c || !s) return 'malformed JWT';
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'ES256') return `JWT alg ${String(header.alg)} is not ES256`;
    const key = await webcrypto.subtle.importKey('raw', Buffer.from(k, 'base64url'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ok = await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(s, 'base64url'), new TextEncoder().encode(`${h}.${c}`));
    if (!ok) return 'JWT signature does not verify against k=';
    const audience = `https://127.0.0.1:${this.port}`;
    if (claims.aud !== audience) return `JWT aud ${String(claims.aud)} is not ${audience}`;
    const nowSec = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec || claims.exp > nowSec + 24 * 3600) return `JWT exp ${String(claims.exp)} is not within the next 24 hours`;
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return `JWT sub ${String(claims.sub)} is not a mailto: or https: contact`;
    return null;
  }
}

/** A signed-in responder whose phone is subscribed at the stand-in, with CDP access to its service worker. */
export interface PagedResponder extends SignedIn {
  devtools: ServiceWorkerDevtools;
  subscription: StandInSubscription;
  sw: Worker;
}

/** Sign `name` in on a phone and register a stand-in subscription for them through the API, with the app's own session. */
export async function pagedResponder(fb: Firebell, browser: Browser, standIn: PushStandIn, name: string): Promise<PagedResponder> {
  const signedIn = await signInThroughInvite(fb, browser, name);
  const sw = await serviceWorkerActivated(signedIn.page);
  const devtools = await ServiceWorkerDevtools.attach(signedIn.page, fb.origin);
  // The browser's own PushManager.subscribe never settles headless, so the test subscribes at the stand-in
  // (it holds the private key) and registers that subscription exactly as the Settings page would.
  const subscription = standIn.subscribe();
  const status = await signedIn.page.evaluate(
    async (body) => (await fetch('/api/push/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
    { endpoint: subscription.endpoint, keys: subscription.keys, label: `${name}'s phone` },
  );
  if (status !== 201) throw new Error(`registering the stand-in subscription answered ${status}`);
  return { ...signedIn, sw, devtools, subscription };
}
