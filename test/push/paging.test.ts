import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSubscription,
  reachableUsers,
  subscriptionsForUser,
} from '../../worker/directory/push-subscriptions';
import { verifyActionToken } from '../../worker/push/action-token';
import { pageUser, retryPage } from '../../worker/notify/push-devices';
import { createUser, type TestUser } from '../helpers';
import { pushService, subscriber, vapidKeys, type Subscriber } from './fixtures';

const T0 = Date.UTC(2026, 10, 26, 3, 12, 7);
const incident = {
  id: 'inc_paging00000000000001',
  number: 7,
  title: 'API latency p99 > 2s',
  serviceName: 'api',
  severity: 'error' as const,
  alertCount: 2,
};

let pushEnv: Parameters<typeof pageUser>[0];
let phone: Subscriber;
let laptop: Subscriber;

beforeAll(async () => {
  pushEnv = { DB: env.DB, SESSION_SECRET: env.SESSION_SECRET, ...(await vapidKeys()) };
  phone = await subscriber();
  laptop = await subscriber();
});

let registered = 0;
async function register(
  user: TestUser,
  label: string,
  keys: Subscriber,
  endpoint = `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
) {
  const added = await addSubscription(env.DB, {
    id: `psb_${crypto.randomUUID().slice(0, 8)}`,
    userId: user.id,
    label,
    endpoint,
    p256dh: keys.p256dh,
    auth: keys.auth,
    now: T0 - 60_000 + registered++,
  });
  if (!added) throw new Error(`${endpoint} is registered to someone else`);
  const { subscription } = added;
  return subscription;
}

describe('paging a user on every device', () => {
  it('sends one encrypted page per device, each with its own action token for that user, incident and device', async () => {
    const ana = await createUser('Ana');
    const pixel = await register(ana, 'Pixel', phone);
    const mac = await register(ana, 'MacBook', laptop);
    const push = pushService(201);
    const attempts = await pageUser(pushEnv, ana, incident, T0, push.transport);
    expect(attempts).toEqual([
      { subscriptionId: pixel.id, deviceLabel: 'Pixel', outcome: { kind: 'sent', status: 201 } },
      { subscriptionId: mac.id, deviceLabel: 'MacBook', outcome: { kind: 'sent', status: 201 } },
    ]);
    const byUrl = new Map(push.requests.map((r) => [r.url, r]));
    const pixelPage = JSON.parse(
      phone.decrypt(byUrl.get(pixel.endpoint)?.body ?? new Uint8Array()),
    );
    const macPage = JSON.parse(laptop.decrypt(byUrl.get(mac.endpoint)?.body ?? new Uint8Array()));
    expect(pixelPage).toMatchObject({
      kind: 'page',
      incidentId: incident.id,
      number: 7,
      sentAt: T0,
    });
    expect(await verifyActionToken(env.SESSION_SECRET, pixelPage.actionToken, T0)).toEqual({
      userId: ana.id,
      incidentId: incident.id,
      subscriptionId: pixel.id,
      exp: T0 + 24 * 3600_000,
    });
    expect(
      (await verifyActionToken(env.SESSION_SECRET, macPage.actionToken, T0))?.subscriptionId,
    ).toBe(mac.id);
    const rows = await subscriptionsForUser(env.DB, ana.id);
    expect(rows.map((r) => r.lastSuccessAt)).toEqual([T0, T0]);
  });

  it('returns no attempts for a user with no devices', async () => {
    const ben = await createUser('Ben');
    const push = pushService(201);
    expect(await pageUser(pushEnv, ben, incident, T0, push.transport)).toEqual([]);
    expect(push.requests).toHaveLength(0);
  });

  it('removes a device the push service answers 410 for, and still pages the others', async () => {
    const cat = await createUser('Cat');
    const old = await register(cat, 'Old phone', phone);
    const current = await register(cat, 'New phone', laptop);
    const push = pushService(410, 201);
    const attempts = await pageUser(pushEnv, cat, incident, T0, push.transport);
    expect(attempts.map((a) => [a.deviceLabel, a.outcome.kind])).toEqual([
      ['Old phone', 'gone'],
      ['New phone', 'sent'],
    ]);
    expect((await subscriptionsForUser(env.DB, cat.id)).map((s) => s.id)).toEqual([current.id]);
    expect(
      await retryPage(pushEnv, cat.id, old.id, incident, T0 + 1000, push.transport),
    ).toBeNull();
  });

  it('records a 429 or 503 on the device for the alarm to retry, and a later retry that lands as success', async () => {
    const dan = await createUser('Dan');
    const pixel = await register(dan, 'Pixel', phone);
    const busy = pushService({ status: 429, headers: { 'retry-after': '12' } });
    expect(await pageUser(pushEnv, dan, incident, T0, busy.transport)).toEqual([
      {
        subscriptionId: pixel.id,
        deviceLabel: 'Pixel',
        outcome: { kind: 'retry', status: 429, retryAfterMs: 12_000 },
      },
    ]);
    let [row] = await subscriptionsForUser(env.DB, dan.id);
    expect(row).toMatchObject({
      lastFailureAt: T0,
      lastFailure: expect.stringContaining('429'),
      lastSuccessAt: null,
    });

    const down = pushService(503);
    expect(
      await retryPage(pushEnv, dan.id, pixel.id, incident, T0 + 2000, down.transport),
    ).toMatchObject({ outcome: { kind: 'retry', status: 503 } });

    const back = pushService(201);
    const retried = await retryPage(
      pushEnv,
      dan.id,
      pixel.id,
      incident,
      T0 + 12_000,
      back.transport,
    );
    expect(retried).toEqual({
      subscriptionId: pixel.id,
      deviceLabel: 'Pixel',
      outcome: { kind: 'sent', status: 201 },
    });
    expect(JSON.parse(phone.decrypt(back.requests[0]?.body ?? new Uint8Array())).sentAt).toBe(
      T0 + 12_000,
    );
    [row] = await subscriptionsForUser(env.DB, dan.id);
    expect(row).toMatchObject({ lastSuccessAt: T0 + 12_000, lastFailureAt: T0 + 2000 });
  });

  it('will not retry a device on behalf of a user it does not belong to', async () => {
    const eve = await createUser('Eve');
    const fay = await createUser('Fay');
    const pixel = await register(eve, 'Pixel', phone);
    const push = pushService(201);
    expect(await retryPage(pushEnv, fay.id, pixel.id, incident, T0, push.transport)).toBeNull();
    expect(push.requests).toHaveLength(0);
  });

  it('tells the escalation engine which users can be reached by push at all', async () => {
    const gus = await createUser('Gus');
    const hal = await createUser('Hal');
    await register(gus, 'Pixel', phone);
    expect(await reachableUsers(env.DB, [gus.id, hal.id, gus.id])).toEqual(new Set([gus.id]));
    expect(await reachableUsers(env.DB, [])).toEqual(new Set());
  });
});
