import { env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventSchema } from '../../schema/webhook-schemas';
import { enqueueWebhook } from '../../worker/webhooks/queue';
import { event, queueOf, receiver, subscribe, until } from './receiver';

beforeAll(() => {
  // The receiver is plain http on 127.0.0.1: only the insecure local setting admits it (worker/net/outbound.ts).
  env.ALLOW_INSECURE_OUTBOUND = 'true';
});

describe('delivering an event', () => {
  it('posts the event to the subscriber, signed so that standardwebhooks verifies it as a receiver would', async () => {
    const r = await receiver();
    const { webhook, secret } = await subscribe(r.url);
    const sent = event();
    await enqueueWebhook(env, webhook.id, sent);
    const [got] = await until('the delivery', r.received, (l) => l.length === 1);
    expect(got!.headers['webhook-id']).toBe(sent.id);
    const verified = new Webhook(secret).verify(got!.body, got!.headers);
    expect(webhookEventSchema.parse(verified)).toEqual(sent);
  });

  it('delivers when an emitter calls the queue stub with the event alone, as the contract allows', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url);
    const sent = event();
    await queueOf(webhook.id).enqueue(sent);
    const [got] = await until('the delivery', r.received, (l) => l.length === 1);
    expect(got!.headers['webhook-id']).toBe(sent.id);
  });
});
