import { env } from 'cloudflare:test';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPolicy, policyForService } from '../../worker/directory/policies';
import { getSchedule } from '../../worker/directory/schedules';
import { resolveTargets } from '../../worker/directory/on-call';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';

type Problem = {
  code: string;
  detail: string;
  policies?: { id: string; name: string }[];
  services?: { id: string; name: string }[];
};
type Policy = {
  id: string;
  name: string;
  levels: { delayMinutes: number; targets: { type: string; id: string }[] }[];
  repeat: number;
  renotifyMinutes: number | null;
  services: { id: string; name: string }[];
};
type ServiceOnCall = {
  id: string;
  policy: { id: string };
  levels: {
    level: number;
    users: { id: string; name: string; reachable: boolean }[];
    empty: { type: string; id: string }[];
  }[];
  reachesNobody: boolean;
};

const ZONE = 'Europe/Berlin';
const berlin = (iso: string): number => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

let ana: TestUser;
let ben: TestUser;
let cleo: TestUser;
let daily: string;
let weekends: string;

async function newSchedule(name: string, layer: Record<string, unknown>): Promise<string> {
  const res = await api('/api/schedules', {
    body: {
      name,
      timeZone: ZONE,
      layers: [{ rotation: { type: 'daily' }, start: '2026-03-02T09:00', ...layer }],
    },
    headers: ADMIN,
  });
  return (await json<{ schedule: { id: string } }>(res, 201)).schedule.id;
}

async function newPolicy(body: Record<string, unknown>): Promise<Policy> {
  return (await json<{ policy: Policy }>(api('/api/policies', { body, headers: ADMIN }), 201))
    .policy;
}

/** Services are created straight in D1: their API is someone else's and arrives separately. */
async function newService(id: string, name: string): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO services (id, name, description, policy_id, created_at) VALUES (?, ?, '', NULL, ?)",
  )
    .bind(id, name, Date.now())
    .run();
}

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  cleo = await createUser('Cleo', 'viewer');
  // Every day from 09:00 it is never empty: Ana, then Ben, alternating.
  daily = await newSchedule('Primary', { users: [ana.id, ben.id] });
  // Only Saturday mornings: empty at any other time.
  weekends = await newSchedule('Weekend mornings', {
    users: [cleo.id],
    restrictions: [{ days: [6], from: '09:00', to: '12:00' }],
  });
});

describe('escalation policies', () => {
  it('creates a policy with defaults and reads it back through the API and the directory', async () => {
    const policy = await newPolicy({
      name: 'Payments',
      levels: [
        { delayMinutes: 0.1, targets: [{ type: 'schedule', id: daily }] },
        { delayMinutes: 10, targets: [{ type: 'user', id: ben.id }] },
      ],
    });
    expect(policy).toMatchObject({
      name: 'Payments',
      repeat: 1,
      renotifyMinutes: null,
      services: [],
    });
    expect(policy.levels[0]).toEqual({
      delayMinutes: 0.1,
      targets: [{ type: 'schedule', id: daily }],
    });
    expect(
      (
        await json<{ policy: Policy }>(
          api(`/api/policies/${policy.id}`, { headers: cleo.auth }),
          200,
        )
      ).policy.id,
    ).toBe(policy.id);
    expect(
      (
        await json<{ policies: Policy[] }>(api('/api/policies', { headers: cleo.auth }), 200)
      ).policies.map((p) => p.id),
    ).toContain(policy.id);
    expect(await getPolicy(env.DB, policy.id)).toMatchObject({
      id: policy.id,
      levels: policy.levels,
      repeat: 1,
      renotifyMinutes: null,
    });
    expect(await getPolicy(env.DB, 'pol_missing')).toBeNull();
  });

  it('attaches a policy to a service, which the engine then finds by service, and detaches it', async () => {
    const policy = await newPolicy({
      name: 'Checkout',
      levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }],
      repeat: 3,
      renotifyMinutes: 15,
    });
    await newService('svc_checkout', 'Checkout');
    expect(await policyForService(env.DB, 'svc_checkout')).toBeNull();

    const attach = await api(`/api/policies/${policy.id}/services/svc_checkout`, {
      method: 'PUT',
      headers: ADMIN,
    });
    expect(await json(attach, 200)).toEqual({ serviceId: 'svc_checkout', policyId: policy.id });
    expect(await policyForService(env.DB, 'svc_checkout')).toMatchObject({
      id: policy.id,
      repeat: 3,
      renotifyMinutes: 15,
    });
    expect(
      (await json<{ policy: Policy }>(api(`/api/policies/${policy.id}`, { headers: ADMIN }), 200))
        .policy.services,
    ).toEqual([{ id: 'svc_checkout', name: 'Checkout' }]);

    const busy = await api(`/api/policies/${policy.id}`, { method: 'DELETE', headers: ADMIN });
    const problem = await json<Problem>(busy, 409);
    expect(problem.detail).toMatch(/pages for “Checkout” \(svc_checkout\)/);
    expect(problem.services).toEqual([{ id: 'svc_checkout', name: 'Checkout' }]);

    expect(
      (
        await api(`/api/policies/${policy.id}/services/svc_checkout`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    expect(await policyForService(env.DB, 'svc_checkout')).toBeNull();
    expect(
      (await api(`/api/policies/${policy.id}`, { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(204);
    expect((await api(`/api/policies/${policy.id}`, { headers: ADMIN })).status).toBe(404);
  });

  it('answers attaching to an unknown service or policy with 404', async () => {
    const policy = await newPolicy({
      name: 'Lonely',
      levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }],
    });
    expect(
      (
        await json<Problem>(
          api(`/api/policies/${policy.id}/services/svc_nope`, { method: 'PUT', headers: ADMIN }),
          404,
        )
      ).detail,
    ).toBe('No service svc_nope.');
    expect(
      (await api('/api/policies/pol_nope/services/svc_checkout', { method: 'PUT', headers: ADMIN }))
        .status,
    ).toBe(404);
  });

  it('rejects targets that do not exist, naming each one’s place in the body', async () => {
    const res = await api('/api/policies', {
      body: {
        name: 'Broken',
        levels: [
          {
            delayMinutes: 5,
            targets: [
              { type: 'user', id: ana.id },
              { type: 'user', id: 'usr_ghost' },
            ],
          },
          { delayMinutes: 5, targets: [{ type: 'schedule', id: 'sch_ghost' }] },
        ],
      },
      headers: ADMIN,
    });
    expect((await json<Problem>(res, 400)).detail).toBe(
      'levels.0.targets.1.id: unknown user usr_ghost; levels.1.targets.0.id: unknown schedule sch_ghost',
    );
    const bad = await api('/api/policies', {
      body: { name: 'Bad', levels: [{ delayMinutes: -1, targets: [] }], repeat: 11 },
      headers: ADMIN,
    });
    const detail = (await json<Problem>(bad, 400)).detail;
    expect(detail).toMatch(/levels\.0\.delayMinutes/);
    expect(detail).toMatch(/levels\.0\.targets/);
    expect(detail).toMatch(/repeat/);
  });

  it('refuses to delete a schedule a policy targets, saying which policy', async () => {
    const policy = await newPolicy({
      name: 'Uses weekends',
      levels: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: weekends }] }],
    });
    const res = await api(`/api/schedules/${weekends}`, { method: 'DELETE', headers: ADMIN });
    const problem = await json<Problem>(res, 409);
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toMatch(/“Uses weekends”/);
    expect(problem.policies).toEqual([{ id: policy.id, name: 'Uses weekends' }]);

    await json(
      api(`/api/policies/${policy.id}`, {
        method: 'PUT',
        body: {
          name: 'Uses weekends',
          levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: cleo.id }] }],
        },
        headers: ADMIN,
      }),
      200,
    );
    const spare = await newSchedule('Spare', { users: [ana.id] });
    expect(
      (await api(`/api/schedules/${spare}`, { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(204);
    expect(await getSchedule(env.DB, spare)).toBeNull();
  });

  it('refuses policy writes from non-admins with 403', async () => {
    const body = {
      name: 'Nope',
      levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }],
    };
    expect((await api('/api/policies', { body, headers: ana.auth })).status).toBe(403);
    expect(
      (
        await api('/api/policies/pol_x/services/svc_checkout', {
          method: 'PUT',
          headers: cleo.auth,
        })
      ).status,
    ).toBe(403);
    expect((await api('/api/teams', { body: { name: 'Team' }, headers: ben.auth })).status).toBe(
      403,
    );
  });
});

describe('resolving targets', () => {
  it('returns direct users and whoever is on call, de-duplicated in order, and lists schedules that reach nobody', async () => {
    const monday = berlin('2026-03-02T10:00'); // Ana's shift; the weekend layer is empty
    const resolved = await resolveTargets(
      env.DB,
      [
        { type: 'schedule', id: daily },
        { type: 'user', id: ben.id },
        { type: 'user', id: ana.id },
        { type: 'schedule', id: weekends },
        { type: 'schedule', id: 'sch_deleted' },
        { type: 'user', id: 'usr_gone' },
      ],
      monday,
    );
    expect(resolved.userIds).toEqual([ana.id, ben.id]);
    expect(resolved.names).toEqual({ [ana.id]: 'Ana', [ben.id]: 'Ben' });
    expect(resolved.empty).toEqual([
      { type: 'schedule', id: weekends, name: 'Weekend mornings' },
      { type: 'schedule', id: 'sch_deleted', name: 'sch_deleted' },
      { type: 'user', id: 'usr_gone', name: 'usr_gone' },
    ]);

    const saturday = berlin('2026-03-07T10:00');
    expect(
      (await resolveTargets(env.DB, [{ type: 'schedule', id: weekends }], saturday)).userIds,
    ).toEqual([cleo.id]);
  });

  it('applies overrides when resolving a schedule', async () => {
    const at = berlin('2026-03-02T10:00');
    await json(
      api(`/api/schedules/${daily}/overrides`, {
        body: { userId: cleo.id, start: at - 60_000, end: at + 60_000 },
        headers: ADMIN,
      }),
      201,
    );
    expect((await resolveTargets(env.DB, [{ type: 'schedule', id: daily }], at)).userIds).toEqual([
      cleo.id,
    ]);
    expect(
      (await resolveTargets(env.DB, [{ type: 'schedule', id: daily }], at + 60_000)).userIds,
    ).toEqual([ana.id]);
  });
});

describe('who is on call for my services', () => {
  it('lists each service with a policy, level by level, with reachable flags and empty targets', async () => {
    const schedule = await newSchedule('Always Ben', {
      users: [ben.id],
      start: '2020-01-01T00:00',
    });
    const notYet = await newSchedule('Starts in 2099', {
      users: [cleo.id],
      start: '2099-01-01T00:00',
    });
    const policy = await newPolicy({
      name: 'Search',
      levels: [
        { delayMinutes: 5, targets: [{ type: 'schedule', id: schedule }] },
        {
          delayMinutes: 5,
          targets: [
            { type: 'schedule', id: notYet },
            { type: 'user', id: ana.id },
          ],
        },
      ],
    });
    await newService('svc_search', 'Search');
    await json(
      api(`/api/policies/${policy.id}/services/svc_search`, { method: 'PUT', headers: ADMIN }),
      200,
    );
    await env.DB.prepare(
      'INSERT INTO push_subscriptions (id, user_id, label, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
      .bind(
        'psub_ana',
        ana.id,
        'Ana’s phone',
        'https://push.example/ana',
        'p256dh',
        'auth',
        Date.now(),
      )
      .run();

    const all = await json<{ at: number; services: ServiceOnCall[] }>(
      api('/api/oncall', { headers: cleo.auth }),
      200,
    );
    const search = all.services.find((s) => s.id === 'svc_search');
    expect(search?.policy.id).toBe(policy.id);
    expect(search?.reachesNobody).toBe(false);
    expect(search?.levels[0]).toMatchObject({
      level: 1,
      users: [{ id: ben.id, name: 'Ben', reachable: false }],
      empty: [],
    });
    expect(search?.levels[1]?.users).toEqual([{ id: ana.id, name: 'Ana', reachable: true }]);
    expect(search?.levels[1]?.empty).toEqual([
      { type: 'schedule', id: notYet, name: 'Starts in 2099' },
    ]);

    const bens = await json<{ services: ServiceOnCall[] }>(
      api('/api/oncall?mine=1', { headers: ben.auth }),
      200,
    );
    expect(bens.services.map((s) => s.id)).toContain('svc_search');
    const admins = await json<{ services: ServiceOnCall[] }>(
      api('/api/oncall?mine=1', { headers: ADMIN }),
      200,
    );
    expect(admins.services.map((s) => s.id)).not.toContain('svc_search');
  });
  it('flags a service whose policy reaches nobody right now', async () => {
    const notYet = await newSchedule('Empty until 2099', {
      users: [ana.id],
      start: '2099-01-01T00:00',
    });
    const policy = await newPolicy({
      name: 'Void',
      levels: [{ delayMinutes: 1, targets: [{ type: 'schedule', id: notYet }] }],
    });
    await newService('svc_void', 'Void');
    await json(
      api(`/api/policies/${policy.id}/services/svc_void`, { method: 'PUT', headers: ADMIN }),
      200,
    );
    const { services } = await json<{ services: ServiceOnCall[] }>(
      api('/api/oncall', { headers: cleo.auth }),
      200,
    );
    expect(services.find((s) => s.id === 'svc_void')).toMatchObject({
      reachesNobody: true,
      levels: [{ level: 1, users: [], empty: [{ type: 'schedule', id: notYet }] }],
    });
  });
});

describe('teams', () => {
  it('creates a team, replaces its members and lets a schedule belong to it', async () => {
    const created = await json<{ team: { id: string; members: { id: string }[] } }>(
      api('/api/teams', { body: { name: 'Payments', userIds: [ana.id] }, headers: ADMIN }),
      201,
    );
    expect(created.team.members.map((m) => m.id)).toEqual([ana.id]);
    const put = await api(`/api/teams/${created.team.id}/members`, {
      method: 'PUT',
      body: { userIds: [ben.id, ana.id] },
      headers: ADMIN,
    });
    expect(
      (await json<{ team: { members: { name: string }[] } }>(put, 200)).team.members.map(
        (m) => m.name,
      ),
    ).toEqual(['Ana', 'Ben']);
    const { teams } = await json<{ teams: { id: string }[] }>(
      api('/api/teams', { headers: cleo.auth }),
      200,
    );
    expect(teams.map((t) => t.id)).toContain(created.team.id);

    const unknown = await api(`/api/teams/${created.team.id}/members`, {
      method: 'PUT',
      body: { userIds: ['usr_ghost'] },
      headers: ADMIN,
    });
    expect((await json<Problem>(unknown, 400)).detail).toBe('userIds.0: unknown user usr_ghost');
    expect(
      (
        await api('/api/teams/team_nope/members', {
          method: 'PUT',
          body: { userIds: [] },
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);

    const res = await api('/api/schedules', {
      body: {
        name: 'Team schedule',
        timeZone: ZONE,
        teamId: created.team.id,
        layers: [{ users: [ana.id], rotation: { type: 'weekly' }, start: '2026-03-02T09:00' }],
      },
      headers: ADMIN,
    });
    expect((await json<{ schedule: { teamId: string } }>(res, 201)).schedule.teamId).toBe(
      created.team.id,
    );
    const badTeam = await api('/api/schedules', {
      body: {
        name: 'x',
        timeZone: ZONE,
        teamId: 'team_nope',
        layers: [{ users: [ana.id], rotation: { type: 'weekly' }, start: '2026-03-02T09:00' }],
      },
      headers: ADMIN,
    });
    expect((await json<Problem>(badTeam, 400)).detail).toBe('teamId: unknown team team_nope');
  });
});
