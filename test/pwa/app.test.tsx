import { fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../pwa/src/app';
import { matchRoute } from '../../pwa/src/lib/router';
import type { IncidentSummary } from '../../pwa/src/lib/types';
import { FakeWebSocket, entry, incident, json, me, problem, stubFetch } from './fakes';

function summary(
  id: string,
  number: number,
  title: string,
  status: IncidentSummary['status'] = 'triggered',
): IncidentSummary {
  const {
    serviceId,
    severity,
    assignees,
    alertCount,
    createdAt,
    acknowledgedAt,
    resolvedAt,
    updatedAt,
  } = incident();
  return {
    id,
    number,
    title,
    status,
    serviceId,
    severity,
    assignees,
    alertCount,
    createdAt,
    acknowledgedAt,
    resolvedAt,
    updatedAt,
    nobodyPaged: false,
  };
}

beforeEach(() => FakeWebSocket.install());

describe('routing', () => {
  it('maps each path to its page and anything else to not-found', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/join/abc%2Fdef')).toEqual({ name: 'join', token: 'abc/def' });
    expect(matchRoute('/incidents/inc_1')).toEqual({ name: 'incident', id: 'inc_1' });
    expect(matchRoute('/settings/')).toEqual({ name: 'settings' });
    expect(matchRoute('/incidents')).toEqual({ name: 'not-found' });
    expect(matchRoute('/incidents/inc_1/review')).toEqual({ name: 'review', id: 'inc_1' });
    expect(matchRoute('/oncall')).toEqual({ name: 'oncall' });
    expect(matchRoute('/reports/')).toEqual({ name: 'reports' });
    expect(matchRoute('/admin')).toEqual({ name: 'admin' });
  });
});

describe('the tab bar', () => {
  const home = () =>
    stubFetch({
      'GET /api/auth/session': () => json({ user: me }),
      'GET /api/incidents': () => json({ incidents: [], nextCursor: null }),
    });

  it('reaches Home, On call, Reports and Settings, marking where you are; Admin only for admins', async () => {
    home();
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Home', 'On call', 'Reports', 'Settings']);
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
  });

  it('adds Admin for an admin, and an incident page has its own bottom bar instead', async () => {
    stubFetch({
      'GET /api/auth/session': () => json({ user: { ...me, role: 'admin' } }),
      'GET /api/incidents': () =>
        json({ incidents: [summary('inc_1', 4, 'Checkout latency above 2s')], nextCursor: null }),
      'GET /api/incidents/inc_1': () => json({ incident: incident(), timeline: [entry(1)] }),
    });
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');

    fireEvent.click(await screen.findByRole('link', { name: /Checkout latency/ }));
    await screen.findByRole('heading', { name: 'Checkout latency above 2s' });
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
  });

  it('tells a responder who opens /admin that it is for admins', async () => {
    history.replaceState(null, '', '/admin');
    home();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeInTheDocument();
  });
});

describe('the app shell', () => {
  it('asks a signed-out visitor to open their invite link on this phone', async () => {
    stubFetch({ 'GET /api/auth/session': () => json({ user: null }) });
    render(<App />);

    expect(
      await screen.findByRole('heading', { name: 'Open your invite link on this phone' }),
    ).toBeInTheDocument();
  });

  it('lists what needs me first, then the rest of the open incidents, and opens one in place', async () => {
    const mine = summary('inc_1', 4, 'Checkout latency above 2s');
    const other = summary('inc_2', 3, 'Disk 91% on db-2', 'acknowledged');
    stubFetch({
      'GET /api/auth/session': () => json({ user: me }),
      'GET /api/incidents': ({ url }) =>
        json({
          incidents: url.searchParams.get('assignee') === 'me' ? [mine] : [mine, other],
          nextCursor: null,
        }),
      'GET /api/incidents/inc_1': () => json({ incident: incident(), timeline: [entry(1)] }),
    });
    render(<App />);

    const needsMe = await screen.findByRole('region', { name: 'Needs me' });
    await within(needsMe).findByText(/Checkout latency/);
    const allOpen = screen.getByRole('region', { name: 'All open' });
    expect(
      within(allOpen)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual([expect.stringContaining('#3 Disk 91% on db-2')]);

    fireEvent.click(within(needsMe).getByRole('link'));

    expect(
      await screen.findByRole('heading', { name: 'Checkout latency above 2s' }),
    ).toBeInTheDocument();
    expect(location.pathname).toBe('/incidents/inc_1');
  });
});

describe('a notification’s link on a device with no session', () => {
  it('acknowledges with the page’s action token alone', async () => {
    history.replaceState(null, '', '/incidents/inc_1?ack=tok.sig');
    const calls = stubFetch({
      'GET /api/auth/session': () => json({ user: null }),
      'POST /api/push/ack': () => json({ incident: incident({ status: 'acknowledged' }) }),
    });
    render(<App />);

    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));

    expect(await screen.findByText('#4 acknowledged. Escalation stopped.')).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ token: 'tok.sig', incidentId: 'inc_1' });
    expect(post.headers.get('idempotency-key')).toMatch(/^ack:[0-9a-f]{64}$/);
  });
});
