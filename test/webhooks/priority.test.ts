/**
 * Webhooks never go before the page: inside workerd with the real incident object, queues and a real receiver
 * on 127.0.0.1. A page and a webhook to the same receiver path show which left first; the incident's own
 * storage shows when its alarm is not woken for webhook work at all.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { addSubscription } from '../../worker/directory/push-subscriptions';
import { hooksFor } from '../../worker/chat/chat-hooks';
import { channelFor } from '../../worker/chat/slack-directory';
import { Scheduler } from '../../worker/incident/scheduler';
import { WEBHOOKS_TASK } from '../../worker/incident/webhook-outbox';
import { incidentStub } from '../../worker/stubs';
import { subscriptionsFor } from '../../worker/webhooks/directory';
import { pageDone, pageDue, paged, pageOnItsWay } from '../../worker/webhooks/lane';
import { enqueueWebhook } from '../../worker/webhooks/queue';
import { signWebhook } from '../../worker/webhooks/sign';
import { command, createUser, type TestUser } from '../helpers';
import {
  openOn,
  serviceWithPolicy,
  serviceWithoutPolicy,
  untilEscalated,
} from '../escalation/setup';
import { subscriber } from '../push/fixtures';
import { event, queueOf, receiver, subscribe, until } from './receiver';

let ana: TestUser;

beforeAll(async () => {
  // Receiver and push endpoint are plain http on 127.0.0.1: only the insecure local setting admits them.
  env.ALLOW_INSECURE_OUTBOUND = 'true';
  ana = await createUser('Ana');
});

/** The incident's webhook bookkeeping: events owed, whether the hand-over task is scheduled, the alarm. */
function webhookState(incident: Incident) {
  return runInDurableObject(incidentStub(env, incident.id), async (_o, state) => {
    const rows = (query: string) => state.storage.sql.exec(query).toArray().length;
    // Both outboxes are created by their first write.
    const has = (table: string) =>
      rows(`SELECT name FROM sqlite_master WHERE name = '${table}'`) > 0;
    const chatTable = has('chat_outbox');
    return {
      owed: has('webhook_outbox') ? rows('SELECT id FROM webhook_outbox') : 0,
      handOverScheduled: rows("SELECT id FROM schedule WHERE id = 'webhooks'") > 0,
      chatOwed: chatTable ? rows('SELECT id FROM chat_outbox') : 0,
      chatScheduled: rows("SELECT id FROM schedule WHERE id = 'chat'") > 0,
      alarm: await state.storage.getAlarm(),
    };
  });
}

/** Run the incident's alarm until it owes no webhook event (bounded). */
async function untilHandedOver(incident: Incident): Promise<void> {
  await until(
    'the hand-over',
    async () => {
      await runDurableObjectAlarm(incidentStub(env, incident.id));
      return (await webhookState(incident)).owed;
    },
    (owed) => owed === 0,
  );
}

describe('the page goes first', () => {
  it('the first page of a new incident leaves before any webhook delivery, though both fall due at once', async () => {
    const r = await receiver();
    // Ana's phone and the webhook subscriber are the same receiver path: its log is the order they left in.
    const phone = await subscriber();
    await addSubscription(env.DB, {
      id: `psb_${crypto.randomUUID().slice(0, 8)}`,
      userId: ana.id,
      label: 'Pixel',
      endpoint: r.url,
      p256dh: phone.p256dh,
      auth: phone.auth,
      now: Date.now(),
    });
    const service = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const { secret } = await subscribe(r.url, {
      serviceId: service,
      events: ['incident.triggered', 'incident.escalated'],
    });
    const inc = await openOn(service, 'Checkout is down');
    await untilEscalated(inc.id, /Escalated to level 1: Ana/);
    const got = await until('the page and both webhook events', r.received, (l) => l.length >= 3);
    expect(got[0]!.headers['webhook-id']).toBeUndefined();
    expect(got[0]!.headers['content-encoding']).toBe('aes128gcm');
    // Both events were handed over together after the page, in entry order, and verify as a receiver would.
    expect(got.slice(1).map((g) => g.headers['webhook-id'])).toEqual([
      `${inc.id}:1:incident.triggered`,
      expect.stringMatching(new RegExp(`^${inc.id}:\\d+:incident.escalated$`)),
    ]);
    for (const g of got.slice(1))
      expect(new Webhook(secret).verify(g.body, g.headers)).toBeTruthy();
  });

  it("an incident's alarm runs the webhook hand-over after its other due tasks, even when it fell due first", async () => {
    const inc = await openOn(await serviceWithoutPolicy(), 'Ordering');
    const ran = await runInDurableObject(incidentStub(env, inc.id), async (_o, state) => {
      const scheduler = new Scheduler(state.storage);
      const t = Date.now() + 3_600_000; // ahead of anything the incident itself scheduled
      scheduler.put('test-webhooks', WEBHOOKS_TASK, t - 10);
      scheduler.put('test-page', 'escalation-test', t);
      const order: string[] = [];
      await scheduler.runDue(
        t,
        async (task) => {
          if (task.id.startsWith('test-')) order.push(task.id);
        },
        5_000,
        new Set([WEBHOOKS_TASK]),
      );
      pageDone(state.id.toString()); // its own first page was claimed above without running
      return order;
    });
    expect(ran).toEqual(['test-page', 'test-webhooks']);
  });

  it('a webhook delivery waits while a page is being sent in the same isolate, and goes once it has left', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url, { serviceId: await serviceWithoutPolicy() });
    let heldBack = false;
    await paged(async () => {
      await enqueueWebhook(env, webhook.id, event());
      // Bounded look while the page is "on its way": the event stays queued and nothing arrives.
      const end = Date.now() + 300;
      while (Date.now() < end) {
        await scheduler.wait(20);
        if ((await r.received()).length) return;
      }
      heldBack = (await queueOf(webhook.id).pending()).length === 1;
    });
    expect(heldBack).toBe(true);
    await until('the delivery after the page', r.received, (l) => l.length === 1);
  });

  it("while a page is on its way, the hand-over leaves the incident's alarm at once and comes back after it", async () => {
    const r = await receiver();
    const service = await serviceWithoutPolicy();
    await subscribe(r.url, {
      serviceId: service,
      events: ['incident.triggered', 'incident.resolved'],
    });
    const inc = await openOn(service, 'Cache cold');
    await untilHandedOver(inc);
    await until('the triggered event', r.received, (l) => l.length === 1);
    expect((await command(ana, inc.id, 'resolve')).status).toBe(200);
    // The alarm returns while the page is still on its way (it used to wait in it for the page to leave):
    // the event stays owed, the hand-over is due again shortly, and nothing was sent.
    const during = await paged(async () => {
      await runDurableObjectAlarm(incidentStub(env, inc.id));
      return webhookState(inc);
    });
    expect(during).toMatchObject({ owed: 1, handOverScheduled: true });
    expect(during.alarm).not.toBeNull();
    expect(await r.received()).toHaveLength(1);
    await untilHandedOver(inc);
    const got = await until('the resolved event after the page', r.received, (l) => l.length === 2);
    expect(got[1]!.headers['webhook-id']).toMatch(new RegExp(`^${inc.id}:\\d+:incident.resolved$`));
  });

  it('a queue handed events while a page is on its way takes none and writes nothing: the incident hands them again after', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url, { serviceId: await serviceWithoutPolicy() });
    const sent = event();
    const took = await paged(() => queueOf(webhook.id).deliverMany([sent], webhook.id, true));
    expect(took).toBe(false);
    expect(await queueOf(webhook.id).pending()).toEqual([]);
    expect(await r.received()).toEqual([]);
    expect(await queueOf(webhook.id).deliverMany([sent], webhook.id, true)).toBe(true);
    expect((await r.received()).map((g) => g.headers['webhook-id'])).toEqual([sent.id]);
  });

  it('a page announced for an alarm holds deliveries back until it is done', async () => {
    const r = await receiver();
    const { webhook } = await subscribe(r.url, { serviceId: await serviceWithoutPolicy() });
    pageDue('inc_announced');
    try {
      await enqueueWebhook(env, webhook.id, event());
      await scheduler.wait(150);
      expect(await r.received()).toEqual([]);
    } finally {
      pageDone('inc_announced');
    }
    await until('the delivery after the page', r.received, (l) => l.length === 1);
  });
  it('acknowledging an incident whose page was announced lets deliveries go at once', async () => {
    const r = await receiver();
    const service = await serviceWithoutPolicy();
    const { webhook } = await subscribe(r.url, { serviceId: service });
    const inc = await openOn(service, 'Acked before its alarm');
    const announced = incidentStub(env, inc.id).id.toString();
    await until(
      'its first paging task to be over',
      async () => pageOnItsWay(),
      (on) => !on,
    );
    pageDue(announced); // as create does until the first page's alarm has run
    try {
      expect(pageOnItsWay()).toBe(true);
      expect((await command(ana, inc.id, 'acknowledge')).status).toBe(200);
      expect(pageOnItsWay()).toBe(false);
      await enqueueWebhook(env, webhook.id, event());
      await until('the delivery', r.received, (l) => l.length >= 1);
    } finally {
      pageDone(announced);
    }
  });
});

describe('no wake-up for nobody', () => {
  it('a change to an incident whose service has no subscription, channel or hook owes nothing and schedules no hand-over', async () => {
    const service = await serviceWithoutPolicy();
    const inc = await openOn(service, 'Queue backlog');
    await untilHandedOver(inc); // a cold subscription cache may say "maybe" once; the hand-over reads D1
    // Nobody wants these two for this service (this also warms the isolate's subscription and chat caches).
    expect(await subscriptionsFor(env.DB, service, 'incident.severity_changed')).toEqual([]);
    expect(await subscriptionsFor(env.DB, service, 'incident.status_update')).toEqual([]);
    expect(await channelFor(env.DB, service)).toBeNull();
    expect(await hooksFor(env.DB, service)).toEqual([]);
    expect((await command(ana, inc.id, 'severity', { severity: 'warning' })).status).toBe(200);
    const update = await command(ana, inc.id, 'status-updates', { text: 'Consumers scaled up' });
    expect(update.status).toBe(200);
    expect(await webhookState(inc)).toMatchObject({
      owed: 0,
      handOverScheduled: false,
      chatOwed: 0,
      chatScheduled: false,
    });
  });

  it('a subscription created a moment before a change gets that change as an event', async () => {
    const service = await serviceWithoutPolicy();
    const inc = await openOn(service, 'Search degraded');
    await untilHandedOver(inc);
    await subscriptionsFor(env.DB, service, 'incident.resolved');
    const r = await receiver();
    await subscribe(r.url, { serviceId: service, events: ['incident.resolved'] });
    expect((await command(ana, inc.id, 'resolve')).status).toBe(200);
    expect(await webhookState(inc)).toMatchObject({ owed: 1, handOverScheduled: true });
    await untilHandedOver(inc);
    const [got] = await until('the resolved event', r.received, (l) => l.length === 1);
    expect(got!.headers['webhook-id']).toMatch(new RegExp(`^${inc.id}:\\d+:incident.resolved$`));
  });
});

describe('signing', () => {
  it('signs with WebCrypto exactly as standardwebhooks does, multi-byte text and several secrets included', async () => {
    const secrets = [
      `whsec_${btoa('0123456789abcdef0123456789abcdef')}`,
      `whsec_${btoa('fedcba9876543210fedcba9876543210')}`,
    ];
    const body = JSON.stringify({ title: 'Zahlungsausfall — Köln 🔥', n: 1 });
    const at = new Date(Date.UTC(2026, 11, 1, 12, 0, 0));
    const header = await signWebhook(secrets, 'evt_1', at.getTime() / 1000, body);
    expect(header).toBe(secrets.map((s) => new Webhook(s).sign('evt_1', at, body)).join(' '));
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': await signWebhook(
        secrets.slice(1),
        'evt_1',
        Math.floor(Date.now() / 1000),
        body,
      ),
    };
    expect(new Webhook(secrets[1]!).verify(body, headers)).toEqual(JSON.parse(body));
  });
});
