import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, json, openIncident, type TestUser } from '../helpers';
import { newIntegration, newService, send } from '../ingest/support';

type Problem = { status: number; code: string; detail: string; [k: string]: unknown };

let ana: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
});

const patch = (path: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  api(path, { method: 'PATCH', body, headers });
const remove = (path: string, headers: Record<string, string> = ADMIN) =>
  api(path, { method: 'DELETE', headers });

describe('changing and deleting services', () => {
  it('renames a service and changes its description, keeping the rest', async () => {
    const id = await newService('Chekout');
    const renamed = await json<{ service: { name: string; description: string } }>(
      patch(`/api/services/${id}`, { name: 'Checkout' }),
      200,
    );
    expect(renamed.service).toMatchObject({ id, name: 'Checkout', description: '' });
    expect(
      (
        await json<{ service: { name: string; description: string } }>(
          patch(`/api/services/${id}`, { description: 'Card payments' }),
          200,
        )
      ).service,
    ).toMatchObject({ name: 'Checkout', description: 'Card payments' });
    expect((await json<Problem>(patch(`/api/services/${id}`, {}), 400)).detail).toBe(
      '(body): send name and/or description',
    );
    expect((await patch(`/api/services/${id}`, { name: 'x' }, ana.auth)).status).toBe(403);
    expect((await patch('/api/services/svc_missing', { name: 'x' })).status).toBe(404);
  });

  it('refuses to delete a service with an open incident or a live integration, naming them, then deletes it', async () => {
    const id = await newService('Search');
    const integration = await newIntegration(id, 'generic', { name: 'Uptime probe' });
    const incident = await openIncident(ana, { title: 'Search is slow', serviceId: id });

    const busy = await json<Problem>(remove(`/api/services/${id}`), 409);
    expect(busy.code).toBe('conflict');
    expect(busy.detail).toBe(
      `Service “Search” still has open incident #${incident.number} “Search is slow” and live integration “Uptime probe” (${integration.id}); resolve the incidents and revoke the integrations first.`,
    );
    expect(busy.incidents).toEqual([
      { id: incident.id, number: incident.number, title: 'Search is slow' },
    ]);
    expect(busy.integrations).toEqual([{ id: integration.id, name: 'Uptime probe' }]);

    expect(
      (await api(`/api/incidents/${incident.id}/resolve`, { body: {}, headers: ana.auth })).status,
    ).toBe(200);
    expect((await json<Problem>(remove(`/api/services/${id}`), 409)).detail).toMatch(
      /still has live integration “Uptime probe”/,
    );
    expect((await remove(`/api/services/${id}/integrations/${integration.id}`)).status).toBe(204);

    expect((await remove(`/api/services/${id}`, ana.auth)).status).toBe(403);
    expect((await remove(`/api/services/${id}`)).status).toBe(204);
    expect((await api(`/api/services/${id}`, { headers: ADMIN })).status).toBe(404);
    expect((await remove(`/api/services/${id}`)).status).toBe(404);
  });
});

describe('changing an integration', () => {
  it('renames it and lowers its rate, which the next request already obeys; the key keeps working', async () => {
    const id = await newService('Probe target');
    const integration = await newIntegration(id, 'generic');
    const changed = await json<{ name: string; ratePerMinute: number }>(
      patch(`/api/services/${id}/integrations/${integration.id}`, {
        name: 'Blackbox probe',
        ratePerMinute: 1,
      }),
      200,
    );
    expect(changed).toMatchObject({ id: integration.id, name: 'Blackbox probe', ratePerMinute: 1 });
    expect(changed).not.toHaveProperty('key');

    const event = { summary: 'Probe failed', dedup_key: 'probe' };
    expect((await send(integration.url, event)).status).toBe(202);
    expect((await send(integration.url, event)).status).toBe(429);

    expect(
      (
        await json<Problem>(
          patch(`/api/services/${id}/integrations/${integration.id}`, { ratePerMinute: 0 }),
          400,
        )
      ).detail,
    ).toMatch(/^ratePerMinute:/);
    expect(
      (
        await json<Problem>(
          patch(`/api/services/${id}/integrations/${integration.id}`, { key: 'mine' }),
          400,
        )
      ).code,
    ).toBe('validation');
    expect(
      (await patch(`/api/services/${id}/integrations/int_missing`, { name: 'x' })).status,
    ).toBe(404);
    expect(
      (await patch(`/api/services/${id}/integrations/${integration.id}`, { name: 'x' }, ana.auth))
        .status,
    ).toBe(403);
  });
});

describe('changing and deleting teams', () => {
  it('renames a team, refuses to delete one that owns a schedule, naming it, and deletes it once it owns none', async () => {
    const { team } = await json<{ team: { id: string } }>(
      api('/api/teams', { body: { name: 'Paymnets', userIds: [ana.id] }, headers: ADMIN }),
      201,
    );
    expect(
      (
        await json<{ team: { name: string; members: { id: string }[] } }>(
          patch(`/api/teams/${team.id}`, { name: 'Payments' }),
          200,
        )
      ).team,
    ).toMatchObject({ name: 'Payments', members: [{ id: ana.id }] });

    const layer = { users: [ana.id], rotation: { type: 'weekly' }, start: '2026-03-02T09:00' };
    const { schedule } = await json<{ schedule: { id: string } }>(
      api('/api/schedules', {
        body: { name: 'Payments primary', timeZone: 'UTC', teamId: team.id, layers: [layer] },
        headers: ADMIN,
      }),
      201,
    );
    const busy = await json<Problem>(remove(`/api/teams/${team.id}`), 409);
    expect(busy.detail).toBe(
      `Team “Payments” owns schedule “Payments primary” (${schedule.id}); move it to another team or none first.`,
    );
    expect(busy.schedules).toEqual([{ id: schedule.id, name: 'Payments primary' }]);

    await json(
      api(`/api/schedules/${schedule.id}`, {
        method: 'PUT',
        body: { name: 'Payments primary', timeZone: 'UTC', teamId: null, layers: [layer] },
        headers: ADMIN,
      }),
      200,
    );
    expect((await remove(`/api/teams/${team.id}`, ana.auth)).status).toBe(403);
    expect((await remove(`/api/teams/${team.id}`)).status).toBe(204);
    expect((await api(`/api/teams/${team.id}`, { headers: ADMIN })).status).toBe(404);
  });
});

describe('my name', () => {
  it('lets anyone rename themselves, and their teammates see the new name', async () => {
    const viewer = await createUser('vic', 'viewer');
    const renamed = await json<{ user: { id: string; name: string; role: string } }>(
      patch('/api/me', { name: '  Victoria  ' }, viewer.auth),
      200,
    );
    expect(renamed.user).toEqual({ id: viewer.id, name: 'Victoria', role: 'viewer' });
    expect(
      (await json<{ user: { name: string } }>(api('/api/me', { headers: viewer.auth }), 200)).user
        .name,
    ).toBe('Victoria');
    const { users } = await json<{ users: { id: string; name: string }[] }>(
      api('/api/users', { headers: ana.auth }),
      200,
    );
    expect(users.find((u) => u.id === viewer.id)?.name).toBe('Victoria');
    expect((await json<Problem>(patch('/api/me', { name: '' }, viewer.auth), 400)).detail).toMatch(
      /^name:/,
    );
    expect((await patch('/api/me', { name: 'Ghost' }, {})).status).toBe(401);
  });

  it('takes the name the admin types when joining through their sign-in link, instead of “Admin” forever', async () => {
    const link = await json<{ token: string }>(
      api('/api/auth/invites', { body: { userId: 'usr_admin' }, headers: ADMIN }),
      201,
    );
    const joined = await json<{ user: { id: string; name: string; role: string } }>(
      api('/api/auth/accept', { body: { token: link.token, name: 'Grace Hopper' } }),
      200,
    );
    expect(joined.user).toEqual({ id: 'usr_admin', name: 'Grace Hopper', role: 'admin' });
    expect(
      (await json<{ user: { name: string } }>(api('/api/me', { headers: ADMIN }), 200)).user.name,
    ).toBe('Grace Hopper');

    // A second phone, name left blank: the name stays.
    const again = await json<{ token: string }>(
      api('/api/auth/invites', { body: { userId: 'usr_admin' }, headers: ADMIN }),
      201,
    );
    expect(
      (
        await json<{ user: { name: string } }>(
          api('/api/auth/accept', { body: { token: again.token } }),
          200,
        )
      ).user.name,
    ).toBe('Grace Hopper');
  });
});
