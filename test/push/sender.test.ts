import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildPagePayload,
  PAGE_TTL_SECONDS,
  pageOptions,
  parseRetryAfter,
  sendPage,
  topicFor,
  type PagePayload,
} from '../../worker/push/sender';
import { testIncident } from '../../worker/push/payload';
import { REFRESH_BEFORE_EXPIRY_MS, vapidAuthorization } from '../../worker/push/vapid';
import { pagePayloadSchema } from '../../schema/push-schemas';
import {
  parseVapid,
  pushService,
  subscriber,
  vapidKeys,
  verifyEs256,
  type Subscriber,
} from './fixtures';

let vapid: Awaited<ReturnType<typeof vapidKeys>>;
let phone: Subscriber;
const incident = {
  id: 'inc_0123456789abcdefghjk',
  number: 42,
  title: 'Checkout is down',
  serviceName: 'checkout',
  severity: 'critical' as const,
  alertCount: 3,
};

beforeAll(async () => {
  vapid = await vapidKeys();
  phone = await subscriber();
});

const device = (endpoint = 'https://fcm.googleapis.com/fcm/send/abc123') => ({
  id: 'psb_test',
  endpoint,
  p256dh: phone.p256dh,
  auth: phone.auth,
});
const page = (): PagePayload =>
  buildPagePayload({ incident, actionToken: 'token-for-test', sentAt: 1_700_000_000_000 });

describe('sending a page', () => {
  it('encrypts the page so that an independent aes128gcm decryptor (http_ece) recovers the payload JSON', async () => {
    const push = pushService(201);
    const outcome = await sendPage(
      vapid,
      device(),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    expect(outcome).toEqual({ kind: 'sent', status: 201 });
    const [req] = push.requests;
    expect(req?.headers.get('content-encoding')).toBe('aes128gcm');
    expect(req?.method).toBe('POST');
    const decrypted = JSON.parse(phone.decrypt(req?.body ?? new Uint8Array()));
    expect(decrypted).toEqual(page());
    expect(decrypted).toMatchObject({
      kind: 'page',
      number: 42,
      title: 'Checkout is down',
      service: 'checkout',
      severity: 'critical',
      alertCount: 3,
      url: `/incidents/${incident.id}`,
    });
  });

  it('builds incident pages and test pages in exactly the shape the service worker reads (schema/push-schemas.ts)', () => {
    const testPage = buildPagePayload({
      kind: 'test',
      incident: testIncident(),
      actionToken: 'token-for-test',
      sentAt: 1_700_000_000_000,
    });
    for (const payload of [page(), testPage]) {
      const onThePhone: unknown = JSON.parse(JSON.stringify(payload));
      expect(pagePayloadSchema.strict().safeParse(onThePhone).error?.issues).toBeUndefined();
    }
    expect(pagePayloadSchema.safeParse({ ...page(), kind: 'digest' }).success).toBe(false);
  });

  it('signs a VAPID JWT that verifies with ES256 against VAPID_PUBLIC_KEY, for the endpoint origin, expiring within 24 hours', async () => {
    const push = pushService(201);
    const before = Math.floor(Date.now() / 1000);
    await sendPage(
      vapid,
      device('https://fcm.googleapis.com:8443/fcm/send/xyz'),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    const auth = parseVapid(push.requests[0]?.headers.get('authorization') ?? null);
    expect(auth.k).toBe(vapid.VAPID_PUBLIC_KEY);
    expect(auth.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(await verifyEs256(auth.jwt, vapid.VAPID_PUBLIC_KEY)).toBe(true);
    expect(await verifyEs256(auth.jwt, (await vapidKeys()).VAPID_PUBLIC_KEY)).toBe(false);
    expect(auth.claims.aud).toBe('https://fcm.googleapis.com:8443');
    expect(auth.claims.sub).toBe(vapid.VAPID_SUBJECT);
    expect(auth.claims.exp).toBeGreaterThan(before);
    expect(auth.claims.exp).toBeLessThanOrEqual(before + 24 * 3600 + 5);
  });

  it('reuses one VAPID JWT per push service until an hour before it expires, and encrypts every message with its own key pair and salt', async () => {
    const push = pushService(201);
    const opts = await pageOptions(incident.id);
    const other = device('https://updates.push.services.mozilla.com/wpush/v2/abc');
    for (const to of [device(), device(), other])
      await sendPage(vapid, to, page(), opts, push.transport);
    const [a, b, c] = push.requests.map((r) => parseVapid(r.headers.get('authorization')));
    expect(b?.jwt).toBe(a?.jwt);
    expect(c?.jwt).not.toBe(a?.jwt);
    expect(c?.claims.aud).toBe('https://updates.push.services.mozilla.com');
    // RFC 8188 header: a 16-byte salt, then (after the record size and key id length) the sender's ECDH public key.
    const [first, second] = push.requests.map((r) => r.body);
    expect(first?.slice(0, 16)).not.toEqual(second?.slice(0, 16));
    expect(first?.slice(21, 86)).not.toEqual(second?.slice(21, 86));
    expect(JSON.parse(phone.decrypt(second ?? new Uint8Array()))).toEqual(page());
    // From an hour before the token's own expiry, it is signed afresh.
    const keys = {
      subject: vapid.VAPID_SUBJECT,
      publicKey: vapid.VAPID_PUBLIC_KEY,
      privateKey: vapid.VAPID_PRIVATE_KEY,
    };
    const refreshAt = Number(a?.claims.exp) * 1000 - REFRESH_BEFORE_EXPIRY_MS;
    expect(await vapidAuthorization(keys, device().endpoint, refreshAt - 1)).toContain(a?.jwt);
    const renewed = await vapidAuthorization(keys, device().endpoint, refreshAt);
    expect(renewed).not.toContain(a?.jwt);
    expect(await verifyEs256(parseVapid(renewed).jwt, vapid.VAPID_PUBLIC_KEY)).toBe(true);
  });

  it('marks a page high urgency with a one-hour TTL and a per-incident Topic of at most 32 base64url characters', async () => {
    const push = pushService(201);
    await sendPage(vapid, device(), page(), await pageOptions(incident.id), push.transport);
    const headers = push.requests[0]?.headers;
    expect(headers?.get('urgency')).toBe('high');
    expect(headers?.get('ttl')).toBe(String(PAGE_TTL_SECONDS));
    expect(PAGE_TTL_SECONDS).toBe(3600);
    const topic = headers?.get('topic') ?? '';
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(topic).toBe(await topicFor(incident.id));
    expect(await topicFor('inc_other')).not.toBe(topic);
  });

  it('keeps a page for a very long title well under 3 KB and still decryptable', async () => {
    const push = pushService(201);
    const long = buildPagePayload({
      incident: { ...incident, title: '🔥'.repeat(1000), serviceName: '🧯'.repeat(500) },
      actionToken: 'a'.repeat(200),
      sentAt: 0,
    });
    expect(new TextEncoder().encode(JSON.stringify(long)).byteLength).toBeLessThan(2048);
    expect(
      await sendPage(vapid, device(), long, await pageOptions(incident.id), push.transport),
    ).toEqual({ kind: 'sent', status: 201 });
    expect(JSON.parse(phone.decrypt(push.requests[0]?.body ?? new Uint8Array())).title).toMatch(
      /^(?:🔥)+…$/u,
    );
  });
});

describe("honouring the push service's answer", () => {
  const send = async (...answers: Parameters<typeof pushService>) =>
    sendPage(
      vapid,
      device(),
      page(),
      await pageOptions(incident.id),
      pushService(...answers).transport,
    );

  it('treats 201 and 202 as sent', async () => {
    expect(await send(201)).toEqual({ kind: 'sent', status: 201 });
    expect(await send(202)).toEqual({ kind: 'sent', status: 202 });
  });

  it('treats 404 and 410 as a device that is gone', async () => {
    expect(await send(410)).toEqual({ kind: 'gone', status: 410 });
    expect(await send(404)).toEqual({ kind: 'gone', status: 404 });
  });

  it('retries 429 after the Retry-After the push service asked for, in seconds or as a date', async () => {
    expect(await send({ status: 429, headers: { 'retry-after': '30' } })).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 30_000,
    });
    expect(
      parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:00 GMT')),
    ).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('retries 5xx answers and network failures', async () => {
    expect(await send(503)).toEqual({ kind: 'retry', status: 503 });
    expect(await send(500)).toEqual({ kind: 'retry', status: 500 });
    expect(await send('network-error')).toEqual({ kind: 'retry', status: 0 });
  });

  it('rejects on 413 (our bug: the page was too big) and on other 4xx or a redirect, in its own words and never the push service’s', async () => {
    const secret = '<html>internal admin console: root password hunter2</html>';
    expect(await send({ status: 413, body: secret })).toEqual({
      kind: 'rejected',
      status: 413,
      detail: 'page too large',
    });
    expect(await send({ status: 400, body: secret })).toEqual({
      kind: 'rejected',
      status: 400,
      detail: 'request not accepted',
    });
    expect(await send({ status: 403, body: secret })).toEqual({
      kind: 'rejected',
      status: 403,
      detail: 'VAPID signature not accepted',
    });
    expect(
      await send({ status: 302, headers: { location: 'http://169.254.169.254/' }, body: secret }),
    ).toEqual({
      kind: 'rejected',
      status: 302,
      detail: 'a redirect, which Firebell does not follow',
    });
  });

  it('rejects without sending when the VAPID keys are not configured', async () => {
    const push = pushService(201);
    const outcome = await sendPage(
      {},
      device(),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    expect(outcome).toMatchObject({
      kind: 'rejected',
      status: 0,
      detail: expect.stringContaining('not configured'),
    });
    expect(push.requests).toHaveLength(0);
  });
});

describe('the insecure loopback push service for tests and local trials', () => {
  it('refuses an http://127.0.0.1 endpoint unless ALLOW_INSECURE_PUSH is "true"', async () => {
    const push = pushService(201);
    const outcome = await sendPage(
      { ...vapid, ALLOW_INSECURE_PUSH: 'false' },
      device('http://127.0.0.1:9876/push/1'),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    expect(outcome).toMatchObject({
      kind: 'rejected',
      status: 0,
      detail: expect.stringContaining('https'),
    });
    expect(push.requests).toHaveLength(0);
  });

  it('with ALLOW_INSECURE_PUSH sends to the http URL with a JWT whose audience is the same origin over https', async () => {
    const push = pushService(201);
    const outcome = await sendPage(
      { ...vapid, ALLOW_INSECURE_PUSH: 'true' },
      device('http://127.0.0.1:9876/push/1'),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    expect(outcome).toEqual({ kind: 'sent', status: 201 });
    expect(push.requests[0]?.url).toBe('http://127.0.0.1:9876/push/1');
    const auth = parseVapid(push.requests[0]?.headers.get('authorization') ?? null);
    expect(auth.claims.aud).toBe('https://127.0.0.1:9876');
    expect(await verifyEs256(auth.jwt, vapid.VAPID_PUBLIC_KEY)).toBe(true);
    expect(JSON.parse(phone.decrypt(push.requests[0]?.body ?? new Uint8Array())).incidentId).toBe(
      incident.id,
    );
  });

  it('never extends the exception to other http hosts', async () => {
    const push = pushService(201);
    const outcome = await sendPage(
      { ...vapid, ALLOW_INSECURE_PUSH: 'true' },
      device('http://push.example.test/push/1'),
      page(),
      await pageOptions(incident.id),
      push.transport,
    );
    expect(outcome.kind).toBe('rejected');
    expect(push.requests).toHaveLength(0);
    expect(env.ALLOW_INSECURE_PUSH).toBeUndefined();
  });
});
