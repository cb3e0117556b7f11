import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../worker/clock';
import { enqueueWebhook, MAX_RETRY_MS } from '../../worker/webhooks/queue';
import type { WebhookDelivery, WebhookSubscription } from '../../schema/webhook-schemas';
import { ADMIN, api, json } from '../helpers';
import { event, fireQueue, queueOf, receiver, subscribe } from './receiver';

// Time moves only when a test says so. It starts a year ahead, so every alarm the queue sets lies in the real
// future and never fires by itself: each delivery attempt is one fireQueue, as the runtime would run it when due.
let t = Date.now() + 365 * 24 * 3600_000;
let restore: () => void;
beforeAll(() => {
  env.ALLOW_INSECURE_OUTBOUND = 'true';
  restore = setClock(() => t);
});
afterAll(() => restore());

/** Move the clock to the head event's due time and run the queue's alarm. */
async function attemptNext(id: string): Promise<void> {
  const [head] = await queueOf(id).pending();
  if (head) t = Math.max(t, head.nextAt);
  expect(await fireQueue(id)).toBe(true);
}

const log = async (id: string) =>
  json<{ deliveries: WebhookDelivery[]; pending: { id: string }[] }>(
    api(`/api/webhooks/${id}/deliveries`, { headers: ADMIN }),
    200,
  );

describe('retries', () => {
  it('delivers an event answered 500, 500, then 200 three times with the same webhook-id, backing off in between', async () => {
    const r = await receiver([{ status: 500 }, { status: 500, body: 'still down' }]);
    const { webhook } = await subscribe(r.url);
    const sent = event();
    await enqueueWebhook(env, webhook.id, sent);
    await attemptNext(webhook.id);
    const firstRetry = (await queueOf(webhook.id).pending())[0]!.nextAt - t;
    expect(firstRetry).toBeGreaterThanOrEqual(5_000);
    // Not due yet: the alarm finds nothing to send.
    await fireQueue(webhook.id);
    expect(await r.received()).toHaveLength(1);
    await attemptNext(webhook.id);
    const secondRetry = (await queueOf(webhook.id).pending())[0]!.nextAt - t;
    await attemptNext(webhook.id);
    const got = await r.received();
    expect(got.map((g) => g.headers['webhook-id'])).toEqual([sent.id, sent.id, sent.id]);
    expect(secondRetry).toBeGreaterThanOrEqual(10_000);
    const { deliveries, pending } = await log(webhook.id);
    expect(pending).toEqual([]);
    expect(deliveries.map((d) => [d.status, d.outcome, d.attempt])).toEqual([
      [200, 'delivered', 3],
      [500, 'retrying', 2],
      [500, 'retrying', 1],
    ]);
    expect(deliveries[1]!.response).toBe('still down');
  });

  it('treats 410 and 400 as final: logged once, never retried, and the next event goes', async () => {
    const r = await receiver([
      { status: 410, body: 'gone' },
      { status: 400, body: 'bad' },
    ]);
    const { webhook } = await subscribe(r.url);
    await enqueueWebhook(env, webhook.id, event(1));
    await enqueueWebhook(env, webhook.id, event(2));
    await enqueueWebhook(env, webhook.id, event(3));
    await attemptNext(webhook.id);
    expect(await r.received()).toHaveLength(3);
    const { deliveries, pending } = await log(webhook.id);
    expect(pending).toEqual([]);
    expect(deliveries.map((d) => [d.status, d.outcome, d.response])).toEqual([
      [200, 'delivered', 'ok'],
      [400, 'failed', 'bad'],
      [410, 'failed', 'gone'],
    ]);
  });

  it('retries 408, 429 and a dropped connection, and waits as long as Retry-After asks', async () => {
    const r = await receiver([
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 408 },
      { drop: true },
    ]);
    const { webhook } = await subscribe(r.url);
    await enqueueWebhook(env, webhook.id, event());
    await attemptNext(webhook.id);
    expect((await queueOf(webhook.id).pending())[0]!.nextAt - t).toBe(120_000);
    await attemptNext(webhook.id);
    await attemptNext(webhook.id);
    await attemptNext(webhook.id);
    const { deliveries } = await log(webhook.id);
    expect(deliveries.map((d) => [d.status, d.outcome])).toEqual([
      [200, 'delivered'],
      [null, 'retrying'],
      [408, 'retrying'],
      [429, 'retrying'],
    ]);
    expect(deliveries[1]!.response).toMatch(/^Connection failed/);
  });

  it('keeps the order events were enqueued in, holding later ones behind a retry', async () => {
    const r = await receiver([{ status: 503 }]);
    const { webhook } = await subscribe(r.url);
    const sent = [event(7), event(7, { type: 'incident.acknowledged' }), event(8)];
    for (const e of sent) await enqueueWebhook(env, webhook.id, e);
    await attemptNext(webhook.id);
    expect(await r.received()).toHaveLength(1);
    await attemptNext(webhook.id);
    const ids = (await r.received()).map((g) => g.headers['webhook-id']);
    expect(ids).toEqual([sent[0]!.id, sent[0]!.id, sent[1]!.id, sent[2]!.id]);
  });

  it('sends each event once when its delivery is written only with the next enqueue, and logs both in order', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    const [a, b] = [event(9), event(9, { type: 'incident.acknowledged' })];
    await enqueueWebhook(env, webhook.id, a);
    expect(await fireQueue(webhook.id)).toBe(true);
    await enqueueWebhook(env, webhook.id, b);
    expect(await fireQueue(webhook.id)).toBe(true);
    expect(await fireQueue(webhook.id)).toBe(false); // nothing left to send: no alarm
    expect((await r.received()).map((g) => g.headers['webhook-id'])).toEqual([a.id, b.id]);
    const { deliveries, pending } = await log(webhook.id);
    expect(pending).toEqual([]);
    expect(deliveries.map((d) => [d.eventId, d.outcome, d.attempt])).toEqual([
      [b.id, 'delivered', 1],
      [a.id, 'delivered', 1],
    ]);
  });

  it("sends the incident's hand-over at once to an idle queue, writing no queue row, and drops a repeat", async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    const sent = event(21);
    expect(await queueOf(webhook.id).deliverMany([sent], webhook.id)).toBe(true);
    expect((await r.received()).map((g) => g.headers['webhook-id'])).toEqual([sent.id]);
    expect(await fireQueue(webhook.id)).toBe(false); // no alarm was needed
    // A hand-over again (the incident restarted before it let the event go) is not sent twice.
    expect(await queueOf(webhook.id).deliverMany([sent], webhook.id)).toBe(true);
    expect(await r.received()).toHaveLength(1);
    const { deliveries, pending } = await log(webhook.id);
    expect(pending).toEqual([]);
    expect(deliveries.map((d) => [d.eventId, d.outcome, d.attempt])).toEqual([
      [sent.id, 'delivered', 1],
    ]);
  });

  it('writes a hand-over answered 503 as a retry, holds the next one behind it, and delivers both in order', async () => {
    const r = await receiver([{ status: 503 }]);
    const { webhook } = await subscribe(r.url);
    const [a, b] = [event(22), event(22, { type: 'incident.acknowledged' })];
    expect(await queueOf(webhook.id).deliverMany([a], webhook.id)).toBe(true);
    const [waiting] = await queueOf(webhook.id).pending();
    expect(waiting).toMatchObject({ id: a.id, attempts: 1 });
    expect(waiting!.nextAt - t).toBeGreaterThanOrEqual(5_000);
    // The retry is in storage with its alarm (a restart resumes it); the next hand-over waits behind it.
    expect(await queueOf(webhook.id).deliverMany([a, b], webhook.id)).toBe(true);
    expect((await queueOf(webhook.id).pending()).map((p) => p.id)).toEqual([a.id, b.id]);
    expect(await r.received()).toHaveLength(1);
    await attemptNext(webhook.id);
    expect((await r.received()).map((g) => g.headers['webhook-id'])).toEqual([a.id, a.id, b.id]);
    expect((await log(webhook.id)).deliveries.map((d) => [d.eventId, d.outcome])).toEqual([
      [b.id, 'delivered'],
      [a.id, 'delivered'],
      [a.id, 'retrying'],
    ]);
  });

  it('ignores an event id it already has, and redelivers a logged one with its id on request', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    const sent = event();
    await enqueueWebhook(env, webhook.id, sent);
    await enqueueWebhook(env, webhook.id, sent);
    await attemptNext(webhook.id);
    expect(await r.received()).toHaveLength(1);
    const [first] = (await log(webhook.id)).deliveries;
    await json(
      api(`/api/webhooks/${webhook.id}/deliveries/${first!.id}/redeliver`, {
        method: 'POST',
        headers: ADMIN,
      }),
      202,
    );
    await attemptNext(webhook.id);
    const got = await r.received();
    expect(got.map((g) => g.headers['webhook-id'])).toEqual([sent.id, sent.id]);
    expect(got[1]!.body).toBe(got[0]!.body);
    const missing = await api(`/api/webhooks/${webhook.id}/deliveries/dlv_nope/redeliver`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/last 100/);
  });

  it('keeps the first 1 KB of an answer in the log', async () => {
    const r = await receiver([{ status: 400, body: 'x'.repeat(5_000) }]);
    const { webhook } = await subscribe(r.url);
    await enqueueWebhook(env, webhook.id, event());
    await attemptNext(webhook.id);
    const [entry] = (await log(webhook.id)).deliveries;
    expect(entry).toMatchObject({ status: 400, outcome: 'failed' });
    expect(entry!.response).toBe('x'.repeat(1024));
  });

  it('checks the target again before each send: a loopback URL is refused once the insecure setting is off', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    await enqueueWebhook(env, webhook.id, event());
    env.ALLOW_INSECURE_OUTBOUND = undefined;
    try {
      await attemptNext(webhook.id);
    } finally {
      env.ALLOW_INSECURE_OUTBOUND = 'true';
    }
    expect(await r.received()).toEqual([]);
    const [entry] = (await log(webhook.id)).deliveries;
    expect(entry).toMatchObject({ status: null, outcome: 'failed' });
    expect(entry!.response).toMatch(/Refused: the URL must be an https URL/);
  });

  it('keeps only the last 100 attempts in the log', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    for (let i = 0; i < 105; i++) await enqueueWebhook(env, webhook.id, event(i));
    while ((await queueOf(webhook.id).pending()).length) await attemptNext(webhook.id);
    expect(await r.received()).toHaveLength(105);
    const { deliveries } = await log(webhook.id);
    expect(deliveries).toHaveLength(100);
  });

  it('disables an endpoint failing for 24 h with the reason, keeps its events, and delivers them once re-enabled', async () => {
    const r = await receiver(
      Array.from({ length: 60 }, () => ({ status: 502, body: 'bad gateway' })),
    );
    const { webhook } = await subscribe(r.url);
    const sent = event();
    await enqueueWebhook(env, webhook.id, sent);
    const start = t;
    let sub: WebhookSubscription;
    for (;;) {
      await attemptNext(webhook.id);
      sub = (
        await json<{ webhook: WebhookSubscription }>(
          api(`/api/webhooks/${webhook.id}`, { headers: ADMIN }),
          200,
        )
      ).webhook;
      if (!sub.enabled) break;
      expect(t - start).toBeLessThan(24 * 3600_000);
    }
    expect(t - start).toBeGreaterThan(24 * 3600_000 - MAX_RETRY_MS);
    expect(sub.disabledReason).toMatch(/for over 24 h \(last: HTTP 502\)/);
    const { deliveries, pending } = await log(webhook.id);
    expect(deliveries[0]!.outcome).toBe('failed');
    expect(pending.map((p) => p.id)).toEqual([sent.id]);
    // Disabled: the queue sends nothing more.
    const attempts = (await r.received()).length;
    expect(await fireQueue(webhook.id)).toBe(false);
    const reenabled = await json<{ webhook: WebhookSubscription }>(
      api(`/api/webhooks/${webhook.id}`, {
        method: 'PATCH',
        body: { enabled: true },
        headers: ADMIN,
      }),
      200,
    );
    expect(reenabled.webhook).toMatchObject({ enabled: true, disabledReason: null });
    // The receiver's script still answers 502 a few more times; let it run dry, then the event lands.
    while ((await queueOf(webhook.id).pending()).length) await attemptNext(webhook.id);
    const got = await r.received();
    expect(got.length).toBeGreaterThan(attempts);
    expect((await log(webhook.id)).deliveries[0]).toMatchObject({
      status: 200,
      outcome: 'delivered',
    });
  });
});
