import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { DeviceStatus } from '../../pwa/src/components/device-status';
import { SHOW_ALL_AFTER_MS } from '../../pwa/src/lib/in-order';
import { saveList, savedList } from '../../pwa/src/lib/list-snapshot';
import { enqueue, queued } from '../../pwa/src/lib/outbox';
import { SettingsPage } from '../../pwa/src/pages/settings';
import type { ApiToken, PushDevice } from '../../pwa/src/lib/types';
import { VAPID, browserWith, json, me, stubFetch, summary } from './fakes';

function device(id: string, label: string, overrides: Partial<PushDevice> = {}): PushDevice {
  return {
    id,
    label,
    endpoint: `https://push.example.net/send/${id}`,
    createdAt: Date.now() - 86_400_000,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastFailure: null,
    verifiedAt: null,
    ...overrides,
  };
}

const token = (id: string, name: string): ApiToken => ({
  id,
  name,
  createdAt: Date.now() - 3_600_000,
  lastUsedAt: null,
  revokedAt: null,
});

describe('the settings page', () => {
  it('lists my devices and renames, test-pages and removes one', async () => {
    let devices = [device('psb_1', 'Pixel 8'), device('psb_2', 'Work laptop')];
    const calls = stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: devices }),
      'PATCH /api/push/subscriptions/psb_1': ({ body }) => {
        devices = devices.map((d) =>
          d.id === 'psb_1' ? { ...d, label: (body as { label: string }).label } : d,
        );
        return json({ subscription: devices[0] });
      },
      'POST /api/push/subscriptions/psb_1/test': () =>
        json({
          outcome: { kind: 'sent', status: 201 },
          removed: false,
          message: 'Test page to "Pixel 8 Pro": sent.',
        }),
      'DELETE /api/push/subscriptions/psb_2': () => {
        devices = devices.filter((d) => d.id !== 'psb_2');
        return new Response(null, { status: 204 });
      },
      'GET /api/tokens': () => json({ tokens: [] }),
    });
    render(<SettingsPage me={me} onSignedOut={() => {}} />);
    const list = await screen.findByRole('region', { name: 'My devices' });
    const pixel = (await within(list).findByText('Pixel 8')).closest('li')!;

    fireEvent.click(within(pixel).getByRole('button', { name: 'Rename' }));
    fireEvent.input(within(pixel).getByLabelText('Name'), { target: { value: 'Pixel 8 Pro' } });
    fireEvent.click(within(pixel).getByRole('button', { name: 'Save' }));
    const renamed = (await within(list).findByText('Pixel 8 Pro')).closest('li')!;

    fireEvent.click(within(renamed).getByRole('button', { name: 'Send test page' }));
    expect(
      await within(renamed).findByText('Test page to "Pixel 8 Pro": sent.'),
    ).toBeInTheDocument();

    const laptop = within(list).getByText('Work laptop').closest('li')!;
    fireEvent.click(within(laptop).getByRole('button', { name: 'Remove' }));
    fireEvent.click(within(laptop).getByRole('button', { name: 'Tap again to remove' }));
    await vi.waitFor(() => expect(within(list).queryByText('Work laptop')).toBeNull());

    expect(
      calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.url.pathname}`),
    ).toEqual([
      'PATCH /api/push/subscriptions/psb_1',
      'POST /api/push/subscriptions/psb_1/test',
      'DELETE /api/push/subscriptions/psb_2',
    ]);
  });

  it('shows a new API token exactly once and revokes tokens', async () => {
    let tokens = [token('tok_1', 'ci')];
    stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/tokens': () => json({ tokens }),
      'POST /api/tokens': ({ body }) => {
        const created = token('tok_2', (body as { name: string }).name);
        tokens = [...tokens, created];
        return json({ ...created, token: 'fbt_secret_shown_once' }, 201);
      },
      'DELETE /api/tokens/tok_1': () => {
        tokens = tokens.filter((t) => t.id !== 'tok_1');
        return new Response(null, { status: 204 });
      },
    });
    render(<SettingsPage me={me} onSignedOut={() => {}} />);
    const section = await screen.findByRole('region', { name: 'My API tokens' });

    fireEvent.input(within(section).getByLabelText('New token name'), {
      target: { value: 'deploy script' },
    });
    fireEvent.click(within(section).getByRole('button', { name: 'Create' }));

    expect(await within(section).findByLabelText('Token deploy script')).toHaveValue(
      'fbt_secret_shown_once',
    );
    expect(within(section).getByText(/Firebell will not show it again/)).toBeInTheDocument();
    fireEvent.click(within(section).getByRole('button', { name: 'Done' }));
    expect(within(section).queryByDisplayValue('fbt_secret_shown_once')).toBeNull();

    const ci = within(section).getByText('ci').closest('li')!;
    fireEvent.click(within(ci).getByRole('button', { name: 'Revoke' }));
    fireEvent.click(within(ci).getByRole('button', { name: 'Tap again to revoke' }));
    await vi.waitFor(() => expect(within(section).queryByText('ci')).toBeNull());
    expect(within(section).getByText('deploy script')).toBeInTheDocument();
  });

  it('shows its sections top to bottom, each once those above have loaded, so a late one moves nothing shown', async () => {
    let answerRules = () => {};
    const rulesAnswered = new Promise<void>((resolve) => (answerRules = resolve));
    const step = { afterMinutes: 0, channel: 'push' } as const;
    stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/contact-methods': () => json({ methods: [] }),
      'GET /api/notification-rules': async () => {
        await rulesAnswered;
        return json({ rules: { high: [step], low: [step], workingHours: null } });
      },
      'GET /api/tokens': () => json({ tokens: [token('tok_1', 'ci')] }),
      'GET /api/slack/links': () => json({ links: [] }),
    });
    render(<SettingsPage me={me} onSignedOut={() => {}} />);
    const rules = await screen.findByRole('region', { name: 'When to reach me' });
    expect(rules).toHaveAttribute('aria-busy', 'true');
    // The tokens are in, but out of sight and reach below the rules still loading, and Sign out with them.
    await screen.findByText('ci');
    expect(screen.queryByRole('region', { name: 'My API tokens' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();

    answerRules();
    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeEnabled();
    expect(rules).toHaveAttribute('aria-busy', 'false');
    expect(within(rules).getByRole('button', { name: 'Save rules' })).toBeInTheDocument();
    const tokens = screen.getByRole('region', { name: 'My API tokens' });
    expect(within(tokens).getByText('ci')).toBeInTheDocument();
  });

  it('shows the rest, Sign out included, when a read above never answers', async () => {
    stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/contact-methods': () => json({ methods: [] }),
      'GET /api/notification-rules': () => new Promise<Response>(() => {}),
      'GET /api/tokens': () => json({ tokens: [] }),
      'GET /api/slack/links': () => json({ links: [] }),
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      render(<SettingsPage me={me} onSignedOut={() => {}} />);
      await vi.advanceTimersByTimeAsync(SHOW_ALL_AFTER_MS - 1);
      expect(screen.getByRole('region', { name: 'When to reach me' })).toHaveAttribute(
        'aria-busy',
        'true',
      );
      expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      expect(screen.getByRole('button', { name: 'Sign out' })).toBeEnabled();
      expect(screen.getByRole('region', { name: 'Slack' })).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs out, forgetting anything queued or saved on this phone so the next person cannot send or read it', async () => {
    stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/tokens': () => json({ tokens: [] }),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    enqueue({
      key: 'k1',
      incidentId: 'inc_1',
      path: '/api/incidents/inc_1/notes',
      body: { text: 'x' },
      label: 'Add a note',
      done: 'Note added.',
    });
    saveList(me.id, 'open||', [summary({ id: 'inc_1' })]);
    const onSignedOut = vi.fn();
    render(<SettingsPage me={me} onSignedOut={onSignedOut} />);

    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await vi.waitFor(() => expect(onSignedOut).toHaveBeenCalledTimes(1));
    expect(queued()).toEqual([]);
    expect(savedList(me.id, 'open||')).toBeNull();
  });
});

describe('whether this device will ring', () => {
  it('offers the one-tap fix when notifications are off, and only then asks for permission', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/131.0 Mobile Safari/537.36',
    );
    const { Notification } = browserWith({ permission: 'default' });
    stubFetch({
      'GET /api/push/vapid-public-key': () => json({ publicKey: VAPID }),
      'POST /api/push/subscriptions': ({ body }) =>
        json(
          {
            subscription: device('psb_9', (body as { label: string }).label),
            testPage: 'Test page to "Android phone · Chrome": delivered to the push service (201).',
          },
          201,
        ),
    });
    render(<DeviceStatus compact />);

    expect(
      await screen.findByText(/This device will not ring when you are paged/),
    ).toBeInTheDocument();
    expect(Notification.requestPermission).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Turn on notifications' }));

    expect(
      await screen.findByText(
        'Done: “Android phone · Chrome” will ring when you are paged. A test page is on its way: once this device shows it, it counts as verified.',
      ),
    ).toBeInTheDocument();
    expect(Notification.requestPermission).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
  });

  it('says so when the browser cannot receive pages at all', async () => {
    render(<DeviceStatus />);

    expect(await screen.findByText(/This browser cannot receive pages/)).toBeInTheDocument();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
