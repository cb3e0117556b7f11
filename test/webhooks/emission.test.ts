/**
 * Incident changes become outgoing webhook events, inside workerd with the real incident object and the real
 * WebhookQueue: what each subscription's queue received is read back from the queue itself (its delivery log
 * and what it still holds). Subscribers are at a documentation address (203.0.113.0/24) that the outbound
 * check refuses, so each event the queue is given is tried once, in order, and logged; nothing leaves workerd.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import type { WebhookEventType } from '../../schema/webhook-schemas';
import { incidentStub } from '../../worker/stubs';
import { clearSubscriptionCache, createSubscription } from '../../worker/webhooks/directory';
import { webhookQueue } from '../../worker/webhooks/queue';
import { api, command, createUser, json, timeline, type TestUser } from '../helpers';
import {
  controlClock,
  openOn,
  serviceWithPolicy,
  serviceWithoutPolicy,
  texts,
} from '../escalation/setup';

let ana: TestUser;
let subCount = 0;

beforeAll(async () => {
  ana = await createUser('Ana');
});

/** A subscription (enabled, with a secret) for `serviceId` (null: every service) wanting `events`. */
async function subscribe(serviceId: string | null, events: WebhookEventType[]): Promise<string> {
  const id = `whk_test${Date.now().toString(36)}${(subCount++).toString(36)}`;
  await createSubscription(env.DB, {
    id,
    url: `https://203.0.113.7/${id}`,
    serviceId,
    events,
    enabled: true,
    createdAt: Date.now(),
    secret: `whsec_${btoa('0123456789abcdef0123456789abcdef')}`,
  });
  return id;
}

/** Every event the subscription's queue was given, oldest first: those it tried (its log), then those it holds. */
async function received(subscriptionId: string): Promise<{ id: string; type: string }[]> {
  const queue = webhookQueue(env, subscriptionId);
  const log = (await queue.deliveries()).reverse();
  const held = await queue.pending();
  const seen = new Map<string, string>();
  for (const e of [...log.map((d) => ({ id: d.eventId, type: d.type })), ...held])
    if (!seen.has(e.id)) seen.set(e.id, e.type);
  return [...seen].map(([id, type]) => ({ id, type }));
}

/** Run the incident's due work (as its alarm does) until `check` holds; bounded. */
async function untilReceived<T>(
  incidentId: string,
  check: () => Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await runDurableObjectAlarm(incidentStub(env, incidentId));
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const typesOf = (events: { type: string }[]) => events.map((e) => e.type);

/** Wait until the subscription has received `types` (exactly) for `incident`. */
const untilTypes = (sub: string, incident: Incident, types: string[]) =>
  untilReceived(
    incident.id,
    async () => {
      const got = (await received(sub)).filter((e) => e.id.startsWith(`${incident.id}:`));
      return got.length >= types.length && got;
    },
    `${types.join(', ')} for ${incident.id}`,
  );

describe('webhook events from incident changes', () => {
  it('a new incident enqueues incident.triggered to a subscription for its service, not to one for another service', async () => {
    const checkout = await serviceWithoutPolicy();
    const billing = await serviceWithoutPolicy();
    const mine = await subscribe(checkout, ['incident.triggered']);
    const theirs = await subscribe(billing, ['incident.triggered']);
    const everyService = await subscribe(null, ['incident.triggered']);
    const inc = await openOn(checkout, 'Checkout is down');

    const got = await untilTypes(mine, inc, ['incident.triggered']);
    expect(got).toEqual([{ id: `${inc.id}:1:incident.triggered`, type: 'incident.triggered' }]);
    await untilTypes(everyService, inc, ['incident.triggered']);
    expect(await received(theirs)).toEqual([]);
  });

  it('the event the queue holds is the documented body: the incident, its service, its link, the actor and the entry', async () => {
    const service = await serviceWithoutPolicy();
    const sub = await subscribe(service, ['incident.triggered']);
    const inc = await openOn(service, 'Payments slow');
    await untilTypes(sub, inc, ['incident.triggered']);
    const body = await runInDurableObject(webhookQueue(env, sub), async (_o, state) => {
      const row = state.storage.sql
        .exec<{ body: string }>('SELECT body FROM log UNION ALL SELECT body FROM queue LIMIT 1')
        .one();
      return JSON.parse(row.body) as Record<string, unknown>;
    });
    expect(body).toMatchObject({
      version: 1,
      id: `${inc.id}:1:incident.triggered`,
      type: 'incident.triggered',
      incident: {
        id: inc.id,
        number: inc.number,
        title: 'Payments slow',
        status: 'triggered',
        severity: 'critical',
        service: { id: service, name: `Service ${service}` },
        url: `http://127.0.0.1:8787/incidents/${inc.id}`,
      },
      actor: { type: 'user' },
      entry: { seq: 1, kind: 'created' },
    });
    expect(new Date(body.occurred_at as string).getTime()).toBe(inc.createdAt);
  });

  it('acknowledge, reassign, role, severity, note, status update, resolve and reopen each make their event, in order', async () => {
    const service = await serviceWithoutPolicy();
    const all: WebhookEventType[] = [
      'incident.triggered',
      'incident.acknowledged',
      'incident.reassigned',
      'incident.role_assigned',
      'incident.severity_changed',
      'incident.note_added',
      'incident.status_update',
      'incident.resolved',
      'incident.reopened',
    ];
    const sub = await subscribe(service, all);
    const inc = await openOn(service, 'Search degraded');
    const steps: [string, unknown][] = [
      ['acknowledge', {}],
      ['reassign', { assignees: [ana.id] }],
      ['roles', { role: 'incident_commander', userId: ana.id }],
      ['severity', { severity: 'warning' }],
      ['notes', { text: 'Index rebuild started' }],
      ['status-updates', { text: 'Searches are slow, not failing' }],
      ['resolve', {}],
      ['reopen', {}],
    ];
    for (const [path, body] of steps) {
      const res = await command(ana, inc.id, path, body);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    }
    const got = await untilTypes(sub, inc, all);
    expect(typesOf(got)).toEqual(all);
    // Each event is its timeline entry: the ids follow the entries' order.
    const seqs = got.map((e) => Number(e.id.split(':')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('a subscription gets only the event types it asked for', async () => {
    const service = await serviceWithoutPolicy();
    const resolvedOnly = await subscribe(service, ['incident.resolved']);
    const notesOnly = await subscribe(service, ['incident.note_added']);
    const inc = await openOn(service, 'Queue backlog');
    await command(ana, inc.id, 'acknowledge');
    await command(ana, inc.id, 'notes', { text: 'Scaling consumers' });
    await command(ana, inc.id, 'resolve');
    expect(typesOf(await untilTypes(resolvedOnly, inc, ['incident.resolved']))).toEqual([
      'incident.resolved',
    ]);
    expect(typesOf(await untilTypes(notesOnly, inc, ['incident.note_added']))).toEqual([
      'incident.note_added',
    ]);
  });

  it('a page to a level is incident.escalated, after incident.triggered', async () => {
    const service = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const sub = await subscribe(service, ['incident.triggered', 'incident.escalated']);
    const inc = await openOn(service, 'API errors');
    const got = await untilTypes(sub, inc, ['incident.triggered', 'incident.escalated']);
    expect(typesOf(got)).toEqual(['incident.triggered', 'incident.escalated']);
  });

  it('publishing the review is incident.review_published, after incident.resolved, by the person who published it', async () => {
    const service = await serviceWithoutPolicy();
    const sub = await subscribe(service, ['incident.resolved', 'incident.review_published']);
    const inc = await openOn(service, 'Checkout is down');
    await command(ana, inc.id, 'resolve');
    const path = `/api/incidents/${inc.id}/review`;
    await json(api(path, { method: 'POST', headers: ana.auth }), 201);
    const draft = await json<{ version: number }>(
      api(path, { method: 'PUT', body: { version: 1, status: 'in_review' }, headers: ana.auth }),
      200,
    );
    const published = await json<{ publishedAt: number }>(
      api(path, {
        method: 'PUT',
        body: { version: draft.version, status: 'published' },
        headers: ana.auth,
      }),
      200,
    );
    const got = await untilTypes(sub, inc, ['incident.resolved', 'incident.review_published']);
    expect(got).toEqual([
      { id: expect.stringMatching(/:incident\.resolved$/), type: 'incident.resolved' },
      {
        id: `${inc.id}:review@${published.publishedAt}:incident.review_published`,
        type: 'incident.review_published',
      },
    ]);
    const body = await runInDurableObject(webhookQueue(env, sub), async (_o, state) =>
      state.storage.sql
        .exec<{ body: string }>(
          "SELECT body FROM log WHERE type = 'incident.review_published' UNION ALL SELECT body FROM queue WHERE type = 'incident.review_published' LIMIT 1",
        )
        .one(),
    );
    expect(JSON.parse(body.body)).toMatchObject({
      actor: { type: 'user', id: ana.id, name: 'Ana' },
      incident: { status: 'resolved' },
      entry: null,
    });
  });
});

describe('when the webhook path fails', () => {
  let clock: ReturnType<typeof controlClock>;
  beforeEach(() => {
    clock = controlClock();
  });
  afterEach(async () => {
    clock.restore();
    await env.DB.prepare('ALTER TABLE webhook_subscriptions_away RENAME TO webhook_subscriptions')
      .run()
      .catch(() => {});
    clearSubscriptionCache();
  });

  it('paging goes on, the event stays owed, and a later retry hands it over with the same id', async () => {
    const service = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const sub = await subscribe(service, ['incident.triggered', 'incident.escalated']);
    // The subscriptions cannot be read: every hand-over fails.
    await env.DB.prepare(
      'ALTER TABLE webhook_subscriptions RENAME TO webhook_subscriptions_away',
    ).run();
    clearSubscriptionCache();

    const inc = await openOn(service, 'Disk full');
    const stub = incidentStub(env, inc.id);
    const deadline = Date.now() + 5_000;
    while (!texts(await timeline(inc.id)).includes('Escalated to level 1: Ana')) {
      if (Date.now() > deadline) throw new Error('Ana was never paged');
      await runDurableObjectAlarm(stub);
    }
    const owed = () =>
      runInDurableObject(stub, async (_o, state) =>
        state.storage.sql
          .exec<{ id: string }>('SELECT id FROM webhook_outbox ORDER BY rowid')
          .toArray()
          .map((r) => r.id),
      );
    expect(await owed()).toEqual([
      `${inc.id}:1:incident.triggered`,
      expect.stringMatching(new RegExp(`^${inc.id}:\\d+:incident.escalated$`)),
    ]);
    expect(await received(sub)).toEqual([]);

    // The subscriptions are back; the retry is due after its backoff (seconds), before level 1's 5 minutes end.
    await env.DB.prepare(
      'ALTER TABLE webhook_subscriptions_away RENAME TO webhook_subscriptions',
    ).run();
    clearSubscriptionCache();
    clock.advanceMinutes(1);
    const got = await untilTypes(sub, inc, ['incident.triggered', 'incident.escalated']);
    expect(got[0]).toEqual({ id: `${inc.id}:1:incident.triggered`, type: 'incident.triggered' });
    expect(typesOf(got)).toEqual(['incident.triggered', 'incident.escalated']);
    // Handed over to every queue that wants them: the incident owes nothing more.
    await untilReceived(inc.id, async () => !(await owed()).length, 'the outbox to empty');
  });
});
