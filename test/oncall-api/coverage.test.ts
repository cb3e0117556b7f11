import { env } from 'cloudflare:test';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../worker/clock';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';

type Interval = { start: number; end: number };
type Coverage = { from: number; to: number; gaps: Interval[] };

const ZONE = 'Europe/Berlin';
const berlin = (iso: string): number => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const DAY = 86_400_000;
// Tuesday afternoon; a form that defaulted to "tomorrow 09:00" left nobody on call until Wednesday.
const NOW = berlin('2026-03-03T15:20');

let ana: TestUser;
let restore: () => void;
let tomorrow: string;

async function newSchedule(name: string, start: string, extra: Record<string, unknown> = {}) {
  const res = await api('/api/schedules', {
    body: {
      name,
      timeZone: ZONE,
      layers: [{ users: [ana.id], rotation: { type: 'daily' }, start, ...extra }],
    },
    headers: ADMIN,
  });
  return (await json<{ schedule: { id: string; coverage: Coverage } }>(res, 201)).schedule;
}

beforeAll(async () => {
  restore = setClock(() => NOW);
  ana = await createUser('Ana');
  tomorrow = (await newSchedule('Starts tomorrow', '2026-03-04T09:00')).id;
});
afterAll(() => restore());

describe('coverage gaps in the API', () => {
  it('says nobody is on call from now until the first handover, with every schedule it returns', async () => {
    const created = await newSchedule('Also tomorrow', '2026-03-04T09:00');
    expect(created.coverage).toEqual({
      from: NOW,
      to: NOW + 7 * DAY,
      gaps: [{ start: NOW, end: berlin('2026-03-04T09:00') }],
    });
    const { schedules } = await json<{ schedules: { id: string; coverage: Coverage }[] }>(
      api('/api/schedules', { headers: ana.auth }),
      200,
    );
    expect(schedules.find((s) => s.id === tomorrow)?.coverage.gaps).toEqual([
      { start: NOW, end: berlin('2026-03-04T09:00') },
    ]);
    expect((await newSchedule('Started this morning', '2026-03-03T09:00')).coverage.gaps).toEqual(
      [],
    );
  });

  it('answers /gaps for a window, weekends and evenings outside office hours included', async () => {
    const office = await newSchedule('Office hours', '2026-03-02T09:00', {
      restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
    });
    const from = berlin('2026-03-06T12:00');
    const to = berlin('2026-03-09T12:00');
    const body = await json<Coverage>(
      api(`/api/schedules/${office.id}/gaps?from=${from}&to=${to}`, { headers: ana.auth }),
      200,
    );
    expect(body).toEqual({
      from,
      to,
      gaps: [{ start: berlin('2026-03-06T17:00'), end: berlin('2026-03-09T09:00') }],
    });

    const byDefault = await json<Coverage>(
      api(`/api/schedules/${tomorrow}/gaps`, { headers: ana.auth }),
      200,
    );
    expect(byDefault).toEqual({
      from: NOW,
      to: NOW + 7 * DAY,
      gaps: [{ start: NOW, end: berlin('2026-03-04T09:00') }],
    });
  });

  it('lets an override fill the gap', async () => {
    const s = await newSchedule('Covered by hand', '2026-03-04T09:00');
    await json(
      api(`/api/schedules/${s.id}/overrides`, {
        body: { userId: ana.id, start: NOW - 60_000, end: berlin('2026-03-04T09:00') },
        headers: ADMIN,
      }),
      201,
    );
    expect(
      (await json<Coverage>(api(`/api/schedules/${s.id}/gaps`, { headers: ana.auth }), 200)).gaps,
    ).toEqual([]);
  });

  it('refuses a window over 90 days or ending before it starts, and unknown schedules', async () => {
    const tooLong = await api(`/api/schedules/${tomorrow}/gaps?from=${NOW}&to=${NOW + 91 * DAY}`, {
      headers: ana.auth,
    });
    expect((await json<{ detail: string }>(tooLong, 400)).detail).toMatch(
      /^to: the window is limited to 90 days/,
    );
    expect(
      (
        await json<{ detail: string }>(
          api(`/api/schedules/${tomorrow}/gaps?from=${NOW}&to=${NOW - 1}`, { headers: ana.auth }),
          400,
        )
      ).detail,
    ).toBe('to: must be after from');
    expect((await api('/api/schedules/sch_missing/gaps', { headers: ana.auth })).status).toBe(404);
  });

  it('names the policy levels with nobody on call now and until when, and the gaps when no level reaches anyone', async () => {
    const res = await api('/api/policies', {
      body: {
        name: 'Thin',
        levels: [
          { delayMinutes: 5, targets: [{ type: 'schedule', id: tomorrow }] },
          { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
        ],
      },
      headers: ADMIN,
    });
    const { policy } = await json<{
      policy: {
        id: string;
        coverage: Coverage & { emptyNow: { level: number; until: number | null }[] };
      };
    }>(res, 201);
    expect(policy.coverage).toEqual({
      from: NOW,
      to: NOW + 7 * DAY,
      gaps: [],
      emptyNow: [{ level: 1, until: berlin('2026-03-04T09:00') }],
    });

    const alone = await json<{ policy: { id: string; coverage: Coverage } }>(
      api('/api/policies', {
        body: {
          name: 'Alone',
          levels: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: tomorrow }] }],
        },
        headers: ADMIN,
      }),
      201,
    );
    expect(alone.policy.coverage.gaps).toEqual([{ start: NOW, end: berlin('2026-03-04T09:00') }]);
    const { policies } = await json<{ policies: { id: string; coverage: Coverage }[] }>(
      api('/api/policies', { headers: ana.auth }),
      200,
    );
    expect(policies.find((p) => p.id === alone.policy.id)?.coverage.gaps).toEqual(
      alone.policy.coverage.gaps,
    );

    // The home screen's "On call now" reads the same gaps per service.
    await env.DB.prepare(
      "INSERT INTO services (id, name, description, policy_id, created_at) VALUES ('svc_thin', 'Thin', '', ?, ?)",
    )
      .bind(alone.policy.id, NOW)
      .run();
    const { services } = await json<{
      services: { id: string; reachesNobody: boolean; gaps: Interval[] }[];
    }>(api('/api/oncall', { headers: ana.auth }), 200);
    expect(services.find((s) => s.id === 'svc_thin')).toMatchObject({
      reachesNobody: true,
      gaps: [{ start: NOW, end: berlin('2026-03-04T09:00') }],
    });
  });

  it('counts a disabled person’s shift and a disabled person as a target as nobody on call, since neither is paged', async () => {
    const dee = await createUser('Dee');
    const res = await api('/api/schedules', {
      body: {
        name: 'Dee alone',
        timeZone: ZONE,
        layers: [{ users: [dee.id], rotation: { type: 'daily' }, start: '2026-03-03T09:00' }],
      },
      headers: ADMIN,
    });
    const deeShift = (await json<{ schedule: { id: string } }>(res, 201)).schedule.id;
    const levels = [
      { delayMinutes: 5, targets: [{ type: 'schedule', id: deeShift }] },
      { delayMinutes: 5, targets: [{ type: 'user', id: dee.id }] },
    ];
    const { policy } = await json<{ policy: { id: string; coverage: Coverage } }>(
      api('/api/policies', { body: { name: 'Dee', levels }, headers: ADMIN }),
      201,
    );
    expect(policy.coverage.gaps).toEqual([]);
    await json(
      api(`/api/users/${dee.id}`, { method: 'PATCH', body: { disabled: true }, headers: ADMIN }),
      200,
    );
    const { policies } = await json<{
      policies: {
        id: string;
        coverage: Coverage & { emptyNow: { level: number; until: number | null }[] };
      }[];
    }>(api('/api/policies', { headers: ana.auth }), 200);
    expect(policies.find((p) => p.id === policy.id)?.coverage).toEqual({
      from: NOW,
      to: NOW + 7 * DAY,
      gaps: [{ start: NOW, end: NOW + 7 * DAY }],
      emptyNow: [
        { level: 1, until: null },
        { level: 2, until: null },
      ],
    });
  });
});
