import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { reportQuery, responderBars, weekColumns } from '../../pwa/src/lib/reports';
import { OnCallPage } from '../../pwa/src/pages/oncall';
import { ReportsPage } from '../../pwa/src/pages/reports';
import type { Report } from '../../pwa/src/lib/types';
import { json, me, stubFetch } from './fakes';

const DAY = 86_400_000;

function report(overrides: Partial<Report> = {}): Report {
  return {
    range: {
      from: 0,
      to: 30 * DAY,
      zone: 'UTC',
      serviceId: null,
      teamId: null,
      outOfHours: 'outside 09:00–17:00 Monday to Friday, UTC',
    },
    incidents: {
      total: 5,
      bySeverity: { critical: 2, error: 1, warning: 2, info: 0 },
      byWeek: [
        { week: '2026-W09', weekStart: '2026-02-23', count: 2 },
        { week: '2026-W10', weekStart: '2026-03-02', count: 3 },
      ],
    },
    mtta: { count: 4, meanMs: 150_000, medianMs: 120_000, p90Ms: 300_000 },
    mttr: { count: 3, meanMs: 3_600_000, medianMs: 2_700_000, p90Ms: 7_200_000 },
    escalation: { escalated: 1, total: 5, rate: 0.2 },
    pagesPerResponder: [{ userId: 'u_ann', name: 'Ann', pages: 4, outOfHours: 1, incidents: 3 }],
    noisiestServices: [{ serviceId: 'svc_checkout', name: 'checkout', incidents: 4, alerts: 9 }],
    noisiestAlerts: [],
    ...overrides,
  };
}

describe('the reports screen', () => {
  it('draws the headline figures and charts for the last 30 days, and offers the same range as CSV', async () => {
    const calls = stubFetch({
      'GET /api/reports': () => json(report()),
      'GET /api/services': () =>
        json({
          services: [
            { id: 'svc_checkout', name: 'checkout', description: '', policyId: null, createdAt: 0 },
          ],
        }),
    });
    render(<ReportsPage />);

    expect(await screen.findByText('Incidents', { selector: 'dt' })).toBeInTheDocument();
    expect(screen.getByText('Incidents', { selector: 'dt' }).nextSibling).toHaveTextContent('5');
    expect(screen.getByText('MTTA (median)').nextSibling).toHaveTextContent('2m');
    expect(screen.getByText('MTTR (median)').nextSibling).toHaveTextContent('45m');
    expect(screen.getByText('Escalated').nextSibling).toHaveTextContent('20%');

    const weeks = screen.getByRole('region', { name: 'Incidents by week' });
    expect(within(weeks).getByRole('img').getAttribute('aria-label')).toMatch(
      /2026-W09\): 2; .*2026-W10\): 3/,
    );
    expect(
      within(weeks)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual([
      'WeekIncidents',
      expect.stringMatching(/2026-W09.*2$/),
      expect.stringMatching(/2026-W10.*3$/),
    ]);

    const mtta = screen.getByRole('region', { name: 'Time to acknowledge' });
    expect(
      within(mtta)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Mean2m 30s', 'Median2m', '90th percentile5m']);
    expect(screen.getByRole('region', { name: 'Pages per responder' })).toHaveTextContent(
      '4 pages · 1 out of hours (25%)',
    );
    expect(screen.getByRole('region', { name: 'Noisiest services' })).toHaveTextContent(
      '4 incidents · 9 alerts',
    );

    const first = calls.find((c) => c.url.pathname === '/api/reports')!.url.searchParams;
    expect(Number(first.get('to')) - Number(first.get('from'))).toBe(30 * DAY);
    const csv = new URL(
      screen.getByRole('link', { name: /Download CSV/ }).getAttribute('href')!,
      location.origin,
    );
    expect(csv.pathname).toBe('/api/reports/incidents.csv');
    expect(csv.search).toBe(`?${first}`);
  });

  it('shows incidents resolved without an acknowledgement as their own figure, kept out of MTTA', async () => {
    stubFetch({
      'GET /api/reports': () => json(report({ resolvedWithoutAck: { count: 2, resolved: 3 } })),
      'GET /api/services': () => json({ services: [] }),
    });
    render(<ReportsPage />);
    const figure = (await screen.findByText('Resolved without acknowledgement')).nextSibling;
    expect(figure).toHaveTextContent('2 of 3 resolved · not in MTTA');
  });

  it('asks again for another range and service', async () => {
    const calls = stubFetch({
      'GET /api/reports': () => json(report()),
      'GET /api/services': () =>
        json({
          services: [
            { id: 'svc_checkout', name: 'checkout', description: '', policyId: null, createdAt: 0 },
          ],
        }),
    });
    render(<ReportsPage />);
    await screen.findByRole('region', { name: 'Incidents by week' });

    fireEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    await screen.findByRole('region', { name: 'Incidents by week' });
    fireEvent.change(await screen.findByRole('combobox', { name: 'Service' }), {
      target: { value: 'svc_checkout' },
    });
    await screen.findByRole('region', { name: 'Incidents by week' });

    const last = calls.filter((c) => c.url.pathname === '/api/reports').at(-1)!.url.searchParams;
    expect(Number(last.get('to')) - Number(last.get('from'))).toBe(90 * DAY);
    expect(last.get('service')).toBe('svc_checkout');
  });
});

describe('report charts', () => {
  it('stacks weeks by severity when the server breaks them down', () => {
    const r = report();
    r.incidents.byWeek = [
      {
        week: '2026-W10',
        weekStart: '2026-03-02',
        count: 3,
        bySeverity: { critical: 1, warning: 2 },
      },
    ];
    const { columns, stacked } = weekColumns(r);
    expect(stacked).toBe(true);
    expect(columns[0]!.segments).toEqual([
      { kind: 'critical', value: 1 },
      { kind: 'error', value: 0 },
      { kind: 'warning', value: 2 },
      { kind: 'info', value: 0 },
    ]);
  });

  it('splits pages into working hours and out of hours', () => {
    expect(responderBars(report())[0]!.segments).toEqual([
      { kind: 'in-hours', value: 3 },
      { kind: 'out-of-hours', value: 1 },
    ]);
  });

  it('builds one query for the charts and the CSV', () => {
    expect(reportQuery(7, 'svc_1', 10 * DAY, 'Europe/Berlin')).toBe(
      `from=${3 * DAY}&to=${10 * DAY}&service=svc_1&zone=Europe%2FBerlin`,
    );
  });
});

describe('the on-call screen', () => {
  it('lists my upcoming shifts and the schedules I am in, and makes a copyable calendar link', async () => {
    const now = Date.now();
    stubFetch({
      'GET /api/oncall/me': () =>
        json({
          from: now,
          to: now + 14 * DAY,
          reachable: false,
          shifts: [
            {
              scheduleId: 'sch_1',
              scheduleName: 'Platform primary',
              start: now,
              end: now + DAY,
              override: false,
            },
          ],
        }),
      'GET /api/schedules': () =>
        json({
          schedules: [
            {
              id: 'sch_1',
              name: 'Platform primary',
              timeZone: 'Europe/Berlin',
              teamId: null,
              layers: [
                {
                  id: 'l1',
                  name: 'Layer 1',
                  users: ['u_me', 'u_ann'],
                  rotation: { type: 'weekly' },
                  start: '2026-03-02T09:00',
                },
              ],
              createdAt: 0,
              updatedAt: 0,
            },
            {
              id: 'sch_2',
              name: 'Databases',
              timeZone: 'UTC',
              teamId: null,
              layers: [
                {
                  id: 'l1',
                  name: 'Layer 1',
                  users: ['u_ann'],
                  rotation: { type: 'daily' },
                  start: '2026-03-02T09:00',
                },
              ],
              createdAt: 0,
              updatedAt: 0,
            },
          ],
        }),
      'GET /api/users': () =>
        json({ users: [me, { id: 'u_ann', name: 'Ann', role: 'responder' }] }),
      'POST /api/oncall/me/calendar-feed': () =>
        json({ url: 'https://firebell.example.com/calendar/fbc_secret.ics' }, 201),
    });
    render(<OnCallPage me={me} />);

    const shifts = await screen.findByRole('region', { name: 'My shifts, next 14 days' });
    expect(await within(shifts).findByText('Platform primary')).toBeInTheDocument();
    expect(within(shifts).getByText('on call now')).toBeInTheDocument();
    expect(screen.getByText(/You can't be paged/)).toBeInTheDocument();
    const mine = screen.getByRole('region', { name: "Schedules I'm in" });
    expect(within(mine).queryByText('Databases')).toBeNull();
    expect(
      await within(mine).findByText(/Weekly from 2026-03-02 09:00: you → Ann/),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Create my calendar link' }));
    expect(await screen.findByLabelText('Calendar feed URL')).toHaveValue(
      'https://firebell.example.com/calendar/fbc_secret.ics',
    );
    expect(screen.getByRole('button', { name: 'Copy Calendar feed URL' })).toBeInTheDocument();
  });
});
