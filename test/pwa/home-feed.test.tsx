import { act, fireEvent, render, renderHook, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { onCallSummary } from '../../pwa/src/components/oncall-now';
import { FALLBACK_POLL_MS, SAVE_AFTER_MS, useIncidentList } from '../../pwa/src/lib/incident-list';
import { HomePage } from '../../pwa/src/pages/home';
import type { IncidentSummary, ServiceOnCall } from '../../pwa/src/lib/types';
import { FakeWebSocket, json, me, stubFetch, summary } from './fakes';

const T = Date.now() - 60_000;

beforeEach(() => FakeWebSocket.install());

function server(initial: IncidentSummary[]) {
  let rows = initial;
  const calls = stubFetch({
    'GET /api/incidents': ({ url }) => {
      const statuses = url.searchParams.get('status')?.split(',') ?? [];
      const service = url.searchParams.get('service');
      const severity = url.searchParams.get('severity');
      const shown = rows.filter(
        (r) =>
          statuses.includes(r.status) &&
          (!service || r.serviceId === service) &&
          (!severity || r.severity === severity),
      );
      return json({ incidents: shown, nextCursor: null });
    },
    'GET /api/services': () =>
      json({
        services: [
          { id: 'svc_checkout', name: 'checkout', description: '', policyId: null, createdAt: T },
          { id: 'svc_pay', name: 'payments', description: '', policyId: null, createdAt: T },
        ],
      }),
    'GET /api/oncall': () =>
      json({
        at: T,
        services: [
          {
            id: 'svc_checkout',
            name: 'checkout',
            policy: { id: 'pol_1', name: 'Checkout' },
            levels: [
              {
                level: 1,
                delayMinutes: 5,
                users: [{ id: 'u_ann', name: 'Ann', reachable: false }],
                empty: [],
              },
            ],
            reachesNobody: false,
          },
        ],
      }),
  });
  return {
    calls,
    set: (next: IncidentSummary[]) => (rows = next),
    lists: () => calls.filter((c) => c.url.pathname === '/api/incidents'),
  };
}

/** The feed socket answers the first ping: from then on it is live. */
function goLive(ws: FakeWebSocket) {
  act(() => {
    ws.open();
    ws.receive({ type: 'pong' });
  });
}

describe('the home screen, live from the feed', () => {
  it('shows a new incident and moves one between "Needs me" and "All open" as the feed reports them, without reloading the list', async () => {
    const mine = summary({
      id: 'inc_1',
      number: 1,
      title: 'Checkout latency above 2s',
      createdAt: T,
      updatedAt: T,
    });
    const api = server([mine]);
    render(<HomePage me={me} />);
    const needsMe = await screen.findByRole('region', { name: 'Needs me' });
    await within(needsMe).findByText(/Checkout latency/);

    const ws = FakeWebSocket.last;
    expect(ws.url).toBe(`ws://${location.host}/api/feed/live`);
    goLive(ws);
    expect(ws.sent).toEqual([{ type: 'ping' }]);
    await screen.findByText('Live');
    const loads = api.lists().length;

    act(() =>
      ws.receive({
        type: 'incident',
        incident: summary({
          id: 'inc_2',
          number: 2,
          title: 'Disk 91% on db-2',
          assignees: ['u_ann'],
          createdAt: T + 1000,
          updatedAt: T + 1000,
        }),
      }),
    );
    const allOpen = screen.getByRole('region', { name: 'All open' });
    expect(within(allOpen).getByRole('link', { name: /#2 Disk 91% on db-2/ })).toBeInTheDocument();

    act(() =>
      ws.receive({
        type: 'incident',
        incident: {
          ...mine,
          status: 'acknowledged',
          acknowledgedAt: T + 2000,
          updatedAt: T + 2000,
        },
      }),
    );
    expect(within(needsMe).queryByRole('link')).toBeNull();
    expect(within(needsMe).getByText('Nothing is waiting on you.')).toBeInTheDocument();
    expect(
      within(allOpen)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual([expect.stringContaining('#2'), expect.stringContaining('#1')]);

    act(() =>
      ws.receive({
        type: 'incident',
        incident: { ...mine, status: 'resolved', resolvedAt: T + 3000, updatedAt: T + 3000 },
      }),
    );
    expect(within(allOpen).getAllByRole('link')).toHaveLength(1);
    expect(api.lists()).toHaveLength(loads);
  });

  it('filters by service and severity, on the server and for rows the feed brings', async () => {
    const api = server([
      summary({
        id: 'inc_1',
        number: 1,
        title: 'Checkout down',
        serviceId: 'svc_checkout',
        severity: 'critical',
        assignees: [],
      }),
      summary({
        id: 'inc_2',
        number: 2,
        title: 'Payments slow',
        serviceId: 'svc_pay',
        severity: 'warning',
        assignees: [],
      }),
    ]);
    render(<HomePage me={me} />);
    const allOpen = await screen.findByRole('region', { name: 'All open' });
    await within(allOpen).findByText(/Payments slow/);

    fireEvent.change(await screen.findByRole('combobox', { name: 'Service' }), {
      target: { value: 'svc_pay' },
    });
    await vi.waitFor(() =>
      expect(screen.getByRole('region', { name: 'All open' })).not.toHaveTextContent(
        'Checkout down',
      ),
    );
    expect(api.lists().at(-1)!.url.searchParams.get('service')).toBe('svc_pay');

    fireEvent.change(screen.getByRole('combobox', { name: 'Severity' }), {
      target: { value: 'critical' },
    });
    await screen.findByText('No other open incidents match these filters.');
    expect(api.lists().at(-1)!.url.searchParams.get('severity')).toBe('critical');

    goLive(FakeWebSocket.last);
    act(() =>
      FakeWebSocket.last.receive({
        type: 'incident',
        incident: summary({
          id: 'inc_3',
          title: 'Checkout critical',
          serviceId: 'svc_checkout',
          severity: 'critical',
          assignees: [],
        }),
      }),
    );
    act(() =>
      FakeWebSocket.last.receive({
        type: 'incident',
        incident: summary({
          id: 'inc_4',
          title: 'Payments critical',
          serviceId: 'svc_pay',
          severity: 'critical',
          assignees: [],
        }),
      }),
    );
    const region = screen.getByRole('region', { name: 'All open' });
    await within(region).findByText(/Payments critical/);
    expect(region).not.toHaveTextContent('Checkout critical');
  });

  it('moves an incident into "Needs me" the moment the feed says I am paged for it, and asks the server for what waits on me', async () => {
    const row = summary({
      id: 'inc_7',
      number: 7,
      title: 'Queue backlog above 10k',
      assignees: [],
      paged: [],
      createdAt: T,
      updatedAt: T,
    });
    const api = server([row]);
    render(<HomePage me={me} />);
    const allOpen = await screen.findByRole('region', { name: 'All open' });
    await within(allOpen).findByText(/Queue backlog/);
    goLive(FakeWebSocket.last);

    act(() =>
      FakeWebSocket.last.receive({
        type: 'incident',
        incident: { ...row, paged: ['u_me'], updatedAt: T + 1000 },
      }),
    );
    expect(
      within(screen.getByRole('region', { name: 'Needs me' })).getByRole('link', {
        name: /#7 Queue backlog/,
      }),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Mine' }));
    await vi.waitFor(() => expect(api.lists().at(-1)!.url.searchParams.get('involves')).toBe('me'));
    expect(api.lists().at(-1)!.url.searchParams.get('assignee')).toBeNull();
  });

  it('says who is on call now, flagging anyone who cannot be paged', async () => {
    server([]);
    render(<HomePage me={me} />);
    expect(await screen.findByText("Ann (can't be paged)")).toBeInTheDocument();
  });
});

describe('the on-call summary line', () => {
  const svc = (
    name: string,
    users: { id: string; name: string; reachable: boolean }[],
  ): ServiceOnCall => ({
    id: `svc_${name}`,
    name,
    policy: { id: 'pol', name: 'p' },
    levels: [{ level: 1, delayMinutes: 5, users, empty: [] }],
    reachesNobody: users.length === 0,
  });

  it('names each first responder once and counts services that reach nobody', () => {
    const ann = { id: 'u_ann', name: 'Ann', reachable: true };
    expect(onCallSummary([svc('a', [ann]), svc('b', [ann]), svc('c', [])])).toEqual({
      text: 'Ann · 1 service reaches nobody',
      warn: true,
    });
    expect(onCallSummary([svc('a', [ann])])).toEqual({ text: 'Ann', warn: false });
    expect(onCallSummary([])).toEqual({
      text: 'No service has an escalation policy yet',
      warn: false,
    });
  });
});

/** Let fake time pass, with every timer and promise it releases settled inside act(). */
const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

describe('useIncidentList when the feed drops', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0); // backoff at its floor: 250 ms, then 500 ms, …
  });

  it('reconnects with backoff, reloads the list over HTTP once live again, and polls slowly only while down', async () => {
    const api = server([summary({ id: 'inc_1' })]);
    const { result } = renderHook(() =>
      useIncidentList({ view: 'open', service: null, severity: null }, me),
    );
    await vi.waitFor(() => expect(result.current.list?.rows).toHaveLength(1));
    goLive(FakeWebSocket.last);
    await vi.waitFor(() => expect(api.lists()).toHaveLength(2)); // the first pong closes any gap since the first load
    expect(result.current.connection).toBe('live');

    // While live, nothing polls.
    await advance(FALLBACK_POLL_MS * 3);
    expect(api.lists()).toHaveLength(2);

    // Down: a change made meanwhile is missed by the feed…
    act(() => FakeWebSocket.last.drop());
    expect(result.current.connection).toBe('reconnecting');
    api.set([summary({ id: 'inc_1' }), summary({ id: 'inc_2', createdAt: Date.now() })]);
    // …the reconnect attempts keep failing, so the slow poll stands in.
    for (let i = 0; i < 8; i++) {
      await advance(4_000);
      if (FakeWebSocket.last.readyState === FakeWebSocket.CONNECTING)
        act(() => FakeWebSocket.last.drop());
    }
    expect(api.lists()).toHaveLength(3);
    expect(result.current.list?.rows.map((r) => r.id)).toEqual(['inc_2', 'inc_1']);

    // Back: the next attempt answers, and the list is reloaded once more.
    const sockets = FakeWebSocket.all.length;
    await advance(20_000);
    expect(FakeWebSocket.all.length).toBe(sockets + 1);
    const before = api.lists().length;
    goLive(FakeWebSocket.last);
    await vi.waitFor(() => expect(api.lists()).toHaveLength(before + 1));
    expect(result.current.connection).toBe('live');
  });

  it('opens offline with the list as this phone last showed it, feed rows included, for that user and filter only', async () => {
    const api = server([summary({ id: 'inc_1', title: 'Checkout latency above 2s' })]);
    const open = { view: 'open', service: null, severity: null } as const;
    const first = renderHook(() => useIncidentList(open, me));
    goLive(FakeWebSocket.last);
    await vi.waitFor(() => expect(first.result.current.list?.rows).toHaveLength(1));
    // A row the feed brought after the load, never fetched over HTTP: the saved copy must still have it.
    act(() =>
      FakeWebSocket.last.receive({
        type: 'incident',
        incident: summary({ id: 'inc_2', title: 'Disk 91% on db-2', createdAt: Date.now() }),
      }),
    );
    // Leaving the screen before the quiet moment saves at once.
    act(() => first.unmount());
    expect(api.lists()).toHaveLength(2);

    // The tunnel: every request fails.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const offline = renderHook(() => useIncidentList(open, me));
    await vi.waitFor(() => expect(offline.result.current.error).not.toBeNull());
    expect(offline.result.current.list?.rows.map((r) => r.title)).toEqual([
      'Disk 91% on db-2',
      'Checkout latency above 2s',
    ]);
    offline.unmount();

    // Another filter, or another person on this phone, was never shown: nothing to show.
    const resolved = renderHook(() => useIncidentList({ ...open, view: 'resolved' }, me));
    await vi.waitFor(() => expect(resolved.result.current.error).not.toBeNull());
    expect(resolved.result.current.list).toBeNull();
    resolved.unmount();
    const other = renderHook(() => useIncidentList(open, { ...me, id: 'u_other' }));
    await vi.waitFor(() => expect(other.result.current.error).not.toBeNull());
    expect(other.result.current.list).toBeNull();
  });

  it('saves a storm of feed rows in one write, a moment after the first', async () => {
    server([]);
    const { result } = renderHook(() =>
      useIncidentList({ view: 'open', service: null, severity: null }, me),
    );
    goLive(FakeWebSocket.last);
    await vi.waitFor(() => expect(result.current.list).not.toBeNull());
    await advance(SAVE_AFTER_MS);
    const savedRows = () =>
      (
        JSON.parse(localStorage.getItem('firebell.lists') ?? '{"lists":[]}') as {
          lists: { rows: unknown[] }[];
        }
      ).lists[0]?.rows;
    expect(savedRows()).toEqual([]);
    for (let i = 0; i < 50; i++)
      act(() =>
        FakeWebSocket.last.receive({
          type: 'incident',
          incident: summary({ id: `inc_${i}`, createdAt: Date.now() + i }),
        }),
      );
    // Nothing written row by row…
    await advance(SAVE_AFTER_MS - 1);
    expect(savedRows()).toEqual([]);
    // …the whole storm once the moment has passed.
    await advance(1);
    expect(savedRows()).toHaveLength(50);
  });

  it('gives up on a socket whose ping goes unanswered and tries again', async () => {
    server([]);
    renderHook(() => useIncidentList({ view: 'open', service: null, severity: null }, me));
    const ws = FakeWebSocket.last;
    act(() => ws.open()); // opened, but the pong never comes
    await advance(10_000);
    expect(ws.readyState).toBe(FakeWebSocket.CLOSED);
    await advance(250);
    expect(FakeWebSocket.all).toHaveLength(2);
  });
});
