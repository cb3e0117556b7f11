import { env } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { ADMIN, api, command, createUser, json, type TestUser } from '../helpers';
import {
  controlClock,
  fireAlarm,
  openOn,
  schedule,
  serviceWithPolicy,
  serviceWithoutPolicy,
  texts,
  untilEscalated,
} from './setup';

let ana: TestUser;
let ben: TestUser;
let clock: ReturnType<typeof controlClock>;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

const twoLevels = () =>
  serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    { delayMinutes: 5, targets: [{ type: 'user', id: ben.id }] },
  ]);

describe('escalation', () => {
  it('pages level 1 as soon as the incident opens, and says who was paged and how', async () => {
    const inc = await openOn(await twoLevels());
    const entries = await untilEscalated(inc.id, /Escalated to level 1/);
    expect(texts(entries)).toContain('Escalated to level 1: Ana');
    expect(texts(entries)).toContain(
      'Ana cannot be reached: no push device and no verified email or phone',
    );
    expect(texts(entries).some((t) => t.includes('level 2'))).toBe(false);
  });

  it('pages level 2 when level 1 has not acknowledged within its delay', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(4);
    expect(texts(await fireAlarm(inc.id)).some((t) => t.includes('level 2'))).toBe(false);
    clock.advanceMinutes(1);
    const entries = await fireAlarm(inc.id);
    expect(texts(entries)).toContain('Escalated to level 2: Ben');
    const view = await json<{ incident: Incident }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(view.incident.escalationLevel).toBe(2);
    // Each page counts towards the responder's on-call load in reports.
    const { results } = await env.DB.prepare(
      'SELECT user_id FROM pages WHERE incident_id = ? ORDER BY at',
    )
      .bind(inc.id)
      .all<{ user_id: string }>();
    expect(results.map((r) => r.user_id)).toEqual([ana.id, ben.id]);
  });

  it('stops escalating the moment someone acknowledges', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(2);
    await command(ana, inc.id, 'acknowledge');
    clock.advanceMinutes(30);
    const entries = await fireAlarm(inc.id);
    expect(texts(entries).filter((t) => t.startsWith('Escalated'))).toEqual([
      'Escalated to level 1: Ana',
    ]);
  });

  it('skips a level whose schedule has nobody on shift at once, writing why, and pages the next', async () => {
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16);
    const empty = await schedule('Night shift', [
      { id: 'l1', name: 'primary', users: [ana.id], rotation: { type: 'daily' }, start: later },
    ]);
    const svc = await serviceWithPolicy([
      { delayMinutes: 10, targets: [{ type: 'schedule', id: empty }] },
      { delayMinutes: 10, targets: [{ type: 'user', id: ben.id }] },
    ]);
    const inc = await openOn(svc);
    const entries = await untilEscalated(inc.id, /level 2/);
    const shown = texts(entries);
    expect(shown).toContain('Skipped level 1: Night shift has nobody on shift');
    expect(shown.indexOf('Skipped level 1: Night shift has nobody on shift')).toBeLessThan(
      shown.indexOf('Escalated to level 2: Ben'),
    );
  });

  it('pages whoever is on call on a schedule target when the level fires', async () => {
    const since = new Date(Date.now() - 86_400_000).toISOString().slice(0, 16);
    const rota = await schedule('Primary', [
      { id: 'l1', name: 'primary', users: [ben.id], rotation: { type: 'weekly' }, start: since },
    ]);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 5, targets: [{ type: 'schedule', id: rota }] }]),
    );
    expect(texts(await untilEscalated(inc.id, /level 1/))).toContain('Escalated to level 1: Ben');
  });

  it('flags an incident "nobody paged" and pages the admins when the whole policy reaches nobody', async () => {
    const empty = await schedule('Empty', []);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 1, targets: [{ type: 'schedule', id: empty }] }]),
    );
    const entries = await untilEscalated(inc.id, /Nobody paged/);
    expect(texts(entries).find((t) => t.startsWith('Nobody paged'))).toMatch(
      /Paging admins instead: Admin/,
    );
    const view = await json<{ incident: Incident }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(view.incident.nobodyPaged).toBe(true);
    const list = await json<{ incidents: { id: string; nobodyPaged: boolean }[] }>(
      api('/api/incidents', { headers: ADMIN }),
      200,
    );
    expect(list.incidents.find((i) => i.id === inc.id)?.nobodyPaged).toBe(true);
  });

  it('flags "nobody paged" when a monitor opens an incident on a service with no policy', async () => {
    const inc = await openOn(await serviceWithoutPolicy());
    const entries = await untilEscalated(inc.id, /Nobody paged/);
    expect(texts(entries).find((t) => t.startsWith('Nobody paged'))).toMatch(
      /has no escalation policy/,
    );
  });

  it('pages nobody for an incident opened by hand without a service, and flags it "nobody paged" on the timeline and in the list', async () => {
    const inc = (
      await json<{ incident: Incident }>(
        api('/api/incidents', {
          body: { title: 'Checkout is down', severity: 'critical' },
          headers: ADMIN,
        }),
        201,
      )
    ).incident;
    const entries = await fireAlarm(inc.id);
    expect(texts(entries)).toContain(
      'Nobody paged: opened by hand without a service, so no escalation policy applies',
    );
    expect(
      entries.some(
        (e) =>
          e.kind === 'escalated' ||
          e.kind === 'notification_sent' ||
          e.kind === 'notification_failed',
      ),
    ).toBe(false);
    const { results } = await env.DB.prepare('SELECT user_id FROM pages WHERE incident_id = ?')
      .bind(inc.id)
      .all();
    expect(results).toEqual([]);
    const list = await json<{ incidents: { id: string; nobodyPaged: boolean }[] }>(
      api('/api/incidents', { headers: ADMIN }),
      200,
    );
    expect(list.incidents.find((i) => i.id === inc.id)?.nobodyPaged).toBe(true);

    await command(ana, inc.id, 'resolve');
    await command(ana, inc.id, 'reopen');
    expect(texts(await fireAlarm(inc.id)).filter((t) => t.startsWith('Nobody paged'))).toHaveLength(
      1,
    );
  });

  it('runs the policy as many times as its repeat count, then stops', async () => {
    const svc = await serviceWithPolicy(
      [{ delayMinutes: 1, targets: [{ type: 'user', id: ana.id }] }],
      { repeat: 2 },
    );
    const inc = await openOn(svc);
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(1);
    expect(texts(await fireAlarm(inc.id))).toContain('Escalated to level 1 (round 2 of 2): Ana');
    clock.advanceMinutes(1);
    expect(texts(await fireAlarm(inc.id)).at(-1)).toMatch(/ran out with nobody acknowledging/);
    clock.advanceMinutes(10);
    const entries = await fireAlarm(inc.id);
    expect(texts(entries).filter((t) => t.startsWith('Escalated to'))).toHaveLength(2);
  });

  it('keeps escalating an incident under way by its policy as it was, while a new incident follows the edited policy', async () => {
    const svc = await twoLevels();
    const policyId = (await env.DB.prepare('SELECT policy_id FROM services WHERE id = ?')
      .bind(svc)
      .first<{ policy_id: string }>())!.policy_id;
    const inc = await openOn(svc);
    await untilEscalated(inc.id, /level 1/);

    const edited = {
      name: 'Edited',
      levels: [
        { delayMinutes: 60, targets: [{ type: 'user', id: ben.id }] },
        { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
      ],
    };
    await json(
      api(`/api/policies/${policyId}`, { method: 'PUT', body: edited, headers: ADMIN }),
      200,
    );
    clock.advanceMinutes(5);
    expect(texts(await fireAlarm(inc.id))).toContain('Escalated to level 2: Ben');

    const next = await openOn(svc, 'Disk full again');
    expect(texts(await untilEscalated(next.id, /level 1/))).toContain('Escalated to level 1: Ben');
  });

  it('jumps to the next level at once on "escalate now"', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    const res = await command(ana, inc.id, 'escalate');
    expect(res.status).toBe(200);
    const view = await json<{ timeline: { text: string }[] }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(texts(view.timeline as never)).toEqual(
      expect.arrayContaining(['Ana escalated the incident by hand', 'Escalated to level 2: Ben']),
    );
  });

  it('starts again from level 1 when a resolved incident is reopened', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(5);
    await fireAlarm(inc.id);
    await command(ben, inc.id, 'resolve');
    await command(ben, inc.id, 'reopen');
    const entries = texts(await untilEscalated(inc.id, /Reopened[\s\S]*Escalated to level 1/));
    const sinceReopen = entries.slice(entries.findIndex((t) => t.startsWith('Reopened')));
    expect(sinceReopen.filter((t) => t.startsWith('Escalated'))).toEqual([
      'Escalated to level 1: Ana',
    ]);
  });

  it('pages the current level again every renotify interval while unacknowledged', async () => {
    const svc = await serviceWithPolicy(
      [{ delayMinutes: 30, targets: [{ type: 'user', id: ana.id }] }],
      { renotifyMinutes: 5 },
    );
    const inc = await openOn(svc);
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(5);
    expect(texts(await fireAlarm(inc.id))).toContain('Still unacknowledged: paging Ana again');
  });
});
