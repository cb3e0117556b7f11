import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env';
import { createApp } from '../../worker/app';
import { api, BASE, createUser, json, type TestUser } from '../helpers';
import { subscriber, vapidKeys, type Subscriber } from './fixtures';

interface Device {
  id: string;
  label: string;
  endpoint: string;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

let ana: TestUser;
let ben: TestUser;
let keys: Subscriber;
let vapid: Awaited<ReturnType<typeof vapidKeys>>;

/**
 * The same app over the same D1, run with chosen settings: how a deployment with (or without) VAPID keys
 * or the insecure loopback setting answers. SELF only ever has the vitest config's bindings.
 */
function deployment(settings: Partial<Env>) {
  const app = createApp();
  return (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.request(
      `${BASE}${path}`,
      {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      },
      { ...env, ...settings },
    );
}
const unconfigured = {
  VAPID_PUBLIC_KEY: undefined,
  VAPID_PRIVATE_KEY: undefined,
  VAPID_SUBJECT: undefined,
};

beforeAll(async () => {
  vapid = await vapidKeys();
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  keys = await subscriber();
});

const endpoint = () => `https://updates.push.services.mozilla.com/wpush/v2/${crypto.randomUUID()}`;
const subscribe = (as: TestUser, body: Record<string, unknown>) =>
  api('/api/push/subscriptions', { body, headers: as.auth });
const valid = (overrides: Record<string, unknown> = {}) => ({
  endpoint: endpoint(),
  expirationTime: null,
  keys: { p256dh: keys.p256dh, auth: keys.auth },
  label: 'Pixel 8',
  ...overrides,
});
const mine = async (as: TestUser) =>
  (
    await json<{ subscriptions: Device[] }>(
      api('/api/push/subscriptions', { headers: as.auth }),
      200,
    )
  ).subscriptions;

async function expectFieldProblem(res: Response, field: string, message: RegExp) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await json<Problem>(res);
  expect(problem.code).toBe('validation');
  expect(problem.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: field, message: expect.stringMatching(message) }),
    ]),
  );
  expect(problem.detail).toContain(field);
}

describe('registering a device', () => {
  it('stores a valid subscription for the signed-in user and never returns its keys', async () => {
    const body = valid();
    const res = await subscribe(ana, body);
    const { subscription } = await json<{ subscription: Device & Record<string, unknown> }>(
      res,
      201,
    );
    expect(res.headers.get('location')).toBe(`/api/push/subscriptions/${subscription.id}`);
    expect(subscription).toMatchObject({
      label: 'Pixel 8',
      endpoint: body.endpoint,
      lastSuccessAt: null,
    });
    expect(subscription).not.toHaveProperty('p256dh');
    expect(subscription).not.toHaveProperty('auth');
    expect((await mine(ana)).map((d) => d.id)).toContain(subscription.id);
  });

  it('updates instead of duplicating when the same endpoint registers again', async () => {
    const body = valid({ label: 'Work laptop' });
    const first = (await json<{ subscription: Device }>(subscribe(ana, body), 201)).subscription;
    const other = await subscriber();
    const again = (
      await json<{ subscription: Device }>(
        subscribe(ana, {
          ...body,
          label: 'Laptop',
          keys: { p256dh: other.p256dh, auth: other.auth },
        }),
        200,
      )
    ).subscription;
    expect(again.id).toBe(first.id);
    expect(again.label).toBe('Laptop');
    expect((await mine(ana)).filter((d) => d.endpoint === body.endpoint)).toHaveLength(1);
  });

  it('answers 409 and changes nothing when a viewer re-posts an endpoint registered to someone else', async () => {
    const vic = await createUser('Vic', 'viewer');
    const body = valid({ label: 'Ana on call' });
    const anas = (await json<{ subscription: Device }>(subscribe(ana, body), 201)).subscription;
    const thief = await subscriber();
    const takeover = await subscribe(vic, {
      ...body,
      label: 'mine now',
      keys: { p256dh: thief.p256dh, auth: thief.auth },
    });
    expect(takeover.status).toBe(409);
    expect((await json<Problem>(takeover)).detail).toMatch(/someone else/);
    expect(await mine(vic)).toEqual([]);
    const after = (await mine(ana)).find((d) => d.id === anas.id);
    expect(after).toMatchObject({ label: 'Ana on call', endpoint: body.endpoint });
    const row = await env.DB.prepare(
      'SELECT user_id, p256dh, auth FROM push_subscriptions WHERE id = ?',
    )
      .bind(anas.id)
      .first();
    expect(row).toEqual({ user_id: ana.id, p256dh: keys.p256dh, auth: keys.auth });
  });

  it('refuses an http endpoint when the insecure loopback setting is off, naming the field', async () => {
    expect(env.ALLOW_INSECURE_PUSH).toBeUndefined();
    await expectFieldProblem(
      await subscribe(ana, valid({ endpoint: 'http://127.0.0.1:9000/push' })),
      'endpoint',
      /https/,
    );
    await expectFieldProblem(
      await subscribe(ana, valid({ endpoint: 'http://push.example.test/push' })),
      'endpoint',
      /https/,
    );
    await expectFieldProblem(
      await subscribe(ana, valid({ endpoint: 'not a url' })),
      'endpoint',
      /absolute URL/,
    );
  });

  it('refuses an endpoint that is not a browser push service (other hosts, private, loopback and link-local IPs, local names) and stores nothing', async () => {
    const refused = [
      'https://attacker.example/collect',
      'https://fcm.googleapis.com.attacker.example/fcm/send/x',
      'https://attacker.example/fcm.googleapis.com/fcm/send/x',
      'https://user:pass@fcm.googleapis.com/fcm/send/x',
      'https://127.0.0.1/push',
      'https://2130706433/push',
      'https://0x7f.0.0.1/push',
      'https://10.1.2.3/push',
      'https://192.168.1.1/push',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/push',
      'https://[::1]/push',
      'https://[fd00::1]/push',
      'https://[fe80::1]/push',
      'https://[::ffff:127.0.0.1]/push',
      'https://localhost/push',
      'https://printer.local/push',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://intranet/push',
    ];
    for (const url of refused) {
      const res = await subscribe(ana, valid({ endpoint: url }));
      expect(res.status, url).toBe(400);
      expect((await json<Problem>(res)).errors?.[0]?.path, url).toBe('endpoint');
    }
    const stored = (await mine(ana)).map((d) => d.endpoint);
    expect(stored.filter((e) => refused.includes(e))).toEqual([]);
    for (const url of [
      `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
      `https://updates.push.services.mozilla.com/wpush/v2/${crypto.randomUUID()}`,
      `https://web.push.apple.com/${crypto.randomUUID()}`,
      `https://wns2-by3p.notify.windows.com/w/?token=${crypto.randomUUID()}`,
    ]) {
      expect((await subscribe(ana, valid({ endpoint: url }))).status, url).toBe(201);
    }
  });

  it('refuses keys of the wrong length or shape, naming keys.p256dh or keys.auth', async () => {
    const short = Buffer.from(crypto.getRandomValues(new Uint8Array(64))).toString('base64url');
    const compressed = Buffer.from([0x02, ...crypto.getRandomValues(new Uint8Array(64))]).toString(
      'base64url',
    );
    await expectFieldProblem(
      await subscribe(ana, valid({ keys: { p256dh: short, auth: keys.auth } })),
      'keys.p256dh',
      /65-byte/,
    );
    await expectFieldProblem(
      await subscribe(ana, valid({ keys: { p256dh: compressed, auth: keys.auth } })),
      'keys.p256dh',
      /0x04/,
    );
    await expectFieldProblem(
      await subscribe(
        ana,
        valid({
          keys: {
            p256dh: keys.p256dh,
            auth: Buffer.from(new Uint8Array(12)).toString('base64url'),
          },
        }),
      ),
      'keys.auth',
      /16 bytes/,
    );
    await expectFieldProblem(
      await subscribe(ana, valid({ keys: { p256dh: keys.p256dh, auth: '!!not base64!!' } })),
      'keys.auth',
      /base64url/,
    );
    await expectFieldProblem(await subscribe(ana, valid({ label: '' })), 'label', /./);
  });

  it('requires a signed-in user', async () => {
    const res = await api('/api/push/subscriptions', { body: valid() });
    expect(res.status).toBe(401);
  });
});

describe('managing my devices', () => {
  it('lists, renames and deletes only my own devices', async () => {
    const anas = (
      await json<{ subscription: Device }>(subscribe(ana, valid({ label: 'Ana phone' })), 201)
    ).subscription;
    const bens = (
      await json<{ subscription: Device }>(subscribe(ben, valid({ label: 'Ben phone' })), 201)
    ).subscription;

    expect((await mine(ben)).map((d) => d.label)).toEqual(['Ben phone']);
    expect((await mine(ana)).map((d) => d.id)).not.toContain(bens.id);

    const renameOther = await api(`/api/push/subscriptions/${anas.id}`, {
      method: 'PATCH',
      body: { label: 'mine now' },
      headers: ben.auth,
    });
    expect(renameOther.status).toBe(404);
    const deleteOther = await api(`/api/push/subscriptions/${anas.id}`, {
      method: 'DELETE',
      headers: ben.auth,
    });
    expect(deleteOther.status).toBe(404);
    expect((await mine(ana)).find((d) => d.id === anas.id)?.label).toBe('Ana phone');

    const renamed = await json<{ subscription: Device }>(
      api(`/api/push/subscriptions/${anas.id}`, {
        method: 'PATCH',
        body: { label: '  Pixel (work) ' },
        headers: ana.auth,
      }),
      200,
    );
    expect(renamed.subscription.label).toBe('Pixel (work)');
    expect(
      (await api(`/api/push/subscriptions/${anas.id}`, { method: 'DELETE', headers: ana.auth }))
        .status,
    ).toBe(204);
    expect((await mine(ana)).map((d) => d.id)).not.toContain(anas.id);
    expect(
      (await api(`/api/push/subscriptions/${anas.id}`, { method: 'DELETE', headers: ana.auth }))
        .status,
    ).toBe(404);
  });

  it('will not send a test page to somebody else’s device', async () => {
    const bens = (await json<{ subscription: Device }>(subscribe(ben, valid()), 201)).subscription;
    const res = await deployment(vapid)(`/api/push/subscriptions/${bens.id}/test`, {
      method: 'POST',
      headers: ana.auth,
    });
    expect(res.status).toBe(404);
  });
});

describe('Web Push configuration', () => {
  it('publishes the VAPID public key without sign-in', async () => {
    expect(await json(deployment(vapid)('/api/push/vapid-public-key'), 200)).toEqual({
      publicKey: vapid.VAPID_PUBLIC_KEY,
    });
  });

  it('answers a test page with what the push service did, recording an unreachable one on the device', async () => {
    const device = (
      await json<{ subscription: Device }>(
        subscribe(
          ana,
          valid({
            endpoint: `https://wns2-by3p.notify.windows.com/w/?token=${crypto.randomUUID()}`,
            label: 'Nowhere',
          }),
        ),
        201,
      )
    ).subscription;
    const res = deployment(vapid)(`/api/push/subscriptions/${device.id}/test`, {
      method: 'POST',
      headers: ana.auth,
    });
    const result = await json<{
      outcome: { kind: string; status: number };
      removed: boolean;
      message: string;
    }>(res, 200);
    expect(result).toMatchObject({
      outcome: { kind: 'retry', status: 0 },
      removed: false,
      message: expect.stringContaining('Nowhere'),
    });
    const after = (await mine(ana)).find((d) => d.id === device.id);
    expect(after).toMatchObject({
      lastSuccessAt: null,
      lastFailureAt: expect.any(Number),
      lastFailure: expect.stringContaining('unreachable'),
    });
  });

  it('says Web Push is not configured (503) when the VAPID keys are missing', async () => {
    const bare = deployment(unconfigured);
    const device = (await json<{ subscription: Device }>(subscribe(ana, valid()), 201))
      .subscription;
    for (const res of [
      await bare('/api/push/vapid-public-key'),
      await bare(`/api/push/subscriptions/${device.id}/test`, {
        method: 'POST',
        headers: ana.auth,
      }),
    ]) {
      expect(res.status).toBe(503);
      expect((await json<Problem>(res)).code).toBe('unavailable');
    }
  });

  it('accepts loopback and hosts off the push-service list only where the insecure outbound switch is "true", and no other http host even then', async () => {
    const loopback = `http://127.0.0.1:9876/push/${crypto.randomUUID()}`;
    const standIn = `https://push.example.test/${crypto.randomUUID()}`;
    for (const name of ['ALLOW_INSECURE_OUTBOUND', 'ALLOW_INSECURE_PUSH'] as const) {
      const trial = deployment({ [name]: 'true' });
      await json(
        trial('/api/push/subscriptions', {
          body: valid({ endpoint: `${loopback}-${name}` }),
          headers: ana.auth,
        }),
        201,
      );
      await json(
        trial('/api/push/subscriptions', {
          body: valid({ endpoint: `${standIn}-${name}` }),
          headers: ana.auth,
        }),
        201,
      );
      await expectFieldProblem(
        await trial('/api/push/subscriptions', {
          body: valid({ endpoint: 'http://push.example.test/x' }),
          headers: ana.auth,
        }),
        'endpoint',
        /https/,
      );
      await expectFieldProblem(
        await trial('/api/push/subscriptions', {
          body: valid({ endpoint: 'https://169.254.169.254/x' }),
          headers: ana.auth,
        }),
        'endpoint',
        /link-local/,
      );
      await expectFieldProblem(
        await deployment({ [name]: '1' })('/api/push/subscriptions', {
          body: valid({ endpoint: loopback }),
          headers: ana.auth,
        }),
        'endpoint',
        /https/,
      );
    }
    await expectFieldProblem(
      await subscribe(ana, valid({ endpoint: standIn })),
      'endpoint',
      /push service/,
    );
  });
});
