import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { OnCallNow, onCallSummary } from '../../pwa/src/components/oncall-now';
import { currentShiftStart, gapText, wallNow } from '../../pwa/src/lib/coverage';
import { restrictionText } from '../../pwa/src/lib/rotation';
import { OnCallPage } from '../../pwa/src/pages/oncall';
import type { Schedule, ServiceOnCall } from '../../pwa/src/lib/types';
import { json, me, stubFetch } from './fakes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the start of the shift under way', () => {
  it('is today 09:00 in the schedule’s zone once 09:00 has passed there, else yesterday 09:00', () => {
    const at = Date.UTC(2026, 2, 3, 14, 20); // 15:20 in Berlin, 23:20 in Tokyo, 09:20 in New York
    expect(currentShiftStart('Europe/Berlin', at)).toBe('2026-03-03T09:00');
    expect(currentShiftStart('America/New_York', at)).toBe('2026-03-03T09:00');
    expect(currentShiftStart('America/Los_Angeles', at)).toBe('2026-03-02T09:00'); // 06:20 there
    expect(currentShiftStart('Pacific/Kiritimati', Date.UTC(2026, 0, 1, 0, 30))).toBe(
      '2026-01-01T09:00',
    ); // 14:30 on New Year's Day
    expect(currentShiftStart('Europe/Berlin', Date.UTC(2026, 2, 1, 7, 59))).toBe(
      '2026-02-28T09:00',
    ); // 08:59 on 1 March
    expect(wallNow('Asia/Tokyo', at)).toBe('2026-03-03T23:20');
  });

  it('says a gap in words, open-ended when it runs past the window looked at', () => {
    const now = Date.now();
    expect(gapText({ start: now - HOUR, end: now + 2 * DAY }, now + 7 * DAY, now)).toMatch(
      /^now → \w{3} \d{2}:\d{2}$/,
    );
    expect(gapText({ start: now + DAY, end: now + 7 * DAY }, now + 7 * DAY, now)).toMatch(
      /^from \w{3} \d{2}:\d{2}$/,
    );
    expect(restrictionText({ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' })).toBe(
      'Mon–Fri 09:00–17:00',
    );
    expect(restrictionText({ days: [6, 7], from: '22:00', to: '06:00' })).toBe(
      'Sat, Sun 22:00–06:00 (next day)',
    );
  });
});

const service = (name: string, extra: Partial<ServiceOnCall> = {}): ServiceOnCall => ({
  id: `svc_${name}`,
  name,
  policy: { id: 'pol', name: 'p' },
  levels: [
    {
      level: 1,
      delayMinutes: 5,
      users: [{ id: 'u_ann', name: 'Ann', reachable: true }],
      empty: [],
    },
  ],
  reachesNobody: false,
  gaps: [],
  ...extra,
});

describe('"On call now" on the home screen', () => {
  it('warns of a service nobody covers now, until when, and of one with a gap within a day', async () => {
    const now = Date.now();
    const uncovered = service('search', {
      levels: [
        {
          level: 1,
          delayMinutes: 5,
          users: [],
          empty: [{ type: 'schedule', id: 'sch', name: 'Search' }],
        },
      ],
      reachesNobody: true,
      gaps: [{ start: now, end: now + 17 * HOUR }],
    });
    const tonight = service('checkout', {
      gaps: [{ start: now + 3 * HOUR, end: now + 18 * HOUR }],
    });
    stubFetch({
      'GET /api/oncall': () =>
        json({ at: now, until: now + 7 * DAY, services: [tonight, uncovered] }),
    });
    render(<OnCallNow />);
    const summary = await screen.findByText(/service reaches nobody/);
    expect(summary).toHaveTextContent(
      'Ann · 1 service reaches nobody · 1 service has a gap within a day',
    );
    fireEvent.click(summary);
    const items = screen.getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      /^checkout: Ann · nobody \w{3} \d{2}:\d{2} → \w{3} \d{2}:\d{2}$/,
    );
    expect(items[1]).toHaveTextContent(/^search: nobody is on call, until \w{3} \d{2}:\d{2}$/);
  });

  it('stays quiet about gaps more than a day away', () => {
    const now = Date.now();
    expect(
      onCallSummary([service('a', { gaps: [{ start: now + 2 * DAY, end: now + 3 * DAY }] })], now),
    ).toEqual({ text: 'Ann', warn: false });
  });
});

describe('the schedule card on the on-call screen', () => {
  it('names the layers when there are several, says when each is on call, and when nobody is', async () => {
    const now = Date.now();
    const schedule: Schedule = {
      id: 'sch_1',
      name: 'Platform',
      timeZone: 'Europe/Berlin',
      teamId: null,
      layers: [
        {
          id: 'l1',
          name: 'Nights',
          users: ['u_ann'],
          rotation: { type: 'weekly' },
          start: '2026-03-02T09:00',
          restrictions: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '17:00', to: '09:00' }],
        },
        {
          id: 'l2',
          name: 'Office',
          users: ['u_me', 'u_ann'],
          rotation: { type: 'daily' },
          start: '2026-03-02T09:00',
          restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
        },
      ],
      coverage: {
        from: now,
        to: now + 7 * DAY,
        gaps: [1, 2, 3, 4].map((d) => ({ start: now + d * DAY, end: now + d * DAY + 8 * HOUR })),
      },
      createdAt: 0,
      updatedAt: 0,
    };
    stubFetch({
      'GET /api/oncall/me': () =>
        json({ from: now, to: now + 14 * DAY, reachable: true, shifts: [] }),
      'GET /api/schedules': () => json({ schedules: [schedule] }),
      'GET /api/users': () =>
        json({ users: [me, { id: 'u_ann', name: 'Ann', role: 'responder' }] }),
    });
    render(<OnCallPage me={me} />);
    const mine = await screen.findByRole('region', { name: "Schedules I'm in" });
    expect(
      await within(mine).findByText(
        'Nights: Weekly from 2026-03-02 09:00: Ann · only every day 17:00–09:00 (next day)',
      ),
    ).toBeInTheDocument();
    expect(
      within(mine).getByText(
        'Office: Daily from 2026-03-02 09:00: you → Ann · only Mon–Fri 09:00–17:00',
      ),
    ).toBeInTheDocument();
    const gaps = within(mine).getByRole('note', { name: 'Coverage gaps in Platform' });
    expect(
      within(gaps)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringMatching(/^\w{3} \d{2}:\d{2} → \w{3} \d{2}:\d{2}$/),
      expect.stringMatching(/→/),
      expect.stringMatching(/→/),
      'and 1 more in the next 7 days',
    ]);
  });
});
