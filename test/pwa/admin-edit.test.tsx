import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { currentShiftStart, wallNow } from '../../pwa/src/lib/coverage';
import { AdminPage } from '../../pwa/src/pages/admin';
import type { Integration, Policy, Schedule, Service, Team } from '../../pwa/src/lib/types';
import { json, problem, stubFetch } from './fakes';

const HOUR = 3_600_000;
const NOW = Date.now();
const users = [
  { id: 'u_ann', name: 'Ann', role: 'responder' },
  { id: 'u_bo', name: 'Bo', role: 'responder' },
];
const service: Service = {
  id: 'svc_pay',
  name: 'payments',
  description: '',
  policyId: 'pol_1',
  createdAt: NOW - 86_400_000,
};
const schedule: Schedule = {
  id: 'sch_1',
  name: 'Platform primary',
  timeZone: 'Europe/Berlin',
  teamId: null,
  layers: [
    {
      id: 'lyr_1',
      name: 'Layer 1',
      users: ['u_ann', 'u_bo'],
      rotation: { type: 'daily' },
      start: '2026-03-04T09:00',
    },
  ],
  overrides: [],
  coverage: { from: NOW, to: NOW + 7 * 24 * HOUR, gaps: [{ start: NOW, end: NOW + 17 * HOUR }] },
  createdAt: 0,
  updatedAt: 0,
};
const policy: Policy = {
  id: 'pol_1',
  name: 'Payments on-call',
  levels: [
    { delayMinutes: 5, targets: [{ type: 'schedule', id: 'sch_1' }] },
    { delayMinutes: 10, targets: [{ type: 'user', id: 'u_bo' }] },
  ],
  repeat: 1,
  renotifyMinutes: 15,
  services: [{ id: 'svc_pay', name: 'payments' }],
  coverage: {
    from: NOW,
    to: NOW + 7 * 24 * HOUR,
    gaps: [],
    emptyNow: [{ level: 1, until: NOW + 17 * HOUR }],
  },
};
const integration: Integration = {
  id: 'int_1',
  serviceId: 'svc_pay',
  type: 'generic',
  name: 'Generic',
  ratePerMinute: 120,
  signed: false,
  endpoint: 'https://firebell.example.com/hooks/generic/{key}',
  keyIn: 'in the URL',
  mapping: null,
  preset: null,
  createdAt: NOW,
  revokedAt: null,
};

function adminApi(routes: Parameters<typeof stubFetch>[0] = {}) {
  let teams: Team[] = [{ id: 'team_1', name: 'Payments', members: [{ id: 'u_ann', name: 'Ann' }] }];
  return stubFetch({
    'GET /api/services': () => json({ services: [service] }),
    'GET /api/policies': () => json({ policies: [policy] }),
    'GET /api/schedules': () => json({ schedules: [schedule] }),
    'GET /api/teams': () => json({ teams }),
    'GET /api/users': () => json({ users }),
    'GET /api/services/svc_pay/integrations': () =>
      json({ integrations: [{ ...integration, recentPayloads: [] }] }),
    'GET /api/services/svc_pay/changes': () => json({ changes: [] }),
    'POST /api/teams': ({ body }) => {
      const team = { id: 'team_2', name: (body as { name: string }).name, members: [] };
      teams = [...teams, team];
      return json({ team }, 201);
    },
    ...routes,
  });
}

const tab = async (name: string) => fireEvent.click(await screen.findByRole('button', { name }));
const bodyOf = (calls: ReturnType<typeof stubFetch>, method: string, path: string) =>
  calls.find((c) => c.method === method && c.url.pathname === path)?.body;

describe('schedules in the admin screen', () => {
  it('starts a new schedule at the start of the shift under way, so nobody is left uncovered, and warns when moved later', async () => {
    const calls = adminApi({
      'POST /api/schedules': ({ body }) =>
        json(
          {
            schedule: {
              ...schedule,
              id: 'sch_2',
              name: (body as { name: string }).name,
              coverage: { from: NOW, to: NOW + 7 * 24 * HOUR, gaps: [] },
            },
          },
          201,
        ),
    });
    render(<AdminPage />);
    await tab('Schedules');
    const form = await screen.findByRole('form', { name: 'New schedule' });
    fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Database' } });
    fireEvent.input(within(form).getByLabelText('Time zone'), { target: { value: 'Asia/Tokyo' } });
    const start = within(form).getByLabelText(/First handover/) as HTMLInputElement;
    expect(start.value).toBe(currentShiftStart('Asia/Tokyo', Date.now()));
    expect(start.value <= wallNow('Asia/Tokyo', Date.now())).toBe(true);
    expect(within(form).queryByText(/Nobody will be on call until/)).toBeNull();

    fireEvent.input(start, { target: { value: '2099-01-01T09:00' } });
    expect(
      within(form).getByText(/Nobody will be on call until 2099-01-01 09:00 \(Asia\/Tokyo\)/),
    ).toBeInTheDocument();
    fireEvent.input(start, { target: { value: currentShiftStart('Asia/Tokyo', Date.now()) } });

    fireEvent.change(within(form).getByLabelText('Add a person'), { target: { value: 'u_bo' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create schedule' }));
    expect(
      await within(form).findByText(
        'Schedule “Database” created. Add it to an escalation policy to page from it.',
      ),
    ).toBeInTheDocument();
    expect(bodyOf(calls, 'POST', '/api/schedules')).toEqual({
      name: 'Database',
      timeZone: 'Asia/Tokyo',
      teamId: null,
      layers: [
        {
          users: ['u_bo'],
          rotation: { type: 'weekly' },
          start: currentShiftStart('Asia/Tokyo', Date.now()),
        },
      ],
    });
  });

  it('shows when nobody is on call on the schedule card', async () => {
    adminApi();
    render(<AdminPage />);
    await tab('Schedules');
    const gaps = await screen.findByRole('note', { name: 'Coverage gaps in Platform primary' });
    expect(gaps).toHaveTextContent(/^Nobody on call/);
    expect(within(gaps).getByRole('listitem')).toHaveTextContent(/^now → \w{3} \d{2}:\d{2}$/);
  });

  it('changes a schedule: a second layer restricted to weekday office hours, and a team, sent in one PUT', async () => {
    const calls = adminApi({
      'PUT /api/schedules/sch_1': ({ body }) =>
        json({ schedule: { ...schedule, ...(body as object) } }),
    });
    render(<AdminPage />);
    await tab('Schedules');
    const card = (await screen.findByText('Platform primary', { selector: 'strong' })).closest(
      'li',
    )!;
    fireEvent.click(within(card).getByRole('button', { name: 'Change' }));
    const form = within(card).getByRole('form', { name: 'Change Platform primary' });
    fireEvent.change(within(form).getByLabelText('Team'), { target: { value: 'team_1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add a layer on top' }));
    fireEvent.input(within(form).getByLabelText('Layer 2 name'), {
      target: { value: 'Office hours' },
    });
    fireEvent.change(within(form).getByLabelText('Add a person to layer 2'), {
      target: { value: 'u_ann' },
    });
    fireEvent.input(within(form).getAllByLabelText(/First handover/)[1]!, {
      target: { value: '2026-03-02T09:00' },
    });
    const layer2 = within(form).getByRole('group', { name: 'Layer 2' });
    fireEvent.click(within(layer2).getByRole('button', { name: 'Only at certain times…' }));
    fireEvent.input(within(layer2).getByLabelText('To'), { target: { value: '18:00' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));

    expect(
      await within(card).findByText(/Schedule “Platform primary” saved\./),
    ).toBeInTheDocument();
    expect(bodyOf(calls, 'PUT', '/api/schedules/sch_1')).toEqual({
      name: 'Platform primary',
      timeZone: 'Europe/Berlin',
      teamId: 'team_1',
      layers: [
        {
          id: 'lyr_1',
          name: 'Layer 1',
          users: ['u_ann', 'u_bo'],
          rotation: { type: 'daily' },
          start: '2026-03-04T09:00',
        },
        {
          name: 'Office hours',
          users: ['u_ann'],
          rotation: { type: 'weekly' },
          start: '2026-03-02T09:00',
          restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
        },
      ],
    });
  });

  it('adds and removes an override', async () => {
    const override = { id: 'ovr_1', userId: 'u_bo', start: NOW + HOUR, end: NOW + 9 * HOUR };
    const calls = adminApi({
      'GET /api/schedules': () =>
        json({
          schedules: [
            {
              ...schedule,
              overrides:
                calls.some((c) => c.method === 'POST') && !calls.some((c) => c.method === 'DELETE')
                  ? [override]
                  : [],
            },
          ],
        }),
      'POST /api/schedules/sch_1/overrides': () => json({ override }, 201),
      'DELETE /api/schedules/sch_1/overrides/ovr_1': () => new Response(null, { status: 204 }),
    });
    render(<AdminPage />);
    await tab('Schedules');
    const card = (await screen.findByText('Platform primary', { selector: 'strong' })).closest(
      'li',
    )!;
    fireEvent.click(within(card).getByRole('button', { name: 'Overrides' }));
    const overrides = within(card).getByRole('region', { name: 'Overrides for Platform primary' });
    fireEvent.change(within(overrides).getByLabelText('Put on call instead'), {
      target: { value: 'u_bo' },
    });
    fireEvent.click(within(overrides).getByRole('button', { name: 'Add override' }));
    expect(
      await within(card).findByText(/^Bo is on call for Platform primary/),
    ).toBeInTheDocument();
    const sent = bodyOf(calls, 'POST', '/api/schedules/sch_1/overrides') as {
      userId: string;
      start: number;
      end: number;
    };
    expect(sent.userId).toBe('u_bo');
    expect(sent.end - sent.start).toBe(8 * HOUR);

    const row = (await within(card).findByText('Bo', { selector: '.override-row span' })).closest(
      'li',
    )!;
    fireEvent.click(within(row).getByRole('button', { name: 'Remove' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Tap again to remove' }));
    expect(
      await within(card).findByText('Override removed: the rotation decides again.'),
    ).toBeInTheDocument();
  });

  it('says which policy keeps a schedule from being deleted', async () => {
    adminApi({
      'DELETE /api/schedules/sch_1': () =>
        problem(
          409,
          'Schedule sch_1 is a target of policy “Payments on-call” (pol_1); remove it from their levels first.',
        ),
    });
    render(<AdminPage />);
    await tab('Schedules');
    const card = (await screen.findByText('Platform primary', { selector: 'strong' })).closest(
      'li',
    )!;
    fireEvent.click(within(card).getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Tap again to delete' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'is a target of policy “Payments on-call”',
    );
  });

  it('creates a team, changes who is in it, and says which schedules keep it from being deleted', async () => {
    const calls = adminApi({
      'PUT /api/teams/team_1/members': ({ body }) =>
        json({
          team: {
            id: 'team_1',
            name: 'Payments',
            members: (body as { userIds: string[] }).userIds.map((id) => ({ id, name: id })),
          },
        }),
      'DELETE /api/teams/team_1': () =>
        problem(
          409,
          'Team “Payments” owns schedule “Platform primary” (sch_1); move it to another team or none first.',
        ),
    });
    render(<AdminPage />);
    await tab('Schedules');
    fireEvent.input(await screen.findByLabelText('New team name'), {
      target: { value: 'Databases' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create team' }));
    expect(await screen.findByText(/Team “Databases” created/)).toBeInTheDocument();

    const card = (await screen.findByText('Payments', { selector: 'strong' })).closest('li')!;
    fireEvent.click(within(card).getByRole('button', { name: 'Change' }));
    fireEvent.click(within(card).getByRole('checkbox', { name: 'Bo' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Save team' }));
    expect(await within(card).findByText('Team “Payments” saved.')).toBeInTheDocument();
    expect(bodyOf(calls, 'PUT', '/api/teams/team_1/members')).toEqual({
      userIds: ['u_ann', 'u_bo'],
    });

    fireEvent.click(within(card).getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Tap again to delete the team' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'owns schedule “Platform primary”',
    );
  });
});

describe('policies in the admin screen', () => {
  it('flags a level with nobody on call now, and changes the policy keeping its repeat and re-page settings', async () => {
    const calls = adminApi({
      'PUT /api/policies/pol_1': ({ body }) => json({ policy: { ...policy, ...(body as object) } }),
    });
    render(<AdminPage />);
    await tab('Policies');
    const card = (await screen.findByText('Payments on-call', { selector: 'strong' })).closest(
      'li',
    )!;
    const levels = within(card).getAllByRole('listitem');
    expect(levels[0]).toHaveTextContent(
      /^Level 1: Platform primary · next level after 5 min · nobody on call now, until \w{3} \d{2}:\d{2}$/,
    );
    expect(levels[1]).toHaveTextContent(/^Level 2: Bo$/);

    fireEvent.click(within(card).getByRole('button', { name: 'Change' }));
    const form = within(card).getByRole('form', { name: 'Change Payments on-call' });
    // The last level waits for nothing unless the policy starts over.
    expect(within(form).getByLabelText('Minutes before level 2')).toHaveValue(5);
    expect(within(form).queryByLabelText(/Minutes before starting over/)).toBeNull();
    fireEvent.input(within(form).getByLabelText('Times through'), { target: { value: '2' } });
    expect(within(form).getByLabelText('Minutes before starting over at level 1')).toHaveValue(10);
    fireEvent.click(
      within(within(form).getByRole('group', { name: 'Level 1: page' })).getByRole('checkbox', {
        name: 'Ann',
      }),
    );
    fireEvent.click(
      within(within(form).getByRole('group', { name: 'Level 2: page' })).getByRole('checkbox', {
        name: 'Ann',
      }),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Save policy' }));

    expect(
      await within(card).findByText(
        'Policy “Payments on-call” saved. Incidents already escalating keep the levels they started with.',
      ),
    ).toBeInTheDocument();
    expect(bodyOf(calls, 'PUT', '/api/policies/pol_1')).toEqual({
      name: 'Payments on-call',
      levels: [
        {
          delayMinutes: 5,
          targets: [
            { type: 'schedule', id: 'sch_1' },
            { type: 'user', id: 'u_ann' },
          ],
        },
        {
          delayMinutes: 10,
          targets: [
            { type: 'user', id: 'u_bo' },
            { type: 'user', id: 'u_ann' },
          ],
        },
      ],
      repeat: 2,
      renotifyMinutes: 15,
    });
  });

  it('shows no delay field on the only level of a new policy', async () => {
    adminApi();
    render(<AdminPage />);
    await tab('Policies');
    const form = await screen.findByRole('form', { name: 'New escalation policy' });
    expect(within(form).queryByLabelText(/Minutes before/)).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Add a level' }));
    expect(within(form).getAllByLabelText(/Minutes before/)).toEqual([
      within(form).getByLabelText('Minutes before level 2'),
    ]);
  });

  it('says which services keep a policy from being deleted', async () => {
    adminApi({
      'DELETE /api/policies/pol_1': () =>
        problem(
          409,
          'Escalation policy pol_1 pages for “payments” (svc_pay); point it at another policy first.',
        ),
    });
    render(<AdminPage />);
    await tab('Policies');
    const card = (await screen.findByText('Payments on-call', { selector: 'strong' })).closest(
      'li',
    )!;
    fireEvent.click(within(card).getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Tap again to delete' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'pages for “payments” (svc_pay)',
    );
  });
});

describe('services and integrations in the admin screen', () => {
  async function openPayments() {
    fireEvent.click(await screen.findByText('payments', { selector: 'summary strong' }));
    return screen.getByText('payments', { selector: 'summary strong' }).closest('li')!;
  }

  it('starts the next new service without the previous one’s policy', async () => {
    const calls = adminApi({
      'POST /api/services': ({ body }) =>
        json(
          { service: { ...service, id: 'svc_new', name: (body as { name: string }).name } },
          201,
        ),
    });
    render(<AdminPage />);
    fireEvent.input(await screen.findByLabelText('New service name'), {
      target: { value: 'search' },
    });
    fireEvent.change(screen.getByLabelText('Escalation policy'), { target: { value: 'pol_1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create service' }));
    expect(await screen.findByText(/Service “search” created/)).toBeInTheDocument();
    expect(bodyOf(calls, 'POST', '/api/services')).toEqual({ name: 'search', policyId: 'pol_1' });
    expect(screen.getByLabelText('Escalation policy')).toHaveValue('');
  });

  it('renames a service and says what keeps it from being deleted', async () => {
    const calls = adminApi({
      'PATCH /api/services/svc_pay': ({ body }) =>
        json({ service: { ...service, ...(body as object) } }),
      'DELETE /api/services/svc_pay': () =>
        problem(
          409,
          'Service “payments” still has open incident #4 “Card declines”; resolve the incidents and revoke the integrations first.',
        ),
    });
    render(<AdminPage />);
    const card = await openPayments();
    fireEvent.click(within(card).getByRole('button', { name: 'Rename' }));
    fireEvent.input(within(card).getByLabelText('Service name'), {
      target: { value: 'payments-api' },
    });
    fireEvent.input(within(card).getByLabelText('Description'), { target: { value: 'Card auth' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    expect(await within(card).findByText('Saved “payments-api”.')).toBeInTheDocument();
    expect(bodyOf(calls, 'PATCH', '/api/services/svc_pay')).toEqual({
      name: 'payments-api',
      description: 'Card auth',
    });

    fireEvent.click(within(card).getByRole('button', { name: 'Delete service' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Tap again to delete' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'still has open incident #4 “Card declines”',
    );
  });

  it('renames an integration and changes its rate without touching its key', async () => {
    const calls = adminApi({
      'PATCH /api/services/svc_pay/integrations/int_1': ({ body }) =>
        json({ ...integration, ...(body as object) }),
    });
    render(<AdminPage />);
    const card = await openPayments();
    const item = (await within(card).findByText('Generic', { selector: 'strong' })).closest('li')!;
    fireEvent.click(within(item).getByRole('button', { name: 'Edit' }));
    fireEvent.input(within(item).getByLabelText('Integration name'), {
      target: { value: 'Uptime probe' },
    });
    fireEvent.input(within(item).getByLabelText('Requests a minute'), { target: { value: '30' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Save' }));
    expect(
      await within(item).findByText(
        'Saved: “Uptime probe” takes 30 requests a minute, from now on.',
      ),
    ).toBeInTheDocument();
    expect(bodyOf(calls, 'PATCH', '/api/services/svc_pay/integrations/int_1')).toEqual({
      name: 'Uptime probe',
      ratePerMinute: 30,
    });
  });
});
