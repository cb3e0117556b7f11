import { fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { Timeline } from '../../pwa/src/components/timeline';
import { IncidentPage } from '../../pwa/src/pages/incident';
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import { FakeWebSocket, entry, incident, json, me, stubFetch } from './fakes';

beforeEach(() => FakeWebSocket.install());

function alert(overrides: Partial<IncidentAlert> = {}): IncidentAlert {
  return {
    key: 'a1',
    status: 'firing',
    summary: 'Disk 91% on db-1',
    severity: 'error',
    links: [],
    count: 1,
    firstSeenAt: Date.now() - 60_000,
    lastSeenAt: Date.now(),
    ...overrides,
  };
}

async function open(
  inc: Incident,
  alerts: IncidentAlert[],
  timeline: TimelineEntry[] = [entry(1, { kind: 'created', text: 'Opened by PagerDuty' })],
) {
  stubFetch({
    'GET /api/incidents/inc_1': () => json({ incident: inc, timeline, alerts }),
    'GET /api/users': () => json({ users: [me, { id: 'u_ann', name: 'Ann', role: 'responder' }] }),
  });
  render(<IncidentPage id="inc_1" me={me} />);
  await screen.findByRole('heading', { name: inc.title });
  return screen.queryByRole('region', { name: 'Alerts' }) as HTMLElement;
}

describe('what an alert says beyond its summary', () => {
  it('folds PagerDuty custom_details away as key/value pairs, with URLs as links and nesting kept', async () => {
    const details = {
      used: '91%',
      dashboard: 'https://grafana.example.com/d/disk',
      mounts: ['/var', '/srv'],
      host: { name: 'db-1', rack: { row: 'B', unit: 12 } },
      trace: 'line one\nline two',
    };
    const alerts = await open(incident(), [alert({ details })]);

    const folded = within(alerts).getByText('Details · 5 fields').closest('details')!;
    expect(folded.open).toBe(false);
    fireEvent.click(within(folded).getByText('Details · 5 fields'));
    const pairs = within(folded)
      .getAllByRole('term')
      .map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['used', '91%'],
        ['mounts', '/var/srv'],
        ['rack', 'rowBunit12'],
        ['trace', 'line one\nline two'],
      ]),
    );
    expect(
      within(folded).getByRole('link', { name: 'https://grafana.example.com/d/disk' }),
    ).toHaveAttribute('rel', 'noopener noreferrer');
    expect(
      within(folded).getByText('db-1').closest('dl')?.closest('dd')?.previousElementSibling,
    ).toHaveTextContent('host');
  });

  it('renders hostile details as plain text: no markup, no script links', async () => {
    const alerts = await open(incident(), [
      alert({
        details: {
          note: '<img src=x onerror=alert(1)><b>bold</b>',
          runbook: 'javascript:alert(1)',
        },
      }),
    ]);
    fireEvent.click(within(alerts).getByText('Details · 2 fields'));
    expect(alerts.querySelector('img, b')).toBeNull();
    expect(within(alerts).getByText('<img src=x onerror=alert(1)><b>bold</b>')).toBeInTheDocument();
    expect(within(alerts).getByText('javascript:alert(1)').closest('a')).toBeNull();
  });

  it('shows an Opsgenie description in full and its tags and entity among the details', async () => {
    const alerts = await open(incident(), [
      alert({
        summary: 'Queue backlog above 10k',
        labels: { region: 'eu' },
        details: {
          description: 'Orders are piling up since the 03:00 deploy.',
          priority: 'P2',
          tags: ['orders', 'queue'],
          entity: 'orders-worker',
        },
      }),
    ]);
    expect(within(alerts).getByText('Orders are piling up since the 03:00 deploy.')).toBeVisible();
    fireEvent.click(within(alerts).getByText('Details · 3 fields'));
    expect(within(alerts).getByText('orders')).toHaveClass('label');
    expect(within(alerts).getByText('orders-worker')).toBeInTheDocument();
  });

  it('shows what was kept of details too large to store, and says so', async () => {
    const alerts = await open(incident(), [
      alert({
        details: { truncated: true, bytes: 40_000, limit: 16_384, preview: '{"dump":"aaaa' },
      }),
    ]);
    fireEvent.click(within(alerts).getByText('Details (too large to keep in full)'));
    expect(
      within(alerts).getByText(/The monitor sent 40000 bytes; Firebell keeps 16384 bytes/),
    ).toBeInTheDocument();
    expect(within(alerts).getByText('{"dump":"aaaa')).toBeInTheDocument();
  });
});

describe('alert state and counts on the incident page', () => {
  it('says how many distinct alerts there are, how many fire and how many notifications came, and which alert ended with the incident', async () => {
    const inc = incident({
      status: 'resolved',
      alertCount: 2,
      firingCount: 0,
      notificationCount: 4,
      resolvedAt: Date.now(),
    });
    const alerts = await open(inc, [
      alert({ key: 'a1', status: 'resolved', resolvedBy: 'monitor', count: 2 }),
      alert({
        key: 'a2',
        summary: '5xx above 5%',
        status: 'resolved',
        resolvedBy: 'incident',
        count: 2,
      }),
    ]);
    const header = screen.getByRole('heading', { name: inc.title }).closest('section')!;
    expect(within(header).getByText('2 alerts')).toBeInTheDocument();
    expect(within(header).getByText('4 notifications')).toBeInTheDocument();
    expect(within(header).queryByText(/firing/)).toBeNull();
    const states = within(alerts)
      .getAllByRole('listitem')
      .filter((li) => li.classList.contains('alert'));
    expect(
      states.map((li) => li.querySelector('.incident-row-meta span:nth-child(2)')?.textContent),
    ).toEqual(['Resolved', 'Resolved with the incident']);
  });

  it('counts the alerts still firing on an open incident', async () => {
    await open(incident({ alertCount: 2, firingCount: 1, notificationCount: 2 }), [
      alert({ status: 'resolved' }),
      alert({ key: 'a2', summary: '5xx above 5%' }),
    ]);
    const header = screen
      .getByRole('heading', { name: 'Checkout latency above 2s' })
      .closest('section')!;
    expect(within(header).getByText('1 firing')).toBeInTheDocument();
    expect(within(header).queryByText(/notification/)).toBeNull();
  });

  it('tells the person paged that it is them, and everyone else who is being paged', async () => {
    await open(incident({ assignees: [], paged: ['u_me', 'u_ann'] }), []);
    expect(screen.getByText(/You were paged for this incident/)).toBeInTheDocument();
    expect(screen.getByText('Paging Mo, Ann')).toBeInTheDocument();
  });
});

describe('push retries on the timeline', () => {
  const system = { kind: 'system' as const, id: 'firebell', name: 'Firebell' };
  const attempt = (seq: number, n: number, text: string, sent = false): TimelineEntry =>
    entry(seq, {
      kind: sent ? 'notification_sent' : 'notification_failed',
      actor: system,
      text,
      data: {
        userId: 'u_me',
        subscriptionId: 'psb_1',
        outcome: sent ? 'sent' : 'retry',
        attempt: n,
      },
    });

  it('shows the retries of one page as one line saying where the page stands, not one line each', () => {
    const entries = [
      entry(1, { kind: 'escalated', actor: system, text: 'Escalated to level 1: Mo' }),
      attempt(2, 1, 'Paged Mo on Pixel: push service unreachable, will retry'),
      attempt(3, 2, 'Paged Mo on Pixel: push service unreachable, will retry (attempt 2)'),
      entry(4, { text: 'Looking into it' }),
      attempt(5, 3, 'Paged Mo on Pixel: push service unreachable, will retry (attempt 3)'),
      attempt(6, 4, 'Paged Mo on Pixel: sent (attempt 4)', true),
    ];
    render(<Timeline entries={entries} now={Date.now()} />);
    const lines = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toHaveTextContent('Paged Mo on Pixel: push service unreachable, will retry');
    expect(lines[1]).toHaveTextContent(/Retried 3 times, latest .*: sent \(attempt 4\)$/);
    expect(lines[2]).toHaveTextContent('Looking into it');
  });
});
