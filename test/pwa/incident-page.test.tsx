import { act, fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IncidentPage } from '../../pwa/src/pages/incident';
import type { Incident } from '../../schema/incident';
import { FakeWebSocket, entry, incident, json, me, problem, stubFetch } from './fakes';

beforeEach(() => FakeWebSocket.install());

function serve(inc: Incident, extra: Parameters<typeof stubFetch>[0] = {}) {
  return stubFetch({
    'GET /api/incidents/inc_1': () =>
      json({
        incident: inc,
        timeline: [entry(1, { kind: 'created', text: 'Opened by Alertmanager' })],
      }),
    ...extra,
  });
}

async function open(inc: Incident, extra: Parameters<typeof stubFetch>[0] = {}, who = me) {
  const calls = serve(inc, extra);
  render(<IncidentPage id="inc_1" me={who} />);
  await screen.findByRole('heading', { name: inc.title });
  return calls;
}

const button = (name: RegExp | string) => screen.getByRole('button', { name });

describe('the incident page', () => {
  it('offers Acknowledge and Resolve on a triggered incident', async () => {
    await open(incident({ status: 'triggered' }));

    expect(button('Acknowledge')).toBeEnabled();
    expect(button('Resolve')).toBeEnabled();
    const header = screen
      .getByRole('heading', { name: 'Checkout latency above 2s' })
      .closest('section')!;
    expect(within(header).getByText('critical')).toBeInTheDocument();
    expect(within(header).getByText('2 alerts')).toBeInTheDocument();
  });

  it('disables Acknowledge once the incident is acknowledged but still allows Resolve', async () => {
    await open(
      incident({
        status: 'acknowledged',
        acknowledgedBy: { kind: 'user', id: 'u_ann', name: 'Ann' },
      }),
    );

    expect(button('Acknowledged')).toBeDisabled();
    expect(button('Resolve')).toBeEnabled();
    expect(screen.getByText('Acknowledged by Ann')).toBeInTheDocument();
  });

  it('shows Reopen instead of Acknowledge and Resolve on a resolved incident', async () => {
    await open(incident({ status: 'resolved' }));

    expect(button('Reopen')).toBeEnabled();
    expect(screen.queryByRole('button', { name: /^Acknowledge/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
  });

  it('shows the detail of a 409 problem when the server refuses an action', async () => {
    await open(incident({ status: 'acknowledged' }), {
      'POST /api/incidents/inc_1/resolve': () =>
        problem(409, 'Incident #4 is already resolved; reopen it first.'),
    });

    fireEvent.click(button('Resolve'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Incident #4 is already resolved; reopen it first.',
    );
    expect(button('Resolve')).toBeEnabled();
  });

  it('shows progress while acknowledging, then the outcome, and sends an idempotent same-origin JSON POST', async () => {
    let answer!: (r: Response) => void;
    const calls = await open(incident({ status: 'triggered' }), {
      'POST /api/incidents/inc_1/acknowledge': () => new Promise<Response>((r) => (answer = r)),
    });

    fireEvent.click(button('Acknowledge'));
    expect(await screen.findByText('Acknowledging…')).toBeInTheDocument();
    expect(button('Resolve')).toBeDisabled();

    await act(async () =>
      answer(json({ incident: incident({ status: 'acknowledged', lastSeq: 2 }) })),
    );

    expect(await screen.findByText('Acknowledged. Escalation stopped.')).toBeInTheDocument();
    expect(button('Acknowledged')).toBeDisabled();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.init.credentials).toBe('same-origin');
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.body).toEqual({});
  });

  it('shows live timeline entries as they arrive, who else is viewing, and that it is live', async () => {
    await open(incident());
    const ws = FakeWebSocket.last;

    act(() => {
      ws.open();
      ws.receive({
        type: 'snapshot',
        incident: incident(),
        timeline: [entry(1, { kind: 'created', text: 'Opened by Alertmanager' })],
        since: 0,
        viewers: [
          { id: 'u_me', name: 'Mo' },
          { id: 'u_ann', name: 'Ann' },
        ],
      });
      ws.receive({
        type: 'event',
        entry: entry(2, { text: 'Ann acknowledged' }),
        incident: incident({ status: 'acknowledged', lastSeq: 2 }),
      });
    });

    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(timeline).toHaveAttribute('aria-live', 'polite');
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.tl-text')?.textContent),
    ).toEqual(['Opened by Alertmanager', 'Ann acknowledged']);
    expect(screen.getByText('Also here: Ann')).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(button('Acknowledged')).toBeDisabled();
  });

  it('explains a missing incident and stops trying to connect to it', async () => {
    stubFetch({
      'GET /api/incidents/inc_1': () => problem(404, 'No incident inc_1.', 'not-found'),
    });
    render(<IncidentPage id="inc_1" me={me} />);

    expect(await screen.findByRole('alert')).toHaveTextContent('No incident inc_1.');
    await vi.waitFor(() =>
      expect(FakeWebSocket.all.every((ws) => ws.readyState === FakeWebSocket.CLOSED)).toBe(true),
    );
    expect(screen.getByRole('link', { name: 'Back to incidents' })).toHaveAttribute('href', '/');
  });

  it('adds a note, reusing the idempotency key when the same note is retried after a failure', async () => {
    let attempt = 0;
    const calls = await open(incident(), {
      'POST /api/incidents/inc_1/notes': () =>
        ++attempt === 1
          ? problem(503, 'The incident is busy; try again.', 'unavailable')
          : json({ incident: incident({ lastSeq: 2 }) }),
    });

    fireEvent.input(screen.getByLabelText('Add a note'), {
      target: { value: 'Rolling back 1.42' },
    });
    fireEvent.click(button('Add note'));
    expect(await screen.findByText('The incident is busy; try again.')).toBeInTheDocument();

    fireEvent.click(button('Add note'));
    expect(await screen.findByText('Note added.')).toBeInTheDocument();

    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.map((p) => p.body)).toEqual([
      { text: 'Rolling back 1.42' },
      { text: 'Rolling back 1.42' },
    ]);
    expect(posts[0]!.headers.get('idempotency-key')).toBe(posts[1]!.headers.get('idempotency-key'));
    expect(screen.getByLabelText('Add a note')).toHaveValue('');
  });

  it('lets a viewer watch but not act', async () => {
    await open(incident(), {}, { ...me, role: 'viewer' as never });

    expect(button('Acknowledge')).toBeDisabled();
    expect(button('Resolve')).toBeDisabled();
    expect(screen.queryByLabelText('Add a note')).toBeNull();
  });

  it('shows the changes to the service from the hour before the incident opened, newest first', async () => {
    const inc = incident();
    const change = (id: string, summary: string, at: number) => ({
      id,
      serviceId: 'svc_checkout',
      integrationId: 'int_pd',
      integrationName: 'Deploys',
      summary,
      source: 'ci',
      at,
      receivedAt: at,
      details: null,
      links: [],
    });
    stubFetch({
      'GET /api/incidents/inc_1': () =>
        json({
          incident: inc,
          timeline: [entry(1, { kind: 'created' })],
          alerts: [],
          changes: [
            change('chg_2', 'Flip new-cart flag', inc.createdAt - 60_000),
            change('chg_1', 'Deploy checkout v7', inc.createdAt - 40 * 60_000),
          ],
        }),
    });
    render(<IncidentPage id="inc_1" me={me} />);
    const section = (await screen.findByRole('heading', { name: 'Recent changes' })).closest(
      'section',
    )!;
    expect(
      within(section).getByText('Changes to this service in the hour before the incident opened.'),
    ).toBeInTheDocument();
    expect([...section.querySelectorAll('.alert-summary')].map((e) => e.textContent)).toEqual([
      'Flip new-cart flag',
      'Deploy checkout v7',
    ]);
  });

  it('shows no Recent changes section when nothing changed before the incident', async () => {
    await open(incident());
    expect(screen.queryByRole('heading', { name: 'Recent changes' })).toBeNull();
  });
});

describe('a long incident timeline', () => {
  const texts = () =>
    within(screen.getByRole('list', { name: 'Timeline' }))
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.tl-text')?.textContent);
  const page = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, { text: `entry ${from + i}` }));

  it('shows the newest entries and loads earlier ones a page at a time until the first', async () => {
    const inc = incident({ lastSeq: 700 });
    const calls = stubFetch({
      'GET /api/incidents/inc_1': ({ url }) => {
        const before = Number(url.searchParams.get('before') ?? 701);
        const from = Math.max(1, before - 500);
        return json({
          incident: inc,
          timeline: page(from, before - 1),
          earlier: from > 1 ? from : null,
        });
      },
    });
    render(<IncidentPage id="inc_1" me={me} />);
    await screen.findByRole('heading', { name: inc.title });
    await vi.waitFor(() => expect(texts()).toHaveLength(500));
    expect(texts()[0]).toBe('entry 201');
    expect(texts().at(-1)).toBe('entry 700');

    fireEvent.click(button('Show earlier entries'));
    await vi.waitFor(() => expect(texts()).toHaveLength(700));
    expect(texts()[0]).toBe('entry 1');
    expect(screen.queryByRole('button', { name: 'Show earlier entries' })).toBeNull();
    expect(calls.filter((c) => c.url.searchParams.get('before') === '201')).toHaveLength(1);
  });

  it('does not draw entries below a gap as if they came right before the newest ones', async () => {
    await open(incident({ lastSeq: 900 }), {
      'GET /api/incidents/inc_1': ({ url }) =>
        url.searchParams.get('before') === '800'
          ? json({ incident: incident({ lastSeq: 900 }), timeline: page(300, 799), earlier: 300 })
          : json({ incident: incident({ lastSeq: 900 }), timeline: page(800, 900), earlier: 800 }),
    });
    const ws = FakeWebSocket.last;
    // The socket had the start of the story; the HTTP read brings the newest page after a storm.
    act(() => {
      ws.open();
      ws.receive({
        type: 'snapshot',
        incident: incident({ lastSeq: 3 }),
        timeline: page(1, 3),
        since: 0,
        earlier: null,
        more: false,
        viewers: [],
      });
    });
    await vi.waitFor(() => expect(texts()[0]).toBe('entry 800'));
    expect(texts()).not.toContain('entry 3');

    fireEvent.click(button('Show earlier entries'));
    await vi.waitFor(() => expect(texts()[0]).toBe('entry 300'));
    expect(texts()).not.toContain('entry 3');
  });
});

describe('an incident with thousands of alerts', () => {
  it('draws the first 100 alerts and more on request, and says how many are not listed at all', async () => {
    const alerts = Array.from({ length: 1_000 }, (_, i) => ({
      key: `fp${i}`,
      status: 'firing' as const,
      summary: `node-${i} is down`,
      severity: 'critical' as const,
      links: [],
      count: 1,
      firstSeenAt: Date.now(),
      lastSeenAt: Date.now(),
    }));
    await open(incident({ alertCount: 1_200, truncatedAlerts: 200 }), {
      'GET /api/incidents/inc_1': () =>
        json({
          incident: incident({ alertCount: 1_200, truncatedAlerts: 200 }),
          timeline: [entry(1)],
          alerts,
        }),
    });
    const drawn = () => screen.getAllByText(/^node-\d+ is down$/).length;
    await vi.waitFor(() => expect(drawn()).toBe(100));
    expect(screen.getByText('200 more alerts not listed.')).toBeInTheDocument();

    fireEvent.click(button('Show 500 more of 1000 alerts'));
    expect(drawn()).toBe(600);
    fireEvent.click(button('Show 400 more of 1000 alerts'));
    expect(drawn()).toBe(1_000);
    expect(screen.queryByRole('button', { name: /more of 1000 alerts/ })).toBeNull();
  });
});
