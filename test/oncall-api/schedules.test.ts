import { env } from 'cloudflare:test';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';

type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
};
type Responder = { id: string; name: string; reachable: boolean };
type Schedule = {
  id: string;
  name: string;
  timeZone: string;
  layers: { id: string; name: string; users: string[] }[];
  overrides: { id: string; userId: string }[];
};
type Shift = {
  userId: string;
  name: string;
  reachable: boolean;
  start: number;
  end: number;
  override?: boolean;
};

const ZONE = 'Europe/Berlin';
const berlin = (iso: string): number => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

let ana: TestUser;
let ben: TestUser;
let schedule: Schedule;

const createSchedule = async (body: Record<string, unknown>) =>
  api('/api/schedules', { body, headers: ADMIN });
const onCall = async (id: string, at: number | string) =>
  json<{ at: number; users: Responder[] }>(
    api(`/api/schedules/${id}/oncall?at=${encodeURIComponent(String(at))}`, { headers: ana.auth }),
    200,
  );

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  const res = await createSchedule({
    name: 'Payments primary',
    timeZone: ZONE,
    layers: [{ users: [ana.id, ben.id], rotation: { type: 'daily' }, start: '2026-03-02T09:00' }],
  });
  schedule = (await json<{ schedule: Schedule }>(res, 201)).schedule;
});

describe('schedules', () => {
  it('creates a schedule, filling in layer ids and names, and lists it', async () => {
    expect(schedule).toMatchObject({ name: 'Payments primary', timeZone: ZONE, overrides: [] });
    expect(schedule.layers[0]).toMatchObject({
      id: expect.stringMatching(/^lyr_/),
      name: 'Layer 1',
      users: [ana.id, ben.id],
    });
    const { schedules } = await json<{ schedules: Schedule[] }>(
      api('/api/schedules', { headers: ana.auth }),
      200,
    );
    expect(schedules.map((s) => s.id)).toContain(schedule.id);
    expect(
      (
        await json<{ schedule: Schedule }>(
          api(`/api/schedules/${schedule.id}`, { headers: ana.auth }),
          200,
        )
      ).schedule.id,
    ).toBe(schedule.id);
  });

  it('says who is on call at a given instant of a daily rotation, by ISO time or epoch milliseconds', async () => {
    expect((await onCall(schedule.id, '2026-03-02T09:00:00Z')).users).toEqual([
      { id: ana.id, name: 'Ana', reachable: false },
    ]);
    expect((await onCall(schedule.id, berlin('2026-03-03T10:00'))).users.map((u) => u.id)).toEqual([
      ben.id,
    ]);
    expect((await onCall(schedule.id, berlin('2026-03-04T08:59'))).users.map((u) => u.id)).toEqual([
      ben.id,
    ]);
    expect((await onCall(schedule.id, berlin('2026-03-04T09:00'))).users.map((u) => u.id)).toEqual([
      ana.id,
    ]);
    expect((await onCall(schedule.id, '2026-03-02T07:59:00+01:00')).users).toEqual([]); // before the first handoff
  });

  it('puts an override on top of the rotation and takes it away again when deleted', async () => {
    const res = await api(`/api/schedules/${schedule.id}/overrides`, {
      body: { userId: ben.id, start: '2026-03-02T12:00:00+01:00', end: berlin('2026-03-02T14:00') },
      headers: ADMIN,
    });
    const { override } = await json<{ override: { id: string; start: number; end: number } }>(
      res,
      201,
    );
    expect(override).toMatchObject({
      start: berlin('2026-03-02T12:00'),
      end: berlin('2026-03-02T14:00'),
    });
    expect((await onCall(schedule.id, berlin('2026-03-02T13:00'))).users.map((u) => u.id)).toEqual([
      ben.id,
    ]);
    expect((await onCall(schedule.id, berlin('2026-03-02T14:00'))).users.map((u) => u.id)).toEqual([
      ana.id,
    ]);

    expect(
      (
        await api(`/api/schedules/${schedule.id}/overrides/${override.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    expect((await onCall(schedule.id, berlin('2026-03-02T13:00'))).users.map((u) => u.id)).toEqual([
      ana.id,
    ]);
    expect(
      (
        await api(`/api/schedules/${schedule.id}/overrides/${override.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);
  });

  it('renders the final shifts of a window with names, the override included', async () => {
    const other = (
      await json<{ schedule: Schedule }>(
        await createSchedule({
          name: 'Window',
          timeZone: ZONE,
          layers: [
            { users: [ana.id, ben.id], rotation: { type: 'daily' }, start: '2026-03-02T09:00' },
          ],
        }),
        201,
      )
    ).schedule;
    await json(
      api(`/api/schedules/${other.id}/overrides`, {
        body: {
          userId: ben.id,
          start: berlin('2026-03-02T12:00'),
          end: berlin('2026-03-02T14:00'),
        },
        headers: ADMIN,
      }),
      201,
    );
    const from = berlin('2026-03-02T09:00');
    const to = berlin('2026-03-04T09:00');
    const body = await json<{ from: number; to: number; shifts: Shift[] }>(
      api(`/api/schedules/${other.id}/shifts?from=${from}&to=${to}`, { headers: ben.auth }),
      200,
    );
    expect(body.shifts.map((s) => [s.name, s.start, s.end, s.override ?? false])).toEqual([
      ['Ana', from, berlin('2026-03-02T12:00'), false],
      ['Ben', berlin('2026-03-02T12:00'), berlin('2026-03-02T14:00'), true],
      ['Ana', berlin('2026-03-02T14:00'), berlin('2026-03-03T09:00'), false],
      ['Ben', berlin('2026-03-03T09:00'), to, false],
    ]);
  });

  it('refuses a shifts window longer than 90 days or ending before it starts', async () => {
    const from = berlin('2026-03-02T00:00');
    const tooLong = await api(
      `/api/schedules/${schedule.id}/shifts?from=${from}&to=${from + 90 * 86_400_000 + 1}`,
      { headers: ana.auth },
    );
    expect(tooLong.status).toBe(400);
    expect((await json<Problem>(tooLong)).detail).toMatch(/^to: .*90 days/);
    const backwards = await api(
      `/api/schedules/${schedule.id}/shifts?from=${from}&to=${from - 1}`,
      { headers: ana.auth },
    );
    expect((await json<Problem>(backwards, 400)).detail).toMatch(/to: must be after from/);
    const garbage = await api(`/api/schedules/${schedule.id}/oncall?at=yesterday`, {
      headers: ana.auth,
    });
    expect((await json<Problem>(garbage, 400)).detail).toMatch(
      /^at: expected epoch milliseconds or an ISO 8601/,
    );
  });

  it('flags an on-call user without a push subscription as unreachable until they subscribe', async () => {
    const at = berlin('2026-03-03T10:00');
    expect((await onCall(schedule.id, at)).users).toEqual([
      { id: ben.id, name: 'Ben', reachable: false },
    ]);
    await env.DB.prepare(
      'INSERT INTO push_subscriptions (id, user_id, label, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
      .bind(
        'psub_ben',
        ben.id,
        'Ben’s phone',
        'https://push.example/ben',
        'p256dh',
        'auth',
        Date.now(),
      )
      .run();
    expect((await onCall(schedule.id, at)).users).toEqual([
      { id: ben.id, name: 'Ben', reachable: true },
    ]);
    const { shifts } = await json<{ shifts: Shift[] }>(
      api(
        `/api/schedules/${schedule.id}/shifts?from=${berlin('2026-03-02T09:00')}&to=${berlin('2026-03-04T09:00')}`,
        { headers: ana.auth },
      ),
      200,
    );
    expect(shifts.map((s) => [s.userId, s.reachable])).toEqual([
      [ana.id, false],
      [ben.id, true],
    ]);
  });

  it('replaces a schedule’s layers with PUT, keeping its overrides', async () => {
    const put = await api(`/api/schedules/${schedule.id}`, {
      method: 'PUT',
      body: {
        name: 'Payments primary',
        timeZone: ZONE,
        layers: [
          {
            id: 'base',
            name: 'Base',
            users: [ben.id, ana.id],
            rotation: { type: 'weekly' },
            start: '2026-03-02T09:00',
          },
        ],
      },
      headers: ADMIN,
    });
    expect((await json<{ schedule: Schedule }>(put, 200)).schedule.layers).toEqual([
      {
        id: 'base',
        name: 'Base',
        users: [ben.id, ana.id],
        rotation: { type: 'weekly' },
        start: '2026-03-02T09:00',
      },
    ]);
    expect((await onCall(schedule.id, berlin('2026-03-05T10:00'))).users.map((u) => u.id)).toEqual([
      ben.id,
    ]);
  });
});

describe('schedule validation', () => {
  const layer = (extra: Record<string, unknown> = {}) => ({
    users: [ana.id],
    rotation: { type: 'daily' },
    start: '2026-03-02T09:00',
    ...extra,
  });
  const problemOf = async (body: Record<string, unknown>) => {
    const res = await createSchedule({ name: 'Bad', timeZone: ZONE, layers: [layer()], ...body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return json<Problem>(res);
  };

  it('rejects an unknown time zone, naming the field', async () => {
    const p = await problemOf({ timeZone: 'Mars/Olympus_Mons' });
    expect(p.code).toBe('validation');
    expect(p.detail).toMatch(/^timeZone: unknown IANA time zone/);
  });

  it('rejects a restriction time that is not HH:mm, naming where it is', async () => {
    const p = await problemOf({
      layers: [layer({ restrictions: [{ days: [1, 2, 3, 4, 5], from: '9am', to: '17:00' }] })],
    });
    expect(p.detail).toMatch(/layers\.0\.restrictions\.0\.from: expected HH:mm/);
  });

  it('rejects a user id that is not a user, naming its place in the layer', async () => {
    const p = await problemOf({ layers: [layer({ users: [ana.id, 'usr_nobody'] })] });
    expect(p.detail).toBe('layers.0.users.1: unknown user usr_nobody');
    expect(p.errors).toEqual([{ path: 'layers.0.users.1', message: 'unknown user usr_nobody' }]);
  });

  it('rejects a start with an offset, a custom rotation without hours and an override that ends before it starts', async () => {
    expect((await problemOf({ layers: [layer({ start: '2026-03-02T09:00Z' })] })).detail).toMatch(
      /layers\.0\.start: expected a local date-time without offset/,
    );
    expect((await problemOf({ layers: [layer({ rotation: { type: 'custom' } })] })).detail).toMatch(
      /layers\.0\.rotation\.hours: a custom rotation needs its length/,
    );
    const res = await api(`/api/schedules/${schedule.id}/overrides`, {
      body: { userId: ana.id, start: berlin('2026-03-02T12:00'), end: berlin('2026-03-02T11:00') },
      headers: ADMIN,
    });
    expect((await json<Problem>(res, 400)).detail).toBe('end: must be after start');
  });

  it('answers unknown schedule ids with 404', async () => {
    expect((await api('/api/schedules/sch_missing', { headers: ana.auth })).status).toBe(404);
    expect((await api('/api/schedules/sch_missing/oncall', { headers: ana.auth })).status).toBe(
      404,
    );
    expect(
      (await api('/api/schedules/sch_missing', { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(404);
  });

  it('refuses schedule and override writes from non-admins with 403 but lets them read', async () => {
    const create = await api('/api/schedules', {
      body: { name: 'Mine', timeZone: ZONE, layers: [layer()] },
      headers: ana.auth,
    });
    expect(create.status).toBe(403);
    expect((await json<Problem>(create)).detail).toMatch(/admin role/);
    expect(
      (
        await api(`/api/schedules/${schedule.id}/overrides`, {
          body: { userId: ana.id, start: 0, end: 1 },
          headers: ana.auth,
        })
      ).status,
    ).toBe(403);
    expect(
      (await api(`/api/schedules/${schedule.id}`, { method: 'DELETE', headers: ben.auth })).status,
    ).toBe(403);
    expect((await api(`/api/schedules/${schedule.id}`, { headers: ben.auth })).status).toBe(200);
  });
});
