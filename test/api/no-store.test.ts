import { describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, json } from '../helpers';

/** Every answer that carries a secret, made the way a client makes it. */
describe('answers that carry a key or token', () => {
  it('tell every cache not to store them: integrations, rotation, API tokens, invites, sign-in, sessions and calendar feeds', async () => {
    const user = await createUser('Noa');
    const seen: Record<string, string | null> = {};
    const record = async (name: string, res: Promise<Response>, status: number) => {
      const r = await res;
      expect(r.status, name).toBe(status);
      seen[name] = r.headers.get('cache-control');
      return r;
    };

    const { service } = await json<{ service: { id: string } }>(
      await record(
        'service create',
        api('/api/services', { body: { name: 'checkout' }, headers: ADMIN }),
        201,
      ),
    );
    const integration = await json<{ id: string; key: string }>(
      await record(
        'integration create',
        api(`/api/services/${service.id}/integrations`, {
          body: { type: 'generic' },
          headers: ADMIN,
        }),
        201,
      ),
    );
    expect(integration.key).toBeTruthy();
    await record(
      'integration rotate',
      api(`/api/services/${service.id}/integrations/${integration.id}/rotate`, {
        method: 'POST',
        headers: ADMIN,
      }),
      200,
    );
    await record(
      'integration list',
      api(`/api/services/${service.id}/integrations`, { headers: ADMIN }),
      200,
    );
    await record(
      'token create',
      api('/api/tokens', { body: { name: 'ci' }, headers: user.auth }),
      201,
    );
    const invite = await json<{ token: string }>(
      await record(
        'invite create',
        api('/api/auth/invites', { body: { role: 'viewer' }, headers: ADMIN }),
        201,
      ),
    );
    await record(
      'sign-in link create',
      api('/api/auth/invites', { body: { userId: user.id }, headers: ADMIN }),
      201,
    );
    await record(
      'invite accept (sets the session cookie)',
      api('/api/auth/accept', { body: { token: invite.token, name: 'Vic' } }),
      200,
    );
    await record('session', api('/api/auth/session', { headers: { cookie: user.cookie } }), 200);
    await record(
      'my calendar feed URL',
      api('/api/oncall/me/calendar-feed', { method: 'POST', headers: user.auth }),
      201,
    );
    const { schedule } = await json<{ schedule: { id: string } }>(
      api('/api/schedules', {
        body: {
          name: 'Primary',
          timeZone: 'Europe/Berlin',
          layers: [
            {
              name: 'L1',
              start: '2026-01-05T09:00',
              rotation: { type: 'weekly' },
              users: [user.id],
            },
          ],
        },
        headers: ADMIN,
      }),
      201,
    );
    await record(
      'schedule calendar feed URL',
      api(`/api/schedules/${schedule.id}/calendar-feed`, { method: 'POST', headers: ADMIN }),
      201,
    );
    await record('refused request', api('/api/tokens', { body: { name: 'x' } }), 401);

    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((name) => [name, 'no-store'])));
  });

  it('leave the calendar feed itself cacheable by its subscriber only', async () => {
    const user = await createUser('Cal');
    const { url } = await json<{ url: string }>(
      api('/api/oncall/me/calendar-feed', { method: 'POST', headers: user.auth }),
      201,
    );
    const feed = await api(new URL(url).pathname);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('private, max-age=300');
  });
});
