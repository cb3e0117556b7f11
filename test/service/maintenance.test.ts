import { SELF } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../schema/incident';
import type { MaintenanceWindow } from '../../schema/maintenance-schemas';
import { setClock } from '../../worker/clock';
import { fireAlarm, serviceWithPolicy, texts, untilEscalated } from '../escalation/setup';
import { ADMIN, api, command, createUser, json, type TestUser } from '../helpers';
import { expectProblem, newIntegration, serviceIncidents, view } from '../ingest/support';
import { alert } from '../rules/support';

const MIN = 60_000;
let ana: TestUser;
let t = Date.now();
let restore: () => void = () => {};

/** Time moves only when a test says so; each test starts at `at`. */
function clockAt(at: number): void {
  restore();
  t = at;
  restore = setClock(() => t);
}
const advance = (minutes: number) => (t += minutes * MIN);

beforeAll(async () => {
  ana = await createUser('Ana');
});
afterEach(() => restore());

/** A service paging Ana at level 1, with a generic integration to send alerts to. */
async function pagedService(): Promise<{ serviceId: string; url: string }> {
  const serviceId = await serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
  ]);
  return { serviceId, url: (await newIntegration(serviceId, 'generic')).url };
}

function postWindow(body: Record<string, unknown>): Promise<Response> {
  return api('/api/maintenance-windows', { body, headers: ADMIN });
}

async function createWindow(body: Record<string, unknown>): Promise<MaintenanceWindow> {
  return (await json<{ window: MaintenanceWindow }>(postWindow(body), 201)).window;
}

async function opened(url: string, summary = 'Database failover'): Promise<string> {
  const answer = await alert(url, { summary, dedup_key: summary });
  return answer.incidents[0]?.incidentId as string;
}

const paged = (entries: { kind: string }[]) => entries.some((e) => e.kind === 'escalated');

describe('maintenance windows', () => {
  it('refuses end before start, past windows, unknown zones, bad RRULE or cron and overlaps, naming the field', async () => {
    clockAt(Date.now());
    const { serviceId } = await pagedService();
    const once = (start: number, end: number) => ({
      name: 'Upgrade',
      serviceIds: [serviceId],
      schedule: { type: 'once', start, end },
    });
    const recurring = (schedule: Record<string, unknown>) => ({
      name: 'Weekly patching',
      serviceIds: [serviceId],
      schedule: { timeZone: 'Europe/Berlin', durationMinutes: 60, ...schedule },
    });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [once(t + 60 * MIN, t + 30 * MIN), 'schedule.end', /after schedule.start/],
      [once(t - 60 * MIN, t - 30 * MIN), 'schedule.end', /wholly in the past/],
      [
        recurring({ type: 'cron', expression: '0 2 * * 0', timeZone: 'Mars/Olympus' }),
        'schedule.timeZone',
        /unknown time zone/,
      ],
      [recurring({ type: 'rrule', rule: 'BYDAY=SU' }), 'schedule.rule', /FREQ/],
      [recurring({ type: 'rrule', rule: 'FREQ=MINUTELY' }), 'schedule.rule', /HOURLY/],
      [recurring({ type: 'rrule', rule: 'FREQ=WEEKLY;BYDAY=XX' }), 'schedule.rule', /invalid/],
      [recurring({ type: 'cron', expression: '61 2 * * 0' }), 'schedule.expression', /minute/],
      [
        recurring({ type: 'cron', expression: '0 2 * * 0', until: t - MIN, from: t - 60 * MIN }),
        'schedule.until',
        /wholly in the past/,
      ],
      [{ ...once(t, t + MIN), serviceIds: ['svc_nope'] }, 'serviceIds.0', /no service/],
    ];
    for (const [body, path, message] of cases) {
      const res = await postWindow(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = await expectProblem(res);
      expect(problem.errors).toContainEqual({ path, message: expect.stringMatching(message) });
    }

    await createWindow(once(t + 60 * MIN, t + 120 * MIN));
    const clash = await postWindow(once(t + 90 * MIN, t + 150 * MIN));
    expect(clash.status).toBe(400);
    expect((await expectProblem(clash)).detail).toMatch(/schedule: overlaps window mw_/);
    // A daily cron at the same hour as the one-off window also overlaps it.
    const hour = new Date(t + 60 * MIN).getUTCHours();
    const daily = await postWindow(
      recurring({ type: 'cron', expression: `30 ${hour} * * *`, timeZone: 'UTC' }),
    );
    expect(daily.status).toBe(400);
  });

  it('opens an incident for an alert in a window without paging, and pages level 1 when the window ends', async () => {
    clockAt(Date.now());
    const { serviceId, url } = await pagedService();
    const window = await createWindow({
      name: 'Postgres 17 upgrade',
      serviceIds: [serviceId],
      schedule: { type: 'once', start: t - MIN, end: t + 60 * MIN },
    });
    expect(window.current).toEqual({ start: t - MIN, end: t + 60 * MIN });

    const id = await opened(url);
    const first = await fireAlarm(id);
    expect(paged(first)).toBe(false);
    expect(texts(first)).toContainEqual(
      expect.stringMatching(/^In maintenance: Postgres 17 upgrade until .* no one is paged/),
    );
    // Alerts keep updating the incident during the window.
    await alert(url, { summary: 'Replica lag', dedup_key: 'Database failover' });
    const during = await view(id);
    expect(during.incident.maintenance).toMatchObject({
      windowId: window.id,
      name: 'Postgres 17 upgrade',
    });
    expect(during.incident.notificationCount).toBe(2);
    const listed = (await serviceIncidents(serviceId))[0] as IncidentSummary;
    expect(listed.maintenance?.name).toBe('Postgres 17 upgrade');

    advance(59);
    expect(paged(await fireAlarm(id))).toBe(false);
    advance(1);
    const after = await untilEscalated(id, /Escalated to level 1: Ana/);
    expect(texts(after)).toContain(
      'Maintenance Postgres 17 upgrade ended: paging starts from level 1',
    );
    expect((await view(id)).incident.maintenance).toBeNull();
  });

  it('never pages for an incident resolved during the window', async () => {
    clockAt(Date.now());
    const { serviceId, url } = await pagedService();
    await createWindow({
      name: 'Network maintenance',
      serviceIds: [serviceId],
      schedule: { type: 'once', start: t, end: t + 30 * MIN },
    });
    const id = await opened(url, 'Switch port flapping');
    advance(10);
    expect((await command(ana, id, 'resolve')).status).toBe(200);
    advance(60);
    const entries = await fireAlarm(id);
    expect(paged(entries)).toBe(false);
    expect(texts(entries).some((x) => x.startsWith('Maintenance Network maintenance ended'))).toBe(
      false,
    );
  });

  it('starts paging at once when an admin ends the window early', async () => {
    clockAt(Date.now());
    const { serviceId, url } = await pagedService();
    const window = await createWindow({
      name: 'Kernel patching',
      serviceIds: [serviceId],
      schedule: { type: 'once', start: t, end: t + 120 * MIN },
    });
    const id = await opened(url, 'Node not ready');
    advance(15);
    expect(paged(await fireAlarm(id))).toBe(false);
    const ended = await json<{ window: MaintenanceWindow }>(
      api(`/api/maintenance-windows/${window.id}/end`, { method: 'POST', headers: ADMIN }),
      200,
    );
    expect(ended.window.endedAt).toBe(t);
    expect(ended.window.current).toBeNull();
    const entries = await untilEscalated(id, /Escalated to level 1: Ana/);
    expect(texts(entries)).toContain(
      'Maintenance Kernel patching ended early: paging starts from level 1',
    );
    // A new alert after the window pages as usual.
    const second = await opened(url, 'Another node');
    expect((await view(second)).incident.maintenance ?? null).toBeNull();
    await untilEscalated(second, /Escalated to level 1: Ana/);
  });

  it('moves the start of paging when an admin extends the window', async () => {
    clockAt(Date.now());
    const { serviceId, url } = await pagedService();
    const body = (end: number) => ({
      name: 'Storage migration',
      serviceIds: [serviceId],
      schedule: { type: 'once', start: t, end },
    });
    const window = await createWindow(body(t + 30 * MIN));
    const id = await opened(url, 'Volume detached');
    advance(10);
    const edited = await json<{ window: MaintenanceWindow }>(
      api(`/api/maintenance-windows/${window.id}`, {
        method: 'PUT',
        body: body(t - 10 * MIN + 90 * MIN),
        headers: ADMIN,
      }),
      200,
    );
    const end = edited.window.current?.end as number;
    expect((await view(id)).incident.maintenance?.until).toBe(end);
    expect(texts((await view(id)).timeline)).toContainEqual(
      expect.stringMatching(/^Maintenance Storage migration now ends at /),
    );
    advance(30);
    expect(paged(await fireAlarm(id))).toBe(false);
    t = end;
    await untilEscalated(id, /Escalated to level 1: Ana/);
  });

  it('places a recurring window at the right local time across the DST change in America/New_York', async () => {
    // Saturday 7 March 2026, noon UTC; clocks in New York go forward on Sunday 8 March at 02:00.
    clockAt(Date.UTC(2026, 2, 7, 12, 0));
    for (const schedule of [
      { type: 'rrule', rule: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0' },
      { type: 'cron', expression: '0 9 * * *' },
    ]) {
      const { serviceId, url } = await pagedService();
      const window = await createWindow({
        name: 'Morning batch',
        serviceIds: [serviceId],
        schedule: { ...schedule, timeZone: 'America/New_York', durationMinutes: 60 },
      });
      // Saturday 09:00 EST is 14:00 UTC.
      expect(window.next).toEqual({
        start: Date.UTC(2026, 2, 7, 14, 0),
        end: Date.UTC(2026, 2, 7, 15, 0),
      });
      // Sunday 09:30 EDT (13:30 UTC): inside the window; 09:00 EST would have been 14:00 UTC.
      t = Date.UTC(2026, 2, 8, 13, 30);
      const inside = await opened(url, `inside ${schedule.type}`);
      expect((await view(inside)).incident.maintenance?.until).toBe(Date.UTC(2026, 2, 8, 14, 0));
      // Sunday 10:30 EDT (14:30 UTC): the window is over, though 09:30 EST would be inside it.
      t = Date.UTC(2026, 2, 8, 14, 30);
      const outside = await opened(url, `outside ${schedule.type}`);
      expect((await view(outside)).incident.maintenance ?? null).toBeNull();
      await untilEscalated(outside, /Escalated to level 1: Ana/);
      t = Date.UTC(2026, 2, 7, 12, 0);
    }
  });

  it('puts each occurrence of a window in the on-call calendar feed', async () => {
    clockAt(Date.now());
    const { serviceId } = await pagedService();
    const window = await createWindow({
      name: 'Sunday patching',
      serviceIds: [serviceId],
      schedule: {
        type: 'rrule',
        rule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=3;BYMINUTE=0',
        timeZone: 'Europe/Berlin',
        durationMinutes: 90,
      },
    });
    const { url } = await json<{ url: string }>(
      api('/api/oncall/me/calendar-feed', { method: 'POST', headers: ana.auth }),
      201,
    );
    const ics = await (await SELF.fetch(url)).text();
    const summaries = ics.split('\r\n').filter((l) => l === 'SUMMARY:Maintenance: Sunday patching');
    // The feed runs 60 days ahead: eight or nine Sundays.
    expect(summaries.length).toBeGreaterThanOrEqual(8);
    const next = window.next as { start: number };
    const stamp = new Date(next.start).toISOString().replace(/[-:]/g, '').slice(0, 15);
    expect(ics).toContain(`DTSTART:${stamp}Z`);
  });
});
