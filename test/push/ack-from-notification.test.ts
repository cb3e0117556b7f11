import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { signActionToken } from '../../worker/push/action-token';
import { pageUser } from '../../worker/notify/push-devices';
import { api, createUser, json, openIncident, timeline, type TestUser } from '../helpers';
import { pushService, subscriber, vapidKeys } from './fixtures';

interface Problem {
  code: string;
  detail: string;
}

let ana: TestUser;
let ben: TestUser;
let vic: TestUser;
const devices = new Map<string, string>();

async function registerDevice(user: TestUser): Promise<string> {
  const keys = await subscriber();
  const res = await api('/api/push/subscriptions', {
    body: {
      endpoint: `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
      label: `${user.name}'s phone`,
    },
    headers: user.auth,
  });
  return (await json<{ subscription: { id: string } }>(res, 201)).subscription.id;
}

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  vic = await createUser('Vic', 'viewer');
  for (const u of [ana, ben, vic]) devices.set(u.id, await registerDevice(u));
});

const tokenFor = (
  user: TestUser,
  incidentId: string,
  exp = Date.now() + 3600_000,
  subscriptionId = devices.get(user.id),
) => signActionToken(env.SESSION_SECRET, { userId: user.id, incidentId, subscriptionId, exp });
const ack = (body: Record<string, unknown>, key?: string) =>
  api('/api/push/ack', { body, headers: key ? { 'idempotency-key': key } : {} });

async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await json<Problem>(res);
  expect(problem.code).toBe(code);
  return problem;
}

describe('acknowledging from the notification', () => {
  it('acknowledges with the token from a decrypted page, as the paged user, without a session, exactly once per Idempotency-Key', async () => {
    const incident = await openIncident(ben, { title: 'Checkout is down' });
    const phone = await subscriber();
    const endpoint = `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`;
    await json(
      api('/api/push/subscriptions', {
        body: { endpoint, keys: { p256dh: phone.p256dh, auth: phone.auth }, label: 'Pixel' },
        headers: ana.auth,
      }),
      201,
    );
    const push = pushService(201);
    const pushEnv = { DB: env.DB, SESSION_SECRET: env.SESSION_SECRET, ...(await vapidKeys()) };
    await pageUser(
      pushEnv,
      ana,
      {
        id: incident.id,
        number: incident.number,
        title: incident.title,
        serviceName: null,
        severity: incident.severity,
        alertCount: incident.alertCount,
      },
      Date.now(),
      push.transport,
    );
    const sent = push.requests.find((r) => r.url === endpoint);
    const page = JSON.parse(phone.decrypt(sent?.body ?? new Uint8Array())) as {
      actionToken: string;
      incidentId: string;
    };
    expect(page.incidentId).toBe(incident.id);

    const first = await json<{ incident: Incident }>(
      ack({ token: page.actionToken, incidentId: incident.id }, 'sw-ack-1'),
      200,
    );
    expect(first.incident).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { kind: 'user', id: ana.id, name: 'Ana' },
    });
    const replay = await json<{ incident: Incident }>(
      ack({ token: page.actionToken, incidentId: incident.id }, 'sw-ack-1'),
      200,
    );
    expect(replay.incident).toEqual(first.incident);
    expect((await timeline(incident.id)).filter((e) => e.kind === 'acknowledged')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: ana.id }) }),
    ]);
  });

  it('refuses an expired token with 401', async () => {
    const incident = await openIncident(ben);
    const problem = await expectProblem(
      await ack({ token: await tokenFor(ana, incident.id, Date.now() - 1) }),
      401,
      'unauthorized',
    );
    expect(problem.detail).toMatch(/expired/);
    expect(
      (
        await json<{ incident: Incident }>(
          api(`/api/incidents/${incident.id}`, { headers: ana.auth }),
          200,
        )
      ).incident.status,
    ).toBe('triggered');
  });

  it('refuses a forged token (one bit flipped in the signature) with 401', async () => {
    const incident = await openIncident(ben);
    const token = await tokenFor(ana, incident.id);
    const i = token.length - 4;
    const forged =
      token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ 1) + token.slice(i + 1);
    await expectProblem(await ack({ token: forged }), 401, 'unauthorized');
    await expectProblem(await ack({ token: 'garbage' }), 401, 'unauthorized');
  });

  it('refuses a token used for another incident than the one it was issued for with 403', async () => {
    const mine = await openIncident(ben);
    const other = await openIncident(ben);
    await expectProblem(
      await ack({ token: await tokenFor(ana, mine.id), incidentId: other.id }),
      403,
      'forbidden',
    );
    expect(
      (
        await json<{ incident: Incident }>(
          api(`/api/incidents/${other.id}`, { headers: ana.auth }),
          200,
        )
      ).incident.status,
    ).toBe('triggered');
  });

  it('stops honouring pages sent to a device its owner has removed', async () => {
    const incident = await openIncident(ben);
    const lost = await registerDevice(ana);
    const token = await tokenFor(ana, incident.id, undefined, lost);
    expect(
      (await api(`/api/push/subscriptions/${lost}`, { method: 'DELETE', headers: ana.auth }))
        .status,
    ).toBe(204);
    const problem = await expectProblem(await ack({ token }), 401, 'unauthorized');
    expect(problem.detail).toMatch(/removed/);
  });

  it('refuses a viewer with 403, and a test page with 400', async () => {
    const incident = await openIncident(ben);
    await expectProblem(await ack({ token: await tokenFor(vic, incident.id) }), 403, 'forbidden');
    await expectProblem(await ack({ token: await tokenFor(ana, 'test') }), 400, 'bad-request');
  });

  it('passes on the incident’s own answer, e.g. 404 for an incident that does not exist', async () => {
    await expectProblem(
      await ack({ token: await tokenFor(ana, 'inc_doesnotexist0000000') }),
      404,
      'not-found',
    );
  });
});

describe('delivery receipts', () => {
  const receipt = (body: Record<string, unknown>) => api('/api/push/receipts', { body });

  it('refuses a receipt with an invalid or expired token', async () => {
    const incident = await openIncident(ben);
    await expectProblem(await receipt({ token: 'nope.nope' }), 401, 'unauthorized');
    await expectProblem(
      await receipt({ token: await tokenFor(ana, incident.id, Date.now() - 1) }),
      401,
      'unauthorized',
    );
  });

  it('accepts the receipt of a test page without touching any incident', async () => {
    expect((await receipt({ token: await tokenFor(ana, 'test') })).status).toBe(204);
  });

  it("puts the delivery on the incident's timeline once, naming the responder's device", async () => {
    const incident = await openIncident(ben);
    const token = await tokenFor(ana, incident.id);
    expect((await receipt({ token, shownAt: Date.now() - 1000 })).status).toBe(204);
    expect((await receipt({ token })).status).toBe(204);
    const delivered = (await timeline(incident.id)).filter(
      (e) => e.kind === 'notification_delivered',
    );
    expect(delivered).toEqual([
      expect.objectContaining({
        text: expect.stringContaining("Ana's phone"),
        data: expect.objectContaining({ userId: ana.id, subscriptionId: devices.get(ana.id) }),
      }),
    ]);
  });
});
