import { env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSubscription } from '../../schema/webhook-schemas';
import { subscriptionsFor } from '../../worker/webhooks/directory';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';
import { receiver, subscribe, until } from './receiver';

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };
let ada: TestUser;
let serviceId: string;

beforeAll(async () => {
  env.ALLOW_INSECURE_OUTBOUND = 'true';
  ada = await createUser('Ada');
  serviceId = (
    await json<{ service: { id: string } }>(
      api('/api/services', { body: { name: 'checkout' }, headers: ADMIN }),
      201,
    )
  ).service.id;
});

const get = (id: string) =>
  json<{ webhook: WebhookSubscription }>(api(`/api/webhooks/${id}`, { headers: ADMIN }), 200);

describe('webhook subscriptions', () => {
  it('shows the whsec_ secret once, at creation, and never in a read', async () => {
    const { webhook, secret } = await subscribe('https://hooks.example.com/firebell');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({
      url: 'https://hooks.example.com/firebell',
      serviceId: null,
      enabled: true,
      disabledReason: null,
    });
    const read = await api(`/api/webhooks/${webhook.id}`, { headers: ADMIN });
    const list = await api('/api/webhooks', { headers: ADMIN });
    expect(await read.text()).not.toContain(secret);
    expect(await list.text()).not.toContain(secret);
  });

  it('refuses a URL outside https, a private address, an unknown service and an unknown event type, naming each', async () => {
    const saved = env.ALLOW_INSECURE_OUTBOUND;
    env.ALLOW_INSECURE_OUTBOUND = undefined;
    try {
      for (const [url, words] of [
        ['http://hooks.example.com/x', /https/],
        ['https://10.0.0.8/x', /private/],
        ['https://intranet.local/x', /local/],
      ] as const) {
        const res = await api('/api/webhooks', {
          body: { url, events: ['incident.triggered'] },
          headers: ADMIN,
        });
        expect(res.status).toBe(400);
        const problem = (await res.json()) as Problem;
        expect(problem.errors?.[0]).toMatchObject({
          path: 'url',
          message: expect.stringMatching(words),
        });
      }
    } finally {
      env.ALLOW_INSECURE_OUTBOUND = saved;
    }
    const noService = await api('/api/webhooks', {
      body: {
        url: 'https://hooks.example.com/x',
        serviceId: 'svc_nope',
        events: ['incident.resolved'],
      },
      headers: ADMIN,
    });
    expect(noService.status).toBe(400);
    expect(JSON.stringify(await noService.json())).toContain('unknown service svc_nope');
    const badEvent = await api('/api/webhooks', {
      body: { url: 'https://hooks.example.com/x', events: ['incident.exploded'] },
      headers: ADMIN,
    });
    expect(badEvent.status).toBe(400);
    expect(badEvent.headers.get('content-type')).toContain('application/problem+json');
  });

  it('is for admins only', async () => {
    const res = await api('/api/webhooks', { headers: ada.auth });
    expect(res.status).toBe(403);
  });

  it('finds the enabled subscriptions for a service and event: its own and the all-services ones', async () => {
    const mine = await subscribe('https://a.example.com/x', {
      serviceId,
      events: ['incident.resolved'],
    });
    const all = await subscribe('https://b.example.com/x', {
      events: ['incident.resolved', 'incident.note_added'],
    });
    const off = await subscribe('https://c.example.com/x', { events: ['incident.resolved'] });
    await json(
      api(`/api/webhooks/${off.webhook.id}`, {
        method: 'PATCH',
        body: { enabled: false },
        headers: ADMIN,
      }),
      200,
    );
    const ids = async (svc: string | null, type: 'incident.resolved' | 'incident.note_added') =>
      (await subscriptionsFor(env.DB, svc, type)).map((s) => s.id);
    expect(await ids(serviceId, 'incident.resolved')).toEqual(
      expect.arrayContaining([mine.webhook.id, all.webhook.id]),
    );
    expect(await ids(serviceId, 'incident.resolved')).not.toContain(off.webhook.id);
    expect(await ids('svc_other', 'incident.resolved')).not.toContain(mine.webhook.id);
    expect(await ids(serviceId, 'incident.note_added')).toEqual([all.webhook.id]);
  });

  it('edits the URL and events, and deletes', async () => {
    const { webhook } = await subscribe('https://a.example.com/x');
    const edited = await json<{ webhook: WebhookSubscription }>(
      api(`/api/webhooks/${webhook.id}`, {
        method: 'PATCH',
        body: { url: 'https://b.example.com/y', events: ['incident.reopened'] },
        headers: ADMIN,
      }),
      200,
    );
    expect(edited.webhook).toMatchObject({
      url: 'https://b.example.com/y',
      events: ['incident.reopened'],
    });
    expect(
      (await api(`/api/webhooks/${webhook.id}`, { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(204);
    expect((await api(`/api/webhooks/${webhook.id}`, { headers: ADMIN })).status).toBe(404);
  });

  it('sends a webhook.test event, which shows in the delivery log', async () => {
    const r = await receiver();
    const { webhook, secret } = await subscribe(r.url);
    const { event } = await json<{ event: { id: string; type: string } }>(
      api(`/api/webhooks/${webhook.id}/test`, { method: 'POST', headers: ADMIN }),
      202,
    );
    const [got] = await until('the test event', r.received, (l) => l.length === 1);
    expect(new Webhook(secret).verify(got!.body, got!.headers)).toMatchObject({
      type: 'webhook.test',
      id: event.id,
      version: 1,
    });
    const { deliveries } = await until(
      'the log entry',
      () =>
        json<{ deliveries: { eventId: string; status: number }[] }>(
          api(`/api/webhooks/${webhook.id}/deliveries`, { headers: ADMIN }),
          200,
        ),
      (l) => l.deliveries.length === 1,
    );
    expect(deliveries[0]).toMatchObject({ eventId: event.id, status: 200 });
  });

  it('after a rotation signs with both secrets, so a receiver holding either one verifies', async () => {
    const r = await receiver();
    const { webhook, secret: old } = await subscribe(r.url);
    const { secret: fresh } = await json<{ secret: string }>(
      api(`/api/webhooks/${webhook.id}`, {
        method: 'PATCH',
        body: { rotateSecret: true },
        headers: ADMIN,
      }),
      200,
    );
    expect(fresh).not.toBe(old);
    expect((await get(webhook.id)).webhook.id).toBe(webhook.id);
    await json(api(`/api/webhooks/${webhook.id}/test`, { method: 'POST', headers: ADMIN }), 202);
    const [got] = await until('the test event', r.received, (l) => l.length === 1);
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(got!.body, got!.headers)).toBeTruthy();
    expect(new Webhook(fresh).verify(got!.body, got!.headers)).toBeTruthy();
  });

  it('a queue that has already sent uses an edit from its very next delivery: the new URL and the rotated secret', async () => {
    const [before, after] = [await receiver(), await receiver()];
    const { webhook } = await subscribe(before.url);
    const test = () =>
      json(api(`/api/webhooks/${webhook.id}/test`, { method: 'POST', headers: ADMIN }), 202);
    await test();
    await until('the first test event', before.received, (l) => l.length === 1);
    const { secret } = await json<{ secret: string }>(
      api(`/api/webhooks/${webhook.id}`, {
        method: 'PATCH',
        body: { url: after.url, rotateSecret: true },
        headers: ADMIN,
      }),
      200,
    );
    await test();
    const [got] = await until(
      'the test event at the new URL',
      after.received,
      (l) => l.length === 1,
    );
    expect(new Webhook(secret).verify(got!.body, got!.headers)).toMatchObject({
      type: 'webhook.test',
    });
    expect(await before.received()).toHaveLength(1);
  });

  it('describes the event body and the routes in the OpenAPI document', async () => {
    const doc = await json<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>(api('/api/openapi.json'), 200);
    expect(Object.keys(doc.components.schemas.WebhookEvent!.properties)).toEqual([
      'version',
      'id',
      'type',
      'occurred_at',
      'incident',
      'actor',
      'entry',
    ]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/webhooks',
        '/api/webhooks/{id}',
        '/api/webhooks/{id}/deliveries',
        '/api/webhooks/{id}/test',
        '/api/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      ]),
    );
  });
});
