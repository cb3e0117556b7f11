import { act, fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ackKey } from '../../pwa/src/lib/ack-key';
import { startOutbox } from '../../pwa/src/lib/outbox';
import { IncidentPage } from '../../pwa/src/pages/incident';
import type { Incident, IncidentAlert } from '../../schema/incident';
import { FakeWebSocket, entry, incident, json, me, problem, stubFetch } from './fakes';

beforeEach(() => FakeWebSocket.install());

const people = [
  { id: 'u_me', name: 'Mo', role: 'responder' },
  { id: 'u_ann', name: 'Ann', role: 'responder' },
  { id: 'u_vic', name: 'Vic', role: 'viewer' },
];

function alert(overrides: Partial<IncidentAlert> = {}): IncidentAlert {
  return {
    key: 'a1',
    status: 'firing',
    summary: 'Checkout 5xx above 5%',
    severity: 'critical',
    labels: { alertname: 'CheckoutErrors', instance: 'web-1' },
    annotations: {
      runbook_url: 'https://runbooks.example.com/checkout',
      description: 'POST /checkout failing',
    },
    links: [
      { href: 'https://prometheus.example.com/graph?g0.expr=x', text: 'Source' },
      { href: 'javascript:alert(1)', text: 'Evil' },
    ],
    count: 3,
    firstSeenAt: Date.now() - 60_000,
    lastSeenAt: Date.now(),
    ...overrides,
  };
}

type Routes = Parameters<typeof stubFetch>[0];

async function open(
  inc: Incident,
  extra: Routes = {},
  opts: { ackToken?: string; alerts?: IncidentAlert[] } = {},
) {
  const calls = stubFetch({
    'GET /api/incidents/inc_1': () =>
      json({
        incident: inc,
        timeline: [entry(1, { kind: 'created', text: 'Opened by Alertmanager' })],
        alerts: opts.alerts ?? [],
      }),
    'GET /api/users': () => json({ users: people }),
    ...extra,
  });
  render(<IncidentPage id="inc_1" me={me} ackToken={opts.ackToken ?? null} />);
  await screen.findByRole('heading', { name: inc.title });
  return calls;
}

const button = (name: RegExp | string) => screen.getByRole('button', { name });
const posts = (calls: Awaited<ReturnType<typeof open>>) => calls.filter((c) => c.method === 'POST');

describe('the incident page’s commands', () => {
  it('shows each alert with its labels, annotations and only the http(s) links back to the monitor', async () => {
    await open(incident(), {}, { alerts: [alert()] });

    const alerts = screen.getByRole('region', { name: 'Alerts' });
    expect(within(alerts).getByText('Checkout 5xx above 5%')).toBeInTheDocument();
    expect(within(alerts).getByText('alertname=CheckoutErrors')).toBeInTheDocument();
    expect(within(alerts).getByText('×3')).toBeInTheDocument();
    expect(
      within(alerts).getByRole('link', { name: 'https://runbooks.example.com/checkout' }),
    ).toHaveAttribute('rel', 'noopener noreferrer');
    expect(within(alerts).getByRole('link', { name: /Source/ })).toHaveAttribute(
      'href',
      'https://prometheus.example.com/graph?g0.expr=x',
    );
    expect(within(alerts).queryByRole('link', { name: /Evil/ })).toBeNull();
  });

  it('changes severity with progress and then the outcome', async () => {
    let answer!: (r: Response) => void;
    const calls = await open(incident(), {
      'POST /api/incidents/inc_1/severity': () => new Promise<Response>((r) => (answer = r)),
    });

    fireEvent.click(
      within(screen.getByRole('group', { name: 'Severity' })).getByRole('button', {
        name: 'warning',
      }),
    );
    expect(await screen.findByText('Changing severity…')).toBeInTheDocument();
    await act(async () =>
      answer(json({ incident: incident({ severity: 'warning', lastSeq: 2 }) })),
    );

    expect(await screen.findByText('Severity is now warning.')).toBeInTheDocument();
    expect(posts(calls)[0]!.body).toEqual({ severity: 'warning' });
    expect(
      within(screen.getByRole('group', { name: 'Severity' })).getByRole('button', {
        name: 'warning',
      }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('assigns a role from the people picker, leaving viewers out, and clears it again', async () => {
    const calls = await open(incident({ roles: { incident_commander: null, scribe: 'u_ann' } }), {
      'POST /api/incidents/inc_1/roles': () =>
        json({
          incident: incident({
            roles: { incident_commander: 'u_me', scribe: 'u_ann' },
            lastSeq: 2,
          }),
        }),
      'POST /api/incidents/inc_1/roles/unassign': () =>
        json({
          incident: incident({ roles: { incident_commander: 'u_me', scribe: null }, lastSeq: 3 }),
        }),
    });
    const commander = await screen.findByRole('combobox', { name: 'Incident commander' });
    await vi.waitFor(() =>
      expect(
        within(commander)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Nobody', 'Mo', 'Ann']),
    );

    fireEvent.change(commander, { target: { value: 'u_me' } });
    expect(await screen.findByText('Mo is incident commander.')).toBeInTheDocument();
    expect(screen.getByText(/Incident commander: Mo/)).toBeInTheDocument();

    fireEvent.change(screen.getByRole('combobox', { name: 'Scribe' }), { target: { value: '' } });
    expect(await screen.findByText('Nobody is scribe now.')).toBeInTheDocument();
    expect(posts(calls).map((p) => [p.url.pathname, p.body])).toEqual([
      ['/api/incidents/inc_1/roles', { role: 'incident_commander', userId: 'u_me' }],
      ['/api/incidents/inc_1/roles/unassign', { role: 'scribe' }],
    ]);
  });

  it('reassigns the incident to the people ticked, in one command', async () => {
    const calls = await open(incident({ assignees: ['u_me'] }), {
      'POST /api/incidents/inc_1/reassign': ({ body }) =>
        json({
          incident: incident({
            assignees: (body as { assignees: string[] }).assignees,
            lastSeq: 2,
          }),
        }),
    });
    const ann = await screen.findByRole('checkbox', { name: 'Ann' });
    expect(button('Save assignees')).toBeDisabled();

    await act(() => (ann as HTMLInputElement).click());
    expect(ann).toBeChecked();
    fireEvent.click(button('Save assignees'));

    expect(await screen.findByText('Assigned to Mo, Ann.')).toBeInTheDocument();
    expect(posts(calls)[0]!.body).toEqual({ assignees: ['u_me', 'u_ann'] });
    expect(screen.getByText('Assigned to Mo, Ann')).toBeInTheDocument();
  });

  it('escalates now', async () => {
    const calls = await open(incident(), {
      'POST /api/incidents/inc_1/escalate': () =>
        json({ incident: incident({ escalationLevel: 2, lastSeq: 2 }) }),
    });

    fireEvent.click(button('Escalate now'));

    expect(
      await screen.findByText('Escalated: the next level is being paged.'),
    ).toBeInTheDocument();
    expect(posts(calls)[0]!.url.pathname).toBe('/api/incidents/inc_1/escalate');
  });

  it('posts a status update from the same box as notes', async () => {
    const calls = await open(incident(), {
      'POST /api/incidents/inc_1/status-updates': () =>
        json({ incident: incident({ lastSeq: 2 }) }),
    });

    fireEvent.input(screen.getByLabelText('Add a note'), {
      target: { value: 'Mitigated: traffic moved to eu-west' },
    });
    fireEvent.click(button('Post as status update'));

    expect(await screen.findByText('Status update posted.')).toBeInTheDocument();
    expect(posts(calls)[0]!.body).toEqual({ text: 'Mitigated: traffic moved to eu-west' });
    expect(screen.getByLabelText('Add a note')).toHaveValue('');
  });

  it('explains a conflict and reloads the incident as it now is', async () => {
    let loads = 0;
    await open(incident(), {
      'GET /api/incidents/inc_1': () =>
        json({
          incident: incident(++loads > 1 ? { status: 'resolved', lastSeq: 5 } : {}),
          timeline: [entry(1)],
        }),
      'POST /api/incidents/inc_1/acknowledge': () =>
        problem(409, 'Incident #4 is resolved; reopen it first.'),
    });

    fireEvent.click(button('Acknowledge'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not done: Incident #4 is resolved; reopen it first. This page now shows the incident as it is.',
    );
    expect(await screen.findByRole('button', { name: 'Reopen' })).toBeEnabled();
  });

  it('queues an acknowledgement made offline, says it waits for the network, and replays it once with the same key', async () => {
    let online = false;
    const calls = await open(incident(), {
      'POST /api/incidents/inc_1/acknowledge': () =>
        online
          ? json({ incident: incident({ status: 'acknowledged', lastSeq: 2 }) })
          : Promise.reject(new TypeError('Failed to fetch')),
    });
    const stop = startOutbox();

    fireEvent.click(button('Acknowledge'));

    expect(
      await screen.findByText('Acknowledgement queued: waiting for network.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Waiting for network' })).toHaveTextContent(
      'Acknowledge: waiting for network',
    );
    expect(button('Acknowledge queued')).toBeDisabled();

    online = true;
    await act(async () => {
      window.dispatchEvent(new Event('online'));
    });

    expect(await screen.findByText('Acknowledged. Escalation stopped.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Waiting for network' })).toBeNull();
    expect(button('Acknowledged')).toBeDisabled();
    const [first, replay] = posts(calls);
    expect(replay!.headers.get('idempotency-key')).toBe(first!.headers.get('idempotency-key'));
    expect(posts(calls)).toHaveLength(2);
    stop();
  });

  it('acknowledges with the action token from a notification link, under the notification’s own key', async () => {
    history.replaceState(null, '', '/incidents/inc_1?ack=tok.sig');
    const calls = await open(
      incident(),
      {
        'POST /api/push/ack': () =>
          json({ incident: incident({ status: 'acknowledged', lastSeq: 2 }) }),
      },
      { ackToken: 'tok.sig' },
    );
    expect(screen.getByText(/You were paged for this incident/)).toBeInTheDocument();

    fireEvent.click(button('Acknowledge'));

    expect(await screen.findByText('Acknowledged. Escalation stopped.')).toBeInTheDocument();
    const [post] = posts(calls);
    expect(post!.url.pathname).toBe('/api/push/ack');
    expect(post!.body).toEqual({ token: 'tok.sig', incidentId: 'inc_1' });
    expect(post!.headers.get('idempotency-key')).toBe(await ackKey('tok.sig'));
    expect(location.search).toBe('');
  });
});
